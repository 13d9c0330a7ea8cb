package dev.leadflow.queue;

import dev.leadflow.testkit.Await;
import static dev.leadflow.queue.Leads.enqueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.leadflow.queue.QueueChange.Type;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** The read-only lease check and the blocking change-stream read that the seller API builds on. */
class CheckAndFollowTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String Q = "default";
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
    void checkTellsWhatASettleWouldSayAndChangesNothing() {
        queue.apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        queue.apply(enqueue(Q, "lead-2", "h2", 1, 5, 1_000));
        Claim mine = queue.claim(Q, "alice", Duration.ofMinutes(5)).orElseThrow();
        Map<String, String> before = QueueState.bytes(client, Q);

        LeaseCheck ok = queue.checkLease(Q, mine.leadId(), mine.leaseToken());
        assertThat(ok.valid()).isTrue();
        assertThat(ok.claimant()).isEqualTo("alice");
        assertThat(ok.remainingMillis()).isBetween(Duration.ofMinutes(4).toMillis(), Duration.ofMinutes(5).toMillis());
        assertThat(queue.checkLease(Q, mine.leadId(), Q + ".forged").outcome()).isEqualTo(Outcome.WRONG_TOKEN);
        assertThat(queue.checkLease(Q, "lead-2", mine.leaseToken()).outcome()).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(queue.checkLease(Q, "nobody", mine.leaseToken()).outcome()).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(queue.checkLease(Q, "lead-2", mine.leaseToken())).isEqualTo(new LeaseCheck(Outcome.NOT_CLAIMED, 0, null));

        assertThat(QueueState.bytes(client, Q)).isEqualTo(before);
    }

    @Test
    void checkSaysExpiredForALapsedLeaseEvenBeforeAnyoneReturnedIt() {
        queue.apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        Claim claim = queue.claim(Q, "alice", Duration.ofMillis(30)).orElseThrow();

        Await.until(Duration.ofSeconds(5), "the lease to lapse",
                () -> queue.checkLease(Q, "lead-1", claim.leaseToken()).outcome() == Outcome.EXPIRED);
        queue.reclaimExpired(Q);
        assertThat(queue.checkLease(Q, "lead-1", claim.leaseToken()))
                .isEqualTo(new LeaseCheck(Outcome.EXPIRED, 0, null));
    }

    @Test
    void awaitChangesReturnsWhatIsThereAndOtherwiseWaitsForTheNextChange() throws Exception {
        assertThat(queue.lastChangeId(Q)).isEmpty();
        queue.apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        String first = queue.lastChangeId(Q).orElseThrow();

        assertThat(queue.awaitChanges(Q, "0-0", 10, Duration.ofMillis(100)))
                .extracting(QueueChange::id).containsExactly(first);
        assertThat(queue.awaitChanges(Q, first, 10, Duration.ofMillis(50))).isEmpty();

        CompletableFuture<List<QueueChange>> waiting =
                CompletableFuture.supplyAsync(() -> queue.awaitChanges(Q, first, 10, Duration.ofMillis(1_500)));
        queue.apply(enqueue(Q, "lead-2", "h2", 1, 5, 1_000));
        List<QueueChange> next = waiting.get(5, TimeUnit.SECONDS);

        assertThat(next).extracting(QueueChange::leadId, QueueChange::type).containsExactly(
                tuple("lead-2", Type.ENQUEUE));
        assertThat(queue.lastChangeId(Q)).contains(next.get(0).id());
    }

    @Test
    void awaitChangesNeverBlocksForever() {
        assertThatThrownBy(() -> queue.awaitChanges(Q, "0-0", 10, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
