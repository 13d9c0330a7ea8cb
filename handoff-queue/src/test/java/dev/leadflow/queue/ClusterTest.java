package dev.leadflow.queue;

import dev.leadflow.testkit.Await;
import static dev.leadflow.queue.Leads.enqueue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.embedded.redis.RedisServer;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The layout on Redis Cluster: a one-node cluster that serves all 16384 slots. In cluster mode Redis
 * refuses a script whose KEYS span slots (CROSSSLOT), so these tests fail if a key loses its tag.
 * CLUSTER KEYSLOT needs cluster mode too; a plain server answers "cluster support disabled".
 */
class ClusterTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension(
            RedisServer.Options.defaults().withExtraArgs("--cluster-enabled", "yes"));

    private static Jedis node;
    private static RedisClusterClient cluster;

    @BeforeAll
    static void formCluster() {
        node = new Jedis(REDIS.host(), REDIS.port());
        node.clusterAddSlots(IntStream.range(0, 16_384).toArray());
        Await.until(Duration.ofSeconds(20), "cluster_state:ok",
                () -> node.clusterInfo().contains("cluster_state:ok"));
        cluster = RedisClusterClient.create(new HostAndPort(REDIS.host(), REDIS.port()));
    }

    @AfterAll
    static void disconnect() {
        cluster.close();
        node.close();
    }

    @Test
    void allKeysOfAQueueHashToOneSlot() {
        for (String queue : List.of("default", "enterprise-emea", "owner-42", "team.emea:west")) {
            QueueKeys keys = QueueKeys.of(queue);
            Set<Long> slots = keys.all().stream().map(node::clusterKeySlot).collect(Collectors.toSet());

            assertThat(slots).as(queue).containsExactly((long) JedisClusterCRC16.getSlot("{" + queue + "}"));
            assertThat(keys.all()).allSatisfy(key ->
                    assertThat(JedisClusterCRC16.getSlot(key)).isEqualTo(slots.iterator().next().intValue()));
        }
    }

    @Test
    void theQueueWorksThroughAClusterClient() {
        HandoffQueue queue = new HandoffQueue(cluster);
        cluster.scriptFlush(QueueKeys.of("emea").ready());

        assertThat(queue.applyAll(List.of(
                enqueue("emea", "lead-1", "h1", 1, 50, 1_000),
                enqueue("apac", "lead-2", "h1", 1, 60, 1_000),
                enqueue("emea", "lead-3", "h1", 1, 70, 2_000))))
                .containsOnly(ApplyResult.APPLIED);
        assertThat(queue.queues()).contains("emea", "apac");
        assertThat(queue.peek("emea", 10)).extracting(QueuedLead::leadId).containsExactly("lead-3", "lead-1");

        Claim claim = queue.claim("emea", "alice", Duration.ofMinutes(1)).orElseThrow();
        assertThat(queue.accept("emea", claim.leadId(), claim.leaseToken())).isEqualTo(Outcome.OK);
        assertThat(queue.reclaimExpired("emea")).isZero();
        assertThat(queue.get("emea", "lead-1").map(QueuedLead::leadId)).contains("lead-1");
        assertThat(queue.changes("emea", null, 10)).extracting(QueueChange::type).containsExactly(
                QueueChange.Type.ENQUEUE, QueueChange.Type.ENQUEUE, QueueChange.Type.CLAIM, QueueChange.Type.ACCEPT);
        assertThat(queue.depth("apac")).isEqualTo(1);
    }
}
