package dev.leadflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SellerApiConfigTest {

    @TempDir
    Path dir;
    private Path users;

    @BeforeEach
    void usersFile() {
        users = TestUsers.write(dir);
    }

    @Test
    void defaultsNeedOnlyTheUsersFile() {
        SellerApiConfig config = SellerApiConfig.load(null, Map.of("LEADFLOW_API_USERS_FILE", users.toString()));

        assertThat(config).isEqualTo(SellerApiConfig.defaults(users));
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.redisUri()).isEqualTo("redis://localhost:6379");
        assertThat(config.kafkaBootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.registryUrl()).isEqualTo("http://localhost:8081");
        assertThat(config.leaseDuration()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void theFileSetsEverythingAndTheEnvironmentWins() throws IOException {
        Path file = Files.writeString(dir.resolve("api.yaml"), """
                port: 9090
                redisUri: redis://cache:6380/2
                kafkaBootstrapServers: kafka-1:9092,kafka-2:9092
                kafkaProperties:
                  security.protocol: SASL_SSL
                  sasl.mechanism: PLAIN
                registryUrl: https://registry:8081
                registryUser: api
                registryPassword: s3cret
                usersFile: users.yaml
                leaseDuration: 10m
                bodyLimitBytes: 4096
                reclaimInterval: 2s
                maxEventStreams: 50
                maxLiveQueues: 4
                """);

        SellerApiConfig config = SellerApiConfig.load(file, Map.of(
                "LEADFLOW_API_PORT", "0",
                "LEADFLOW_API_LEASE_DURATION", "PT5M",
                "LEADFLOW_API_KAFKA_PROP_SASL_MECHANISM", "SCRAM-SHA-512",
                "LEADFLOW_API_KAFKA_PROP_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "HOME", "/root"));

        assertThat(config.port()).isZero();
        assertThat(config.redisUri()).isEqualTo("redis://cache:6380/2");
        assertThat(config.kafkaBootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(config.kafkaProperties()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;"));
        assertThat(config.registryUser()).isEqualTo("api");
        assertThat(config.registryPassword()).isEqualTo("s3cret");
        assertThat(config.usersFile()).as("relative to the config file").isEqualTo(users);
        assertThat(config.leaseDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.bodyLimitBytes()).isEqualTo(4096);
        assertThat(config.reclaimInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxEventStreams()).isEqualTo(50);
        assertThat(config.maxLiveQueues()).isEqualTo(4);
    }

    @Test
    void secretsCanComeFromFilesAndNeverShowInToString() throws IOException {
        Path redisUri = Files.writeString(dir.resolve("redis-uri"), "redis://api:hunter2@cache:6379\n");
        Path password = Files.writeString(dir.resolve("registry-password"), "s3cret\n");

        SellerApiConfig config = SellerApiConfig.load(null, Map.of(
                "LEADFLOW_API_USERS_FILE", users.toString(),
                "LEADFLOW_API_REDIS_URI_FILE", redisUri.toString(),
                "LEADFLOW_API_REGISTRY_USER", "api",
                "LEADFLOW_API_REGISTRY_PASSWORD_FILE", password.toString(),
                "LEADFLOW_API_KAFKA_PROP_SASL_JAAS_CONFIG", "x required password=\"kafka-pw\";"));

        assertThat(config.redisUri()).isEqualTo("redis://api:hunter2@cache:6379");
        assertThat(config.registryPassword()).isEqualTo("s3cret");
        assertThat(config.toString()).doesNotContain("hunter2", "s3cret", "kafka-pw")
                .contains("redis://api:***@cache:6379/0", "sasl.jaas.config=***");
    }

    @Test
    void everyBadSettingIsNamedAndSecretsAreNotRepeated() throws IOException {
        Path file = Files.writeString(dir.resolve("api.yaml"), """
                port: http
                leaseDuration: forever
                bodyLimitBytes: 10
                colour: blue
                kafkaProperties: [a, b]
                """);

        assertThatThrownBy(() -> SellerApiConfig.load(file, Map.of(
                "LEADFLOW_API_REDIS_URI", "http://user:hunter2@cache",
                "LEADFLOW_API_MAX_EVENT_STREAMS", "0",
                "LEADFLOW_API_PROT", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port: must be a whole number, was \"http\"")
                .hasMessageContaining("leaseDuration: expected a duration like 500ms, 30s, 15m")
                .hasMessageContaining("bodyLimitBytes: must be at least 256, was 10")
                .hasMessageContaining("colour: unknown key")
                .hasMessageContaining("kafkaProperties: must be a mapping")
                .hasMessageContaining("LEADFLOW_API_REDIS_URI: Redis URI must start with redis://")
                .hasMessageContaining("LEADFLOW_API_MAX_EVENT_STREAMS: must be at least 1")
                .hasMessageContaining("LEADFLOW_API_PROT: unknown variable")
                .hasMessageContaining("usersFile: required")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aMissingUsersFileOrHalfOfTheRegistryCredentialsIsRefused() {
        assertThatThrownBy(() -> SellerApiConfig.load(null, Map.of(
                "LEADFLOW_API_USERS_FILE", dir.resolve("nope.yaml").toString(),
                "LEADFLOW_API_REGISTRY_USER", "api")))
                .hasMessageContaining("LEADFLOW_API_USERS_FILE: no readable file at")
                .hasMessageContaining("registryUser: registryUser and registryPassword");
    }

    @Test
    void programmaticConfigsAreValidatedToo() {
        SellerApiConfig ok = SellerApiConfig.defaults(users);
        assertThatThrownBy(() -> ok.withPort(70_000)).hasMessage("port: must be 0..65535, was 70000");
        assertThatThrownBy(() -> ok.withLeaseDuration(Duration.ZERO)).hasMessage("leaseDuration: must be positive");
        assertThatThrownBy(() -> ok.withRedisUri("localhost")).hasMessageStartingWith("redisUri: ");
        assertThatThrownBy(() -> ok.withRegistry("ftp://x", null, null)).hasMessageStartingWith("registryUrl: ");
    }

    @Test
    void redisAccessAndKafkaSecurityComeFromTheFileTheEnvironmentAndSecretFiles() throws IOException {
        Files.writeString(dir.resolve("redis-password"), "Api-r3dis-pw\n");
        Files.writeString(dir.resolve("kafka.properties"), """
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="api" password="K4fka-pw";
                """);
        Path file = Files.writeString(dir.resolve("api.yaml"), """
                redisUri: redis://cache:6380
                redisUser: leadflow-api
                redisPasswordFile: redis-password
                redisTlsCaFile: tls/ca.crt
                kafkaPropertiesFile: kafka.properties
                kafkaProperties:
                  sasl.mechanism: SCRAM-SHA-256
                usersFile: users.yaml
                """);

        SellerApiConfig config = SellerApiConfig.load(file, Map.of(
                "LEADFLOW_API_REDIS_TLS_CERT_FILE", "/etc/tls/client.crt",
                "LEADFLOW_API_REDIS_TLS_KEY_FILE", "/etc/tls/client.key"));

        var redis = config.redis();
        assertThat(redis.username()).isEqualTo("leadflow-api");
        assertThat(redis.password()).isEqualTo("Api-r3dis-pw");
        assertThat(redis.ssl()).isTrue();
        assertThat(redis.tls().caFile()).isEqualTo(dir.resolve("tls/ca.crt").toAbsolutePath().toString());
        assertThat(redis.tls().certFile()).isEqualTo("/etc/tls/client.crt");
        assertThat(redis.tls().verifyHostname()).isTrue();
        assertThat(config.kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
        assertThat(config.kafkaProperties().get("sasl.jaas.config")).contains("K4fka-pw");
        assertThat(config.toString()).doesNotContain("Api-r3dis-pw").doesNotContain("K4fka-pw")
                .contains("rediss://leadflow-api:***@cache:6380/0", "sasl.jaas.config=***");
    }

    @Test
    void badRedisAccessSettingsAreListedByName() {
        assertThatThrownBy(() -> SellerApiConfig.load(null, Map.of(
                "LEADFLOW_API_USERS_FILE", users.toString(),
                "LEADFLOW_API_REDIS_TLS_CERT_FILE", "c.pem",
                "LEADFLOW_API_REDIS_TLS_VERIFY_HOSTNAME", "perhaps",
                "LEADFLOW_API_REDIS_PASSWORD", "Inline-pw",
                "LEADFLOW_API_REDIS_PASSWORD_FILE", dir.resolve("missing").toString(),
                "LEADFLOW_API_KAFKA_PROPERTIES_FILE", dir.resolve("nope.properties").toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redisTlsCertFile")
                .hasMessageContaining("LEADFLOW_API_REDIS_TLS_VERIFY_HOSTNAME")
                .hasMessageContaining("LEADFLOW_API_REDIS_PASSWORD")
                .hasMessageContaining("LEADFLOW_API_KAFKA_PROPERTIES_FILE")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Inline-pw"));
    }
}
