package dev.leadflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

    @Test
    void httpUrlsAreNormalized() {
        assertThat(RegistryConfig.of(" http://registry:8081/ ").url()).isEqualTo("http://registry:8081");
        assertThat(RegistryConfig.of("HTTPS://sr.example.com/api/registry//").url())
                .isEqualTo("https://sr.example.com/api/registry");
        assertThat(RegistryConfig.of("http://registry:8081").isMock()).isFalse();
        assertThat(RegistryConfig.of("http://registry:8081").hasBasicAuth()).isFalse();
        assertThat(RegistryConfig.of("http://registry:8081").timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void mockUrlsNameAScope() {
        RegistryConfig mock = RegistryConfig.of("mock://unit-tests");

        assertThat(mock.isMock()).isTrue();
        assertThat(mock.mockScope()).isEqualTo("unit-tests");
        assertThat(SchemaRegistryClient.create(mock)).isInstanceOf(MockSchemaRegistryClient.class);
        assertThatThrownBy(() -> mock.withBasicAuth("u", "p")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badUrlsAreRejected() {
        for (String url : new String[] {"", "mock://", "ftp://registry:21", "registry:8081", "http:///path",
                "http://a:8081,http://b:8081"}) {
            assertThatThrownBy(() -> RegistryConfig.of(url)).as(url).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void thePasswordNeverShowsInToString() {
        RegistryConfig config = RegistryConfig.of("https://sr.example.com").withBasicAuth("svc", "hunter2");

        assertThat(config.toString()).contains("svc").contains("sr.example.com").doesNotContain("hunter2");
        assertThat(config.username()).isEqualTo("svc");
        assertThat(config.password()).isEqualTo("hunter2");
    }

    @Test
    void credentialsInTheUrlBecomeBasicAuth() {
        RegistryConfig config = RegistryConfig.of("https://svc:p%40ss+w0rd@sr.example.com:443/");

        assertThat(config.url()).isEqualTo("https://sr.example.com:443");
        assertThat(config.username()).isEqualTo("svc");
        assertThat(config.password()).isEqualTo("p@ss+w0rd");
        assertThat(config.toString()).doesNotContain("p@ss").doesNotContain("p%40ss");
        assertThatThrownBy(() -> RegistryConfig.of("https://svc-without-password@sr.example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("svc-without-password");
    }

    @Test
    void timeoutsMustBePositive() {
        assertThat(RegistryConfig.of("http://r:1").withTimeout(Duration.ofMillis(500)).timeout())
                .isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> RegistryConfig.of("http://r:1").withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws IOException, ClassNotFoundException {
        RegistryConfig config = RegistryConfig.of("https://sr.example.com").withBasicAuth("svc", "pw")
                .withTimeout(Duration.ofSeconds(3));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(config);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(config);
        }
    }

    @Test
    void topicsMapToTopicNameStrategySubjects() {
        assertThat(Topics.valueSubject(Topics.CLICKSTREAM)).isEqualTo("leadflow.clickstream-value");
        assertThat(Topics.valueSubject(Topics.HANDOFFS)).isEqualTo("leadflow.handoffs-value");
        assertThatThrownBy(() -> Topics.valueSubject(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
