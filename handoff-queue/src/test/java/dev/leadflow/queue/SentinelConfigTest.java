package dev.leadflow.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

/** The {@code redis-sentinel://} form of the Redis URI. */
class SentinelConfigTest {

    @Test
    void everyPartOfASentinelUriIsRead() {
        RedisConfig config = RedisConfig.fromUri(
                "redis-sentinel://app%2Dsink:p%40ss@s1.example.com:26380,s2.example.com,[::1]:26381/my%2Dmaster/2"
                        + "?sentinelUser=watcher&sentinelPassword=w%26tch");

        assertThat(config.usesSentinel()).isTrue();
        RedisSentinel sentinel = config.sentinel();
        assertThat(sentinel.masterName()).isEqualTo("my-master");
        assertThat(sentinel.addresses()).containsExactly(new HostAndPort("s1.example.com", 26380),
                new HostAndPort("s2.example.com", 26379), new HostAndPort("::1", 26381));
        assertThat(sentinel.username()).isEqualTo("watcher");
        assertThat(sentinel.password()).isEqualTo("w&tch");
        assertThat(config.username()).isEqualTo("app-sink");
        assertThat(config.password()).isEqualTo("p@ss");
        assertThat(config.database()).isEqualTo(2);
        assertThat(config.ssl()).isFalse();
        assertThat(config.host()).as("the first sentinel").isEqualTo("s1.example.com");
        assertThat(config.sentinelClientConfig().getPassword()).isEqualTo("w&tch");
        assertThat(config.clientConfig().getPassword()).isEqualTo("p@ss");
    }

    @Test
    void redissSentinelTurnsTlsOnAndTheDefaultsApply() {
        RedisConfig config = RedisConfig.fromUri("rediss-sentinel://sentinel:26379/leadflow");

        assertThat(config.ssl()).isTrue();
        assertThat(config.sentinelClientConfig().isSsl()).isTrue();
        assertThat(config.database()).isZero();
        assertThat(config.username()).isNull();
        assertThat(config.sentinel().password()).isNull();
        assertThat(config.sentinel().sentinels()).containsExactly("sentinel:26379");
    }

    @Test
    void theSeparateUserPasswordAndTlsApplyToThePrimaryAndKeepTheSentinels() {
        RedisConfig config = RedisConfig.fromUri("redis-sentinel://a:1,b:2/m")
                .withAccess("leadflow-job", "secret", null)
                .withSentinelCredentials(null, "sentinel-secret");

        assertThat(config.sentinel().sentinels()).containsExactly("a:1", "b:2");
        assertThat(config.username()).isEqualTo("leadflow-job");
        assertThat(config.password()).isEqualTo("secret");
        assertThat(config.sentinel().password()).isEqualTo("sentinel-secret");
        assertThat(config.withPoolSize(4).withTimeouts(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1))
                .sentinel()).isEqualTo(config.sentinel());
    }

    @Test
    void passwordsNeverShow() {
        String uri = "redis-sentinel://u:primary-secret@a:1,b:2/m?sentinelPassword=sentinel-secret";
        RedisConfig config = RedisConfig.fromUri(uri);

        assertThat(config.toString()).doesNotContain("primary-secret").doesNotContain("sentinel-secret")
                .contains("redis-sentinel://u:***@a:1,b:2/m/0?sentinelPassword=***");
        assertThat(config.sentinel().toString()).doesNotContain("sentinel-secret");
        assertThatThrownBy(() -> RedisConfig.fromUri("redis-sentinel://u:primary-secret@a:1/m?sentinelPassword=s3&x=1"))
                .hasMessageContaining("unknown Redis Sentinel URI option x")
                .hasMessageNotContaining("primary-secret").hasMessageNotContaining("s3");
    }

    @Test
    void aBrokenSentinelUriSaysWhatIsWrong() {
        assertThatThrownBy(() -> RedisConfig.fromUri("redis-sentinel://a:1,b:2"))
                .hasMessageContaining("master name");
        assertThatThrownBy(() -> RedisConfig.fromUri("redis-sentinel://a:1,b:2/"))
                .hasMessageContaining("masterName");
        assertThatThrownBy(() -> RedisConfig.fromUri("redis-sentinel://a:1,,b:2/m"))
                .hasMessageContaining("empty sentinel address");
        assertThatThrownBy(() -> RedisConfig.fromUri("redis-sentinel://a:x/m"))
                .hasMessageContaining("bad sentinel port");
        assertThatThrownBy(() -> RedisConfig.fromUri("redis-sentinel://a:1/m/zero"))
                .hasMessageContaining("database must be a number");
        assertThatThrownBy(() -> RedisConfig.fromUri("redis-sentinel://a:1/m").connect())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("client()");
        assertThatThrownBy(() -> RedisConfig.fromUri("redis://h:1").withSentinelCredentials("u", "p"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSentinelConfigTravelsToFlinkWritersAsJavaSerialization() throws Exception {
        RedisConfig config = RedisConfig.fromUri("redis-sentinel://u:p@a:1,b:2/m/1?sentinelUser=w");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(config);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(config);
        }
        assertThat(config.sentinel().sentinels()).isEqualTo(List.of("a:1", "b:2"));
    }
}
