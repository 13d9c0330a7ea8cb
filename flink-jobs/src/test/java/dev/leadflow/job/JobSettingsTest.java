package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSettingsTest {

    @Test
    void flagsWinOverEnvironmentWhichWinsOverDefaults() {
        JobSettings s = JobSettings.fromArgs(
                new String[] {"--bootstrap-servers", "kafka:9092", "--checkpoint-interval=30s", "--kafka.security.protocol", "SASL_SSL"},
                Map.of("LEADFLOW_BOOTSTRAP_SERVERS", "ignored:1", "LEADFLOW_REDIS_URI", "redis://cache:6380",
                        "LEADFLOW_PARALLELISM", "4"));
        assertThat(s.bootstrapServers).isEqualTo("kafka:9092");
        assertThat(s.redisUri).isEqualTo("redis://cache:6380");
        assertThat(s.parallelism).isEqualTo(4);
        assertThat(s.checkpointInterval).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.kafkaProperties).containsEntry("security.protocol", "SASL_SSL");
        assertThat(s.queueFlushInterval).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--checkpoint-interval", "soon"}, Map.of()))
                .hasMessageContaining("checkpoint-interval");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--redis-uri", "localhost:6379"}, Map.of()))
                .hasMessageContaining("redis-uri");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--no-such-flag", "1"}, Map.of()))
                .hasMessageContaining("no-such-flag");
    }

    @Test
    void secretsComeFromFilesAndNeverFromToString(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("redis-uri");
        Files.writeString(secret, "redis://job:s3cret@cache:6379\n");
        Path pw = dir.resolve("registry-password");
        Files.writeString(pw, "hunter2");
        JobSettings s = JobSettings.fromArgs(new String[] {"--redis-uri-file", secret.toString(),
                "--registry-user", "job", "--registry-password-file", pw.toString()}, Map.of());
        assertThat(s.redisUri).isEqualTo("redis://job:s3cret@cache:6379");
        assertThat(s.registryPassword).isEqualTo("hunter2");
        assertThat(s.toString()).doesNotContain("s3cret").doesNotContain("hunter2");
    }
}
