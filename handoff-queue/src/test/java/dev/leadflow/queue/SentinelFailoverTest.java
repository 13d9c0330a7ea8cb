package dev.leadflow.queue;

import static dev.leadflow.queue.Leads.enqueue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.redis.RedisSentinelExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The queue through Redis Sentinel, with real processes: a client follows the promotion of the replica
 * after the primary is SIGKILLed, sees the replication id change, and the writes lost with the primary
 * (the replica was cut off before them) come back when the writer applies them again. Claims held at the
 * failover are kept (made before the cut) or returned (made after it), never held twice.
 */
class SentinelFailoverTest {

    @RegisterExtension
    static final RedisSentinelExtension SENTINEL = new RedisSentinelExtension();

    private static final String Q = "default";
    private static final Duration LEASE = Duration.ofMinutes(5);

    @Test
    void theQueueFollowsAFailoverAndWritesLostInItAreRestoredByApplyingThemAgain() {
        RedisConfig config = RedisConfig.fromUri(SENTINEL.uri());
        try (HandoffQueue queue = HandoffQueue.connect(config, HandoffQueue.Options.defaults())) {
            List<QueueAction> early = new ArrayList<>();
            List<QueueAction> late = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                (i < 20 ? early : late).add(enqueue(Q, "lead-" + i, "h" + i, 1, 100 - i, 1_000 + i));
            }
            HandoffQueue.Applied first = queue.applyAllTracked(early);
            assertThat(first.results()).containsOnly(ApplyResult.APPLIED);
            String before = first.replicationId();
            assertThat(before).hasSize(40);
            Map<String, String> keptClaims = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                Claim c = queue.claim(Q, "alice", LEASE).orElseThrow();
                keptClaims.put(c.leadId(), c.leaseToken());
            }
            Await.until(Duration.ofSeconds(10), "the replica has the claims", () -> SENTINEL.group().replicationLagBytes() == 0);

            SENTINEL.group().cutReplication();
            assertThat(queue.applyAllTracked(late).results()).containsOnly(ApplyResult.APPLIED);
            Map<String, String> lostClaims = new HashMap<>();
            for (int i = 0; i < 2; i++) {
                Claim c = queue.claim(Q, "bob", LEASE).orElseThrow();
                lostClaims.put(c.leadId(), c.leaseToken());
            }
            SENTINEL.killPrimary();
            SENTINEL.awaitPromotion(Duration.ofSeconds(30));

            // the same client, no restart: it follows the sentinels' announcement to the new primary
            String after = Await.until(Duration.ofSeconds(30), Duration.ofMillis(50), "the client on the new primary", () -> {
                try {
                    return Optional.of(queue.replicationId());
                } catch (RuntimeException stillFailingOver) {
                    return Optional.empty();
                }
            });
            assertThat(after).as("a promoted replica has a new replication id").isNotEqualTo(before);
            for (QueueAction lost : late) {
                assertThat(queue.get(Q, lost.leadId())).as("lost in the failover: " + lost.leadId()).isEmpty();
            }

            // what the job's writer does when it sees the id change: apply its recent actions again
            List<QueueAction> all = new ArrayList<>(early);
            all.addAll(late);
            HandoffQueue.Applied again = queue.applyAllTracked(all);
            assertThat(again.replicationId()).isEqualTo(after);
            assertThat(again.results().subList(0, 20)).containsOnly(ApplyResult.STALE);
            assertThat(again.results().subList(20, 30)).containsOnly(ApplyResult.APPLIED);
            assertThat(queue.depth(Q) + queue.claimedCount(Q)).isEqualTo(30);

            // claims: the ones the replica had are kept, the lost ones are returned to the queue
            keptClaims.forEach((lead, token) -> assertThat(queue.accept(Q, lead, token)).isEqualTo(Outcome.OK));
            lostClaims.forEach((lead, token) -> {
                assertThat(queue.accept(Q, lead, token)).as("a claim lost in the failover").isEqualTo(Outcome.NOT_CLAIMED);
                assertThat(queue.get(Q, lead)).hasValueSatisfying(l -> assertThat(l.claimed()).isFalse());
            });
            // a returned lead is claimed again by one seller only
            List<String> reclaimed = new ArrayList<>();
            for (Optional<Claim> c = queue.claim(Q, "carol", LEASE); c.isPresent(); c = queue.claim(Q, "carol", LEASE)) {
                reclaimed.add(c.get().leadId());
            }
            assertThat(reclaimed).doesNotHaveDuplicates().doesNotContainAnyElementsOf(keptClaims.keySet())
                    .containsAll(lostClaims.keySet()).hasSize(30 - keptClaims.size());
        }
    }
}
