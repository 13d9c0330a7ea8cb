package dev.leadflow.queue;

import static dev.leadflow.queue.Leads.enqueue;
import static dev.leadflow.queue.Leads.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.leadflow.queue.QueueChange.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** accept, reject and release, and the change stream that records them. */
class SettleTest {

    @RegisterExtension
    static final QueueFixture REDIS = new QueueFixture();

    private static final String Q = "default";
    private static final Duration LEASE = Duration.ofMinutes(5);

    @Test
    void settlingAnUnclaimedLeadIsRefused() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        String forged = Q + ".AAAAAAAAAAAAAAAAAAAAAA";

        assertThat(REDIS.queue().accept(Q, "lead-1", forged)).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(REDIS.queue().reject(Q, "lead-1", forged, "no")).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(REDIS.queue().release(Q, "lead-1", forged)).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(REDIS.queue().accept(Q, "nobody", forged)).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(REDIS.queue().depth(Q)).isEqualTo(1);
    }

    @Test
    void settlingWithSomeoneElsesTokenIsRefusedAndChangesNothing() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        REDIS.queue().apply(enqueue(Q, "lead-2", "h1", 1, 5, 1_000));
        Claim mine = REDIS.queue().claim(Q, "alice", LEASE).orElseThrow();
        Claim other = REDIS.queue().claim(Q, "bob", LEASE).orElseThrow();
        Map<String, String> before = QueueState.bytes(REDIS.client(), Q);

        assertThat(REDIS.queue().accept(Q, mine.leadId(), other.leaseToken())).isEqualTo(Outcome.WRONG_TOKEN);
        assertThat(REDIS.queue().reject(Q, mine.leadId(), other.leaseToken(), "no")).isEqualTo(Outcome.WRONG_TOKEN);
        assertThat(REDIS.queue().release(Q, mine.leadId(), "made-up")).isEqualTo(Outcome.WRONG_TOKEN);

        assertThat(QueueState.bytes(REDIS.client(), Q)).isEqualTo(before);
    }

    @Test
    void acceptTakesTheLeadOutForGoodButKeepsItsVersion() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        Claim claim = REDIS.queue().claim(Q, "alice", LEASE).orElseThrow();

        assertThat(REDIS.queue().accept(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.OK);

        assertThat(REDIS.queue().get(Q, "lead-1")).isEmpty();
        assertThat(REDIS.queue().depth(Q)).isZero();
        assertThat(REDIS.queue().claimedCount(Q)).isZero();
        assertThat(REDIS.client().hlen(QueueKeys.of(Q).payload())).isZero();
        assertThat(REDIS.client().hgetAll(QueueKeys.of(Q).leases())).isEmpty();
        assertThat(REDIS.queue().accept(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000))).isEqualTo(ApplyResult.STALE);
    }

    @Test
    void rejectTakesTheLeadOutAndRecordsTheReason() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        Claim claim = REDIS.queue().claim(Q, "alice", LEASE).orElseThrow();

        assertThat(REDIS.queue().reject(Q, "lead-1", claim.leaseToken(), "student")).isEqualTo(Outcome.OK);

        assertThat(REDIS.queue().get(Q, "lead-1")).isEmpty();
        assertThat(REDIS.queue().claimedCount(Q)).isZero();
        QueueChange last = REDIS.queue().changes(Q, null, 10).get(2);
        assertThat(last).extracting(QueueChange::type, QueueChange::claimant, QueueChange::reason)
                .containsExactly(Type.REJECT, "alice", "student");
        assertThat(REDIS.queue().apply(update(Q, "lead-1", "h1", 2, 10, 1_000))).isEqualTo(ApplyResult.CLOSED);
    }

    @Test
    void releasePutsTheLeadBackInItsOriginalPlace() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        REDIS.queue().apply(enqueue(Q, "lead-2", "h1", 1, 10, 2_000));
        Claim claim = REDIS.queue().claim(Q, "alice", LEASE).orElseThrow();
        assertThat(claim.leadId()).isEqualTo("lead-1");

        assertThat(REDIS.queue().release(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.OK);

        assertThat(REDIS.queue().peek(Q, 10)).extracting(QueuedLead::leadId, QueuedLead::enqueuedAt, QueuedLead::claimedBy)
                .containsExactly(tuple("lead-1", 1_000L, null), tuple("lead-2", 2_000L, null));
        assertThat(REDIS.queue().claimedCount(Q)).isZero();
        assertThat(REDIS.queue().accept(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(REDIS.queue().claim(Q, "bob", LEASE).map(Claim::leadId)).contains("lead-1");
    }

    @Test
    void theChangeStreamRecordsEveryChangeInOrder() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        REDIS.queue().apply(update(Q, "lead-1", "h1", 2, 20, 1_000));
        Claim first = REDIS.queue().claim(Q, "alice", LEASE).orElseThrow();
        REDIS.queue().release(Q, "lead-1", first.leaseToken());
        Claim second = REDIS.queue().claim(Q, "bob", LEASE).orElseThrow();
        REDIS.queue().reject(Q, "lead-1", second.leaseToken(), "bad fit");
        REDIS.queue().apply(enqueue(Q, "lead-1", "h2", 3, 30, 5_000));
        Claim third = REDIS.queue().claim(Q, "carol", LEASE).orElseThrow();
        REDIS.queue().accept(Q, "lead-1", third.leaseToken());
        REDIS.queue().apply(enqueue(Q, "lead-1", "h3", 4, 40, 9_000));
        REDIS.queue().apply(QueueAction.withdraw(Q, "lead-1", "h3", 5));
        long now = System.currentTimeMillis();

        List<QueueChange> changes = REDIS.queue().changes(Q, null, 100);

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

        List<QueueChange> page = REDIS.queue().changes(Q, changes.get(2).id(), 2);
        assertThat(page).extracting(QueueChange::id).containsExactly(changes.get(3).id(), changes.get(4).id());
        assertThat(REDIS.queue().changes(Q, changes.get(10).id(), 5)).isEmpty();
    }

    @Test
    void theChangeStreamIsCapped() {
        int cap = 50;
        HandoffQueue capped = new HandoffQueue(REDIS.client(), HandoffQueue.Options.defaults().withChangeStreamCap(cap));
        List<QueueAction> batch = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            batch.add(enqueue(Q, "lead-" + i, "h", 1, 1, i));
        }
        capped.applyAll(batch);

        long length = REDIS.client().xlen(QueueKeys.of(Q).events());
        // MAXLEN ~ trims whole stream nodes (100 entries by default), never below the cap
        assertThat(length).isBetween((long) cap, cap + 100L);
        List<QueueChange> kept = capped.changes(Q, null, 1_000);
        assertThat(kept).hasSize((int) length);
        assertThat(kept.get(kept.size() - 1).leadId()).isEqualTo("lead-999");
    }
}
