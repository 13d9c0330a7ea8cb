package dev.leadflow.testkit.redis;

import dev.leadflow.embedded.redis.Resp;
import dev.leadflow.embedded.redis.RedisSentinelGroup;
import dev.leadflow.embedded.redis.RedisServer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real topology: writes replicate, a cut link loses them, a killed primary is replaced. */
class RedisSentinelGroupTest {

    @RegisterExtension
    static final RedisSentinelExtension SENTINEL = new RedisSentinelExtension();

    @Test
    void aKilledPrimaryIsReplacedByTheReplicaWhichLacksTheWritesMadeAfterTheCut() throws Exception {
        RedisSentinelGroup group = SENTINEL.group();
        RedisServer first = group.primary();
        RedisServer replica = group.replica();
        assertThat(SENTINEL.uri()).isEqualTo("redis-sentinel://" + group.sentinelAddresses() + "/leadflow");
        for (int port : group.sentinelPorts()) {
            assertThat(group.masterAddress(port)).contains(first.port());
        }

        assertThat(call(first, "SET", "before", "1")).isEqualTo("OK");
        awaitKey(replica, "before");
        group.cutReplication();
        assertThat(call(first, "SET", "after", "2")).isEqualTo("OK");
        assertThat(group.replicationLagBytes()).isPositive();

        long killedAt = SENTINEL.killPrimary();
        RedisServer promoted = SENTINEL.awaitPromotion(Duration.ofSeconds(30));
        long ms = (System.nanoTime() - killedAt) / 1_000_000;

        System.out.println("sentinel group: promotion " + ms + " ms after the kill");
        assertThat(promoted).isSameAs(replica);
        assertThat(group.primary()).isSameAs(replica);
        assertThat(first.isRunning()).isFalse();
        assertThat(group.info(promoted, "replication")).containsEntry("role", "master");
        assertThat(call(promoted, "GET", "before")).isEqualTo("1");
        assertThat(call(promoted, "GET", "after")).as("written after the cut: lost in the failover").isNull();
        assertThat(ms).as("promotion within the configured down-after and election").isLessThan(30_000);
    }

    private static Object call(RedisServer server, String... command) throws Exception {
        return Resp.query(server.host(), server.port(), null, Duration.ofSeconds(2), command);
    }

    private static void awaitKey(RedisServer server, String key) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (call(server, "GET", key) == null) {
            assertThat(System.nanoTime()).as("key " + key + " replicated").isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThat(Optional.ofNullable(call(server, "GET", key))).isPresent();
    }
}
