package dev.leadflow.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.embedded.redis.RedisServer;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

class RedisConfigTest {

    private static final String PASSWORD = "s3cret:@/ +x";

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension(
            RedisServer.Options.defaults().withPassword(PASSWORD));

    @Test
    void aPlainUriGetsTheDefaults() {
        RedisConfig config = RedisConfig.fromUri("redis://localhost");

        assertThat(config).isEqualTo(RedisConfig.of("localhost", 6379));
        assertThat(config.username()).isNull();
        assertThat(config.password()).isNull();
        assertThat(config.ssl()).isFalse();
        assertThat(config.database()).isZero();
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.poolSize()).isEqualTo(16);
    }

    @Test
    void everyPartOfAFullUriIsRead() {
        RedisConfig config = RedisConfig.fromUri("rediss://app%2Dsink:p%40ss:word+1@redis.example.com:6380/3");

        assertThat(config.host()).isEqualTo("redis.example.com");
        assertThat(config.port()).isEqualTo(6380);
        assertThat(config.username()).isEqualTo("app-sink");
        assertThat(config.password()).isEqualTo("p@ss:word+1");
        assertThat(config.ssl()).isTrue();
        assertThat(config.database()).isEqualTo(3);
    }

    @Test
    void userInfoMayHoldOnlyAPasswordOrOnlyAUser() {
        assertThat(RedisConfig.fromUri("redis://:secret@h:1/"))
                .extracting(RedisConfig::username, RedisConfig::password).containsExactly(null, "secret");
        assertThat(RedisConfig.fromUri("redis://alice@h"))
                .extracting(RedisConfig::username, RedisConfig::password).containsExactly("alice", null);
    }

    @Test
    void ipv6HostsLoseTheirBrackets() {
        RedisConfig config = RedisConfig.fromUri("redis://[::1]:6390/2");

        assertThat(config.host()).isEqualTo("::1");
        assertThat(config.redactedUri()).isEqualTo("redis://[::1]:6390/2");
    }

    @Test
    void toStringNeverShowsThePassword() {
        RedisConfig config = RedisConfig.fromUri("rediss://sink:topsecret@redis.internal:6380/1");

        assertThat(config.toString())
                .doesNotContain("topsecret")
                .contains("rediss://sink:***@redis.internal:6380/1", "poolSize=16");
        assertThat(RedisConfig.fromUri("redis://:topsecret@h").toString()).doesNotContain("topsecret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://u:topsecret@h", "redis://u:topsecret@h/db", "redis://u:topsecret@h?timeout=1",
            "redis:///0", "not a uri at all", "redis://h:99999"})
    void malformedUrisAreRejectedWithoutEchoingThePassword(String uri) {
        assertThatThrownBy(() -> RedisConfig.fromUri(uri))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("topsecret"));
    }

    @Test
    void survivesJavaSerializationAsAFlinkSinkCarriesIt() throws Exception {
        RedisConfig config = RedisConfig.fromUri("rediss://u:p@h:7000/2").withPoolSize(4)
                .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(3));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(config);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(config);
        }
    }

    @Test
    void connectsWithThePasswordAndDatabaseFromTheUri() {
        RedisConfig db2 = RedisConfig.fromUri(REDIS.uri() + "/2");
        try (RedisClient two = db2.connect();
             RedisClient zero = RedisConfig.fromUri(REDIS.uri()).connect()) {
            assertThat(two.ping()).isEqualTo("PONG");
            two.set("where", "db2");
            assertThat(zero.get("where")).isNull();
            assertThat(two.get("where")).isEqualTo("db2");
        } finally {
            REDIS.flushAll();
        }
    }

    @Test
    void aWrongPasswordFailsOnUse() {
        RedisConfig wrong = RedisConfig.fromUri(REDIS.uri()).withCredentials(null, "wrong");
        try (RedisClient client = wrong.connect()) {
            assertThatThrownBy(client::ping).isInstanceOf(JedisException.class);
        }
    }

    @Test
    void aQueueConnectedFromAConfigOwnsAndClosesItsClient() {
        HandoffQueue queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
        assertThat(queue.depth("default")).isZero();
        queue.close();
        assertThatThrownBy(() -> queue.depth("default")).isInstanceOf(JedisException.class);
    }
}
