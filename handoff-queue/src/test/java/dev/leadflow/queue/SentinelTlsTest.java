package dev.leadflow.queue;

import static dev.leadflow.queue.Leads.enqueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.redis.RedisSentinelExtension;
import dev.leadflow.embedded.redis.RedisSentinelGroup;
import dev.leadflow.testkit.redis.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code rediss-sentinel://}, real processes: sentinels, primary and replica speak TLS (certificates made
 * with openssl); the queue trusts the test CA, finds the primary through the sentinels over TLS and follows
 * a failover. A client that does not trust the CA fails with a message naming the sentinels.
 */
class SentinelTlsTest {

    private static final TestCertificates CERTS = TestCertificates.generate(
            Path.of(System.getProperty("java.io.tmpdir"), "sentinel-tls-" + UUID.randomUUID()));

    @RegisterExtension
    static final RedisSentinelExtension SENTINEL = new RedisSentinelExtension(RedisSentinelGroup.Options.defaults()
            .withTls(CERTS.serverTls("no")));

    @Test
    void theQueueReachesSentinelsAndPrimaryOverTlsAndFollowsAFailover() {
        assertThat(SENTINEL.uri()).startsWith("rediss-sentinel://");
        RedisConfig config = RedisConfig.fromUri(SENTINEL.uri()).withTls(RedisTls.trusting(CERTS.caCert().toString()));
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
    void aClientThatDoesNotTrustTheCaFailsClearly() {
        RedisConfig untrusting = RedisConfig.fromUri(SENTINEL.uri()).withTls(RedisTls.trusting(CERTS.otherCa().toString()));
        assertThatThrownBy(untrusting::verify).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rediss-sentinel://");
    }
}
