package dev.leadflow.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorConfigTest {

    @TempDir
    Path dir;

    @Test
    void fileThenEnvironmentWithPathsRelativeToTheFile() throws IOException {
        Files.writeString(dir.resolve("registry-password"), "s3cret\n");
        Path yaml = Files.writeString(dir.resolve("collector.yaml"), """
                port: 9000
                kafkaBootstrapServers: kafka:9092
                kafkaProperties: {security.protocol: SASL_SSL, sasl.jaas.config: "secret stuff"}
                registryUrl: https://registry:8081
                registryUser: collector
                registryPasswordFile: registry-password
                keysFile: keys.yaml
                allowedOrigins: [https://www.example.com]
                ackTimeout: 3s
                """);
        CollectorConfig c = CollectorConfig.load(yaml, Map.of("LEADFLOW_COLLECTOR_PORT", "9100",
                "LEADFLOW_COLLECTOR_RETRY_AFTER", "30s", "OTHER", "x",
                "LEADFLOW_COLLECTOR_KAFKA_PROP_SASL_MECHANISM", "SCRAM-SHA-512"));
        assertThat(c.port()).isEqualTo(9100);
        assertThat(c.kafkaBootstrapServers()).isEqualTo("kafka:9092");
        assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(c.registry().username()).isEqualTo("collector");
        assertThat(c.registry().password()).isEqualTo("s3cret");
        assertThat(c.keysFile()).isEqualTo(dir.resolve("keys.yaml").toAbsolutePath());
        assertThat(c.allowedOrigins()).containsExactly("https://www.example.com");
        assertThat(c.ackTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxEventAhead()).isEqualTo(CollectorConfig.DEFAULT_MAX_EVENT_AHEAD);
        assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("secret stuff");
    }

    @Test
    void defaultsAndMistakes() {
        CollectorConfig c = CollectorConfig.load(null, Map.of("LEADFLOW_COLLECTOR_KEYS_FILE", "/etc/keys.yaml",
                "LEADFLOW_COLLECTOR_ALLOWED_ORIGINS", "https://a.example, https://b.example"));
        assertThat(c.port()).isEqualTo(CollectorConfig.DEFAULT_PORT);
        assertThat(c.allowedOrigins()).isEqualTo(List.of("https://a.example", "https://b.example"));
        assertThatThrownBy(() -> CollectorConfig.load(null, Map.of())).hasMessageContaining("keysFile");
        assertThatThrownBy(() -> CollectorConfig.load(null, Map.of("LEADFLOW_COLLECTOR_KEYS_FILE", "k",
                "LEADFLOW_COLLECTOR_ACK_TIMEOUT", "soon"))).hasMessageContaining("ackTimeout");
        assertThatThrownBy(() -> CollectorConfig.load(null, Map.of("LEADFLOW_COLLECTOR_KEYS_FILE", "k",
                "LEADFLOW_COLLECTOR_REGISTRY_URL", "ftp://x"))).hasMessageContaining("registryUrl");
    }

    @Test
    void unknownFileKeysAreRefused() throws IOException {
        Path yaml = Files.writeString(dir.resolve("c.yaml"), "keysFile: k\nprot: 1\n");
        assertThatThrownBy(() -> CollectorConfig.load(yaml, Map.of())).hasMessageContaining("prot: unknown key");
    }
}
