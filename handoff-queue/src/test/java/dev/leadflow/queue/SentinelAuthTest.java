package dev.leadflow.queue;

import static dev.leadflow.queue.Leads.enqueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.redis.RedisSentinelExtension;
import dev.leadflow.embedded.redis.RedisSentinelGroup;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sentinel with passwords, real processes: the primary and replica require one password, the sentinels
 * another. The queue logs in to both from the one URI and follows a failover; a URI without the sentinels'
 * password fails with a message that names the cause and shows neither password.
 */
class SentinelAuthTest {

    private static final String PASSWORD = "prim@ry pass";
    private static final String SENTINEL_PASSWORD = "sent&nel";

    @RegisterExtension
    static final RedisSentinelExtension SENTINEL = new RedisSentinelExtension(RedisSentinelGroup.Options.defaults()
            .withPassword(PASSWORD).withSentinelPassword(SENTINEL_PASSWORD));

    @Test
    void theQueueLogsInToSentinelsAndPrimaryAndFollowsAFailover() {
        RedisConfig config = RedisConfig.fromUri(SENTINEL.uri());
        assertThat(config.password()).isEqualTo(PASSWORD);
        assertThat(config.sentinel().password()).isEqualTo(SENTINEL_PASSWORD);
        config.verify();
        try (HandoffQueue queue = HandoffQueue.connect(config, HandoffQueue.Options.defaults())) {
            assertThat(queue.apply(enqueue("default", "lead-1", "h1", 1, 50, 1_000))).isEqualTo(ApplyResult.APPLIED);
            Await.until(Duration.ofSeconds(10), "replicated", () -> SENTINEL.group().replicationLagBytes() == 0);

            SENTINEL.killPrimary();
            SENTINEL.awaitPromotion(Duration.ofSeconds(30));
            Await.until(Duration.ofSeconds(30), Duration.ofMillis(50), "the queue on the new primary", () -> {
                try {
                    return Optional.of(queue.depth("default")).filter(d -> d == 1);
                } catch (RuntimeException stillFailingOver) {
                    return Optional.empty();
                }
            });
            assertThat(queue.apply(enqueue("default", "lead-2", "h2", 1, 40, 2_000))).isEqualTo(ApplyResult.APPLIED);
        }
    }

    @Test
    void withoutTheSentinelPasswordTheErrorSaysSoAndShowsNoPassword() {
        RedisConfig noSentinelLogin = RedisConfig.fromUri(SENTINEL.uri()).withSentinelCredentials(null, null);
        RedisConfig withoutLogin = new RedisConfig(noSentinelLogin.host(), noSentinelLogin.port(),
                noSentinelLogin.username(), noSentinelLogin.password(), false, 0, RedisConfig.DEFAULT_TIMEOUT,
                RedisConfig.DEFAULT_TIMEOUT, 2, null, new RedisSentinel(noSentinelLogin.sentinel().masterName(),
                        noSentinelLogin.sentinel().sentinels(), null, null));
        assertThatThrownBy(withoutLogin::verify)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redis-sentinel://:***@")
                .hasMessageContaining("no sentinel told where the primary leadflow is")
                .hasMessageContaining("need a login of their own")
                .hasMessageNotContaining(PASSWORD).hasMessageNotContaining(SENTINEL_PASSWORD);
    }
}
