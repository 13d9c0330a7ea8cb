package dev.leadflow.queue;

import dev.leadflow.testkit.Await;
import static dev.leadflow.queue.Leads.enqueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.leadflow.queue.QueueChange.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The read-only lease check and the blocking change-stream read that the seller API builds on. */
class CheckAndFollowTest {

    @RegisterExtension
    static final QueueFixture REDIS = new QueueFixture();

    private static final String Q = "default";

    @Test
    void checkTellsWhatASettleWouldSayAndChangesNothing() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        REDIS.queue().apply(enqueue(Q, "lead-2", "h2", 1, 5, 1_000));
        Claim mine = REDIS.queue().claim(Q, "alice", Duration.ofMinutes(5)).orElseThrow();
        Map<String, String> before = QueueState.bytes(REDIS.client(), Q);

        LeaseCheck ok = REDIS.queue().checkLease(Q, mine.leadId(), mine.leaseToken());
        assertThat(ok.valid()).isTrue();
        assertThat(ok.claimant()).isEqualTo("alice");
        assertThat(ok.remainingMillis()).isBetween(Duration.ofMinutes(4).toMillis(), Duration.ofMinutes(5).toMillis());
        assertThat(REDIS.queue().checkLease(Q, mine.leadId(), Q + ".forged").outcome()).isEqualTo(Outcome.WRONG_TOKEN);
        assertThat(REDIS.queue().checkLease(Q, "lead-2", mine.leaseToken()).outcome()).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(REDIS.queue().checkLease(Q, "nobody", mine.leaseToken()).outcome()).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(REDIS.queue().checkLease(Q, "lead-2", mine.leaseToken())).isEqualTo(new LeaseCheck(Outcome.NOT_CLAIMED, 0, null));

        assertThat(QueueState.bytes(REDIS.client(), Q)).isEqualTo(before);
    }

    @Test
    void checkSaysExpiredForALapsedLeaseEvenBeforeAnyoneReturnedIt() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        Claim claim = REDIS.queue().claim(Q, "alice", Duration.ofMillis(30)).orElseThrow();

        Await.until(Duration.ofSeconds(5), "the lease to lapse",
                () -> REDIS.queue().checkLease(Q, "lead-1", claim.leaseToken()).outcome() == Outcome.EXPIRED);
        REDIS.queue().reclaimExpired(Q);
        assertThat(REDIS.queue().checkLease(Q, "lead-1", claim.leaseToken()))
                .isEqualTo(new LeaseCheck(Outcome.EXPIRED, 0, null));
    }

    @Test
    void awaitChangesReturnsWhatIsThereAndOtherwiseWaitsForTheNextChange() throws Exception {
        assertThat(REDIS.queue().lastChangeId(Q)).isEmpty();
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        String first = REDIS.queue().lastChangeId(Q).orElseThrow();

        assertThat(REDIS.queue().awaitChanges(Q, "0-0", 10, Duration.ofMillis(100)))
                .extracting(QueueChange::id).containsExactly(first);
        assertThat(REDIS.queue().awaitChanges(Q, first, 10, Duration.ofMillis(50))).isEmpty();

        CompletableFuture<List<QueueChange>> waiting =
                CompletableFuture.supplyAsync(() -> REDIS.queue().awaitChanges(Q, first, 10, Duration.ofMillis(1_500)));
        REDIS.queue().apply(enqueue(Q, "lead-2", "h2", 1, 5, 1_000));
        List<QueueChange> next = waiting.get(5, TimeUnit.SECONDS);

        assertThat(next).extracting(QueueChange::leadId, QueueChange::type).containsExactly(
                tuple("lead-2", Type.ENQUEUE));
        assertThat(REDIS.queue().lastChangeId(Q)).contains(next.get(0).id());
    }

    @Test
    void awaitChangesNeverBlocksForever() {
        assertThatThrownBy(() -> REDIS.queue().awaitChanges(Q, "0-0", 10, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
