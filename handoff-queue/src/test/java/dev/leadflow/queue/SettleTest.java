package dev.leadflow.queue;

import static dev.leadflow.queue.Leads.enqueue;
import static dev.leadflow.queue.Leads.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.leadflow.queue.QueueChange.Type;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** accept, reject and release, and the change stream that records them. */
class SettleTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String Q = "default";
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static RedisClient client;
    private HandoffQueue queue;

    @BeforeAll
    static void connect() {
        client = RedisConfig.fromUri(REDIS.uri()).connect();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void clean() {
        REDIS.flushAll();
        queue = new HandoffQueue(client);
    }

    @Test
    void settlingAnUnclaimedLeadIsRefused() {
        queue.apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        String forged = Q + ".AAAAAAAAAAAAAAAAAAAAAA";

        assertThat(queue.accept(Q, "lead-1", forged)).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(queue.reject(Q, "lead-1", forged, "no")).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(queue.release(Q, "lead-1", forged)).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(queue.accept(Q, "nobody", forged)).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(queue.depth(Q)).isEqualTo(1);
    }

    @Test
    void settlingWithSomeoneElsesTokenIsRefusedAndChangesNothing() {
        queue.apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        queue.apply(enqueue(Q, "lead-2", "h1", 1, 5, 1_000));
        Claim mine = queue.claim(Q, "alice", LEASE).orElseThrow();
        Claim other = queue.claim(Q, "bob", LEASE).orElseThrow();
        Map<String, String> before = QueueState.bytes(client, Q);

        assertThat(queue.accept(Q, mine.leadId(), other.leaseToken())).isEqualTo(Outcome.WRONG_TOKEN);
        assertThat(queue.reject(Q, mine.leadId(), other.leaseToken(), "no")).isEqualTo(Outcome.WRONG_TOKEN);
        assertThat(queue.release(Q, mine.leadId(), "made-up")).isEqualTo(Outcome.WRONG_TOKEN);

        assertThat(QueueState.bytes(client, Q)).isEqualTo(before);
    }

    @Test
    void acceptTakesTheLeadOutForGoodButKeepsItsVersion() {
        queue.apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        Claim claim = queue.claim(Q, "alice", LEASE).orElseThrow();

        assertThat(queue.accept(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.OK);

        assertThat(queue.get(Q, "lead-1")).isEmpty();
        assertThat(queue.depth(Q)).isZero();
        assertThat(queue.claimedCount(Q)).isZero();
        assertThat(client.hlen(QueueKeys.of(Q).payload())).isZero();
        assertThat(client.hgetAll(QueueKeys.of(Q).leases())).isEmpty();
        assertThat(queue.accept(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(queue.apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000))).isEqualTo(ApplyResult.STALE);
    }

    @Test
    void rejectTakesTheLeadOutAndRecordsTheReason() {
        queue.apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        Claim claim = queue.claim(Q, "alice", LEASE).orElseThrow();

        assertThat(queue.reject(Q, "lead-1", claim.leaseToken(), "student")).isEqualTo(Outcome.OK);

        assertThat(queue.get(Q, "lead-1")).isEmpty();
        assertThat(queue.claimedCount(Q)).isZero();
        QueueChange last = queue.changes(Q, null, 10).get(2);
        assertThat(last).extracting(QueueChange::type, QueueChange::claimant, QueueChange::reason)
                .containsExactly(Type.REJECT, "alice", "student");
        assertThat(queue.apply(update(Q, "lead-1", "h1", 2, 10, 1_000))).isEqualTo(ApplyResult.CLOSED);
    }

    @Test
    void releasePutsTheLeadBackInItsOriginalPlace() {
        queue.apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        queue.apply(enqueue(Q, "lead-2", "h1", 1, 10, 2_000));
        Claim claim = queue.claim(Q, "alice", LEASE).orElseThrow();
        assertThat(claim.leadId()).isEqualTo("lead-1");

        assertThat(queue.release(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.OK);

        assertThat(queue.peek(Q, 10)).extracting(QueuedLead::leadId, QueuedLead::enqueuedAt, QueuedLead::claimedBy)
                .containsExactly(tuple("lead-1", 1_000L, null), tuple("lead-2", 2_000L, null));
        assertThat(queue.claimedCount(Q)).isZero();
        assertThat(queue.accept(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(queue.claim(Q, "bob", LEASE).map(Claim::leadId)).contains("lead-1");
    }

    @Test
    void theChangeStreamRecordsEveryChangeInOrder() {
        queue.apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        queue.apply(update(Q, "lead-1", "h1", 2, 20, 1_000));
        Claim first = queue.claim(Q, "alice", LEASE).orElseThrow();
        queue.release(Q, "lead-1", first.leaseToken());
        Claim second = queue.claim(Q, "bob", LEASE).orElseThrow();
        queue.reject(Q, "lead-1", second.leaseToken(), "bad fit");
        queue.apply(enqueue(Q, "lead-1", "h2", 3, 30, 5_000));
        Claim third = queue.claim(Q, "carol", LEASE).orElseThrow();
        queue.accept(Q, "lead-1", third.leaseToken());
        queue.apply(enqueue(Q, "lead-1", "h3", 4, 40, 9_000));
        queue.apply(QueueAction.withdraw(Q, "lead-1", "h3", 5));
        long now = System.currentTimeMillis();

        List<QueueChange> changes = queue.changes(Q, null, 100);

        assertThat(changes)
                .extracting(QueueChange::type, QueueChange::version, QueueChange::priority, QueueChange::claimant,
                        QueueChange::reason)
                .containsExactly(
                        tuple(Type.ENQUEUE, 1L, 10.0, null, null),
                        tuple(Type.UPDATE, 2L, 20.0, null, null),
                        tuple(Type.CLAIM, 2L, 20.0, "alice", null),
                        tuple(Type.RELEASE, 2L, 20.0, "alice", null),
                        tuple(Type.CLAIM, 2L, 20.0, "bob", null),
                        tuple(Type.REJECT, 2L, 20.0, "bob", "bad fit"),
                        tuple(Type.ENQUEUE, 3L, 30.0, null, null),
                        tuple(Type.CLAIM, 3L, 30.0, "carol", null),
                        tuple(Type.ACCEPT, 3L, 30.0, "carol", null),
                        tuple(Type.ENQUEUE, 4L, 40.0, null, null),
                        tuple(Type.WITHDRAW, 5L, 40.0, null, null));
        assertThat(changes).allSatisfy(change -> {
            assertThat(change.leadId()).isEqualTo("lead-1");
            assertThat(change.at()).isBetween(now - 60_000, now + 1_000);
        });

        List<QueueChange> page = queue.changes(Q, changes.get(2).id(), 2);
        assertThat(page).extracting(QueueChange::id).containsExactly(changes.get(3).id(), changes.get(4).id());
        assertThat(queue.changes(Q, changes.get(10).id(), 5)).isEmpty();
    }

    @Test
    void theChangeStreamIsCapped() {
        int cap = 50;
        HandoffQueue capped = new HandoffQueue(client, HandoffQueue.Options.defaults().withChangeStreamCap(cap));
        List<QueueAction> batch = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            batch.add(enqueue(Q, "lead-" + i, "h", 1, 1, i));
        }
        capped.applyAll(batch);

        long length = client.xlen(QueueKeys.of(Q).events());
        // MAXLEN ~ trims whole stream nodes (100 entries by default), never below the cap
        assertThat(length).isBetween((long) cap, cap + 100L);
        List<QueueChange> kept = capped.changes(Q, null, 1_000);
        assertThat(kept).hasSize((int) length);
        assertThat(kept.get(kept.size() - 1).leadId()).isEqualTo("lead-999");
    }
}
