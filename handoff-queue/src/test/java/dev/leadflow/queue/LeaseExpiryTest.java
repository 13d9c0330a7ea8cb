package dev.leadflow.queue;

import dev.leadflow.testkit.Await;
import static dev.leadflow.queue.Leads.enqueue;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeaseExpiryTest {

    @RegisterExtension
    static final QueueFixture REDIS = new QueueFixture();

    private static final String Q = "default";
    private static final Duration SHORT = Duration.ofMillis(200);
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Test
    void reclaimReturnsALapsedLeaseWithItsOriginalPlaceInLine() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 42, 1_234));
        Claim claim = REDIS.queue().claim(Q, "alice", SHORT).orElseThrow();
        assertThat(REDIS.queue().reclaimExpired(Q)).isZero();

        Await.until(PATIENCE, "the lease to lapse", () -> REDIS.queue().reclaimExpired(Q) == 1);

        QueuedLead lead = REDIS.queue().get(Q, "lead-1").orElseThrow();
        assertThat(lead.claimedBy()).isNull();
        assertThat(lead.enqueuedAt()).isEqualTo(1_234);
        assertThat(lead.priority()).isEqualTo(42);
        assertThat(REDIS.queue().depth(Q)).isEqualTo(1);
        assertThat(REDIS.queue().claimedCount(Q)).isZero();
        assertThat(REDIS.queue().oldestEnqueuedAt(Q)).contains(1_234L);

        assertThat(REDIS.queue().accept(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.EXPIRED);
        assertThat(REDIS.queue().release(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.EXPIRED);
        assertThat(REDIS.queue().changes(Q, null, 10)).extracting(QueueChange::type).containsExactly(
                QueueChange.Type.ENQUEUE, QueueChange.Type.CLAIM, QueueChange.Type.EXPIRE);
    }

    @Test
    void aClaimReturnsLapsedLeasesFirstSoExpiryNeedsNoBackgroundCaller() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 42, 1_234));
        Claim first = REDIS.queue().claim(Q, "alice", SHORT).orElseThrow();

        Claim second = Await.until(PATIENCE, "bob to get the lapsed lead",
                () -> REDIS.queue().claim(Q, "bob", Duration.ofMinutes(5)));

        assertThat(second.leadId()).isEqualTo("lead-1");
        assertThat(second.enqueuedAt()).isEqualTo(1_234);
        assertThat(second.leaseToken()).isNotEqualTo(first.leaseToken());
        assertThat(REDIS.queue().accept(Q, "lead-1", first.leaseToken())).isEqualTo(Outcome.EXPIRED);
        assertThat(REDIS.queue().accept(Q, "lead-1", second.leaseToken())).isEqualTo(Outcome.OK);
    }

    @Test
    void settlingALapsedLeaseReportsExpiredAndReturnsTheLead() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 42, 1_234));
        Claim claim = REDIS.queue().claim(Q, "alice", SHORT).orElseThrow();
        // Redis runs on this machine's clock; wait until it has passed the deadline
        Await.until(PATIENCE, "the deadline to pass", () -> System.currentTimeMillis() > claim.leaseExpiresAt() + 1);

        assertThat(REDIS.queue().reject(Q, "lead-1", claim.leaseToken(), "too late")).isEqualTo(Outcome.EXPIRED);

        assertThat(REDIS.queue().peek(Q, 1)).extracting(QueuedLead::leadId, QueuedLead::enqueuedAt)
                .containsExactly(Tuple.tuple("lead-1", 1_234L));
        assertThat(REDIS.queue().claimedCount(Q)).isZero();
    }

    @Test
    void onlyLapsedLeasesAreReturned() {
        REDIS.queue().applyAll(List.of(enqueue(Q, "short", "h", 1, 90, 1), enqueue(Q, "long", "h", 1, 10, 2)));
        REDIS.queue().claim(Q, "alice", SHORT);
        REDIS.queue().claim(Q, "bob", Duration.ofMinutes(5));

        Await.until(PATIENCE, "the short lease to lapse", () -> REDIS.queue().reclaimExpired(Q) == 1);

        assertThat(REDIS.queue().get(Q, "long").map(QueuedLead::claimedBy)).contains("bob");
        assertThat(REDIS.queue().get(Q, "short")).hasValueSatisfying(lead -> assertThat(lead.claimed()).isFalse());
        assertThat(REDIS.queue().reclaimExpired(Q)).isZero();
    }
}
