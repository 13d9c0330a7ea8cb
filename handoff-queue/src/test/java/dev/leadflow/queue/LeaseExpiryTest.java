package dev.leadflow.queue;

import dev.leadflow.testkit.Await;
import static dev.leadflow.queue.Leads.enqueue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.testkit.redis.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

class LeaseExpiryTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String Q = "default";
    private static final Duration SHORT = Duration.ofMillis(200);
    private static final Duration PATIENCE = Duration.ofSeconds(10);
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
    void reclaimReturnsALapsedLeaseWithItsOriginalPlaceInLine() {
        queue.apply(enqueue(Q, "lead-1", "h1", 1, 42, 1_234));
        Claim claim = queue.claim(Q, "alice", SHORT).orElseThrow();
        assertThat(queue.reclaimExpired(Q)).isZero();

        Await.until(PATIENCE, "the lease to lapse", () -> queue.reclaimExpired(Q) == 1);

        QueuedLead lead = queue.get(Q, "lead-1").orElseThrow();
        assertThat(lead.claimedBy()).isNull();
        assertThat(lead.enqueuedAt()).isEqualTo(1_234);
        assertThat(lead.priority()).isEqualTo(42);
        assertThat(queue.depth(Q)).isEqualTo(1);
        assertThat(queue.claimedCount(Q)).isZero();
        assertThat(queue.oldestEnqueuedAt(Q)).contains(1_234L);

        assertThat(queue.accept(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.EXPIRED);
        assertThat(queue.release(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.EXPIRED);
        assertThat(queue.changes(Q, null, 10)).extracting(QueueChange::type).containsExactly(
                QueueChange.Type.ENQUEUE, QueueChange.Type.CLAIM, QueueChange.Type.EXPIRE);
    }

    @Test
    void aClaimReturnsLapsedLeasesFirstSoExpiryNeedsNoBackgroundCaller() {
        queue.apply(enqueue(Q, "lead-1", "h1", 1, 42, 1_234));
        Claim first = queue.claim(Q, "alice", SHORT).orElseThrow();

        Claim second = Await.until(PATIENCE, "bob to get the lapsed lead",
                () -> queue.claim(Q, "bob", Duration.ofMinutes(5)));

        assertThat(second.leadId()).isEqualTo("lead-1");
        assertThat(second.enqueuedAt()).isEqualTo(1_234);
        assertThat(second.leaseToken()).isNotEqualTo(first.leaseToken());
        assertThat(queue.accept(Q, "lead-1", first.leaseToken())).isEqualTo(Outcome.EXPIRED);
        assertThat(queue.accept(Q, "lead-1", second.leaseToken())).isEqualTo(Outcome.OK);
    }

    @Test
    void settlingALapsedLeaseReportsExpiredAndReturnsTheLead() {
        queue.apply(enqueue(Q, "lead-1", "h1", 1, 42, 1_234));
        Claim claim = queue.claim(Q, "alice", SHORT).orElseThrow();
        // Redis runs on this machine's clock; wait until it has passed the deadline
        Await.until(PATIENCE, "the deadline to pass", () -> System.currentTimeMillis() > claim.leaseExpiresAt() + 1);

        assertThat(queue.reject(Q, "lead-1", claim.leaseToken(), "too late")).isEqualTo(Outcome.EXPIRED);

        assertThat(queue.peek(Q, 1)).extracting(QueuedLead::leadId, QueuedLead::enqueuedAt)
                .containsExactly(Tuple.tuple("lead-1", 1_234L));
        assertThat(queue.claimedCount(Q)).isZero();
    }

    @Test
    void onlyLapsedLeasesAreReturned() {
        queue.applyAll(List.of(enqueue(Q, "short", "h", 1, 90, 1), enqueue(Q, "long", "h", 1, 10, 2)));
        queue.claim(Q, "alice", SHORT);
        queue.claim(Q, "bob", Duration.ofMinutes(5));

        Await.until(PATIENCE, "the short lease to lapse", () -> queue.reclaimExpired(Q) == 1);

        assertThat(queue.get(Q, "long").map(QueuedLead::claimedBy)).contains("bob");
        assertThat(queue.get(Q, "short")).hasValueSatisfying(lead -> assertThat(lead.claimed()).isFalse());
        assertThat(queue.reclaimExpired(Q)).isZero();
    }
}
