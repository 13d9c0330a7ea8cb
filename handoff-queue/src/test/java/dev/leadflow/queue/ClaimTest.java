package dev.leadflow.queue;

import static dev.leadflow.queue.Leads.enqueue;
import static dev.leadflow.queue.Leads.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClaimTest {

    @RegisterExtension
    static final QueueFixture REDIS = new QueueFixture();

    private static final String Q = "default";
    private static final Duration LEASE = Duration.ofMinutes(5);

    @Test
    void anEmptyQueueHasNothingToClaim() {
        assertThat(REDIS.queue().claim(Q, "alice", LEASE)).isEmpty();
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        REDIS.queue().claim(Q, "alice", LEASE);
        assertThat(REDIS.queue().claim(Q, "bob", LEASE)).isEmpty();
    }

    @Test
    void aClaimTakesTheBestLeadUnderALease() {
        REDIS.queue().apply(enqueue(Q, "low", "h1", 1, 10, 1_000));
        REDIS.queue().apply(enqueue(Q, "high", "h7", 3, 90, 2_000));
        long before = System.currentTimeMillis();

        Claim claim = REDIS.queue().claim(Q, "alice", LEASE).orElseThrow();

        long after = System.currentTimeMillis();
        assertThat(claim.leadId()).isEqualTo("high");
        assertThat(claim.queue()).isEqualTo(Q);
        assertThat(claim.handoffId()).isEqualTo("h7");
        assertThat(claim.version()).isEqualTo(3);
        assertThat(claim.payload()).isEqualTo(payload("high", 3));
        assertThat(claim.priority()).isEqualTo(90);
        assertThat(claim.enqueuedAt()).isEqualTo(2_000);
        // the deadline comes from the Redis clock, which is this machine's clock here
        assertThat(claim.leaseExpiresAt()).isBetween(before + LEASE.toMillis() - 5, after + LEASE.toMillis() + 5);
        assertThat(LeaseToken.queueOf(claim.leaseToken())).contains(Q);

        assertThat(REDIS.queue().depth(Q)).isEqualTo(1);
        assertThat(REDIS.queue().claimedCount(Q)).isEqualTo(1);
        assertThat(REDIS.queue().peek(Q, 10)).extracting(QueuedLead::leadId).containsExactly("low");
        assertThat(REDIS.queue().get(Q, "high").orElseThrow().claimedBy()).isEqualTo("alice");
        assertThat(REDIS.queue().oldestEnqueuedAt(Q)).contains(1_000L);
    }

    @Test
    void claimsFollowThePeekOrder() {
        for (int i = 0; i < 20; i++) {
            REDIS.queue().apply(enqueue(Q, "lead-" + i, "h", 1, i % 4, 1_000 + (i * 7919L) % 13));
        }
        List<String> expected = REDIS.queue().peek(Q, 100).stream().map(QueuedLead::leadId).toList();

        List<String> claimed = new ArrayList<>();
        for (Optional<Claim> c = REDIS.queue().claim(Q, "alice", LEASE); c.isPresent(); c = REDIS.queue().claim(Q, "alice", LEASE)) {
            claimed.add(c.get().leadId());
        }
        assertThat(claimed).isEqualTo(expected).hasSize(20);
    }

    @Test
    void sixteenConcurrentClaimantsTakeEveryLeadExactlyOnce() throws Exception {
        int leads = 500;
        List<QueueAction> batch = new ArrayList<>();
        for (int i = 0; i < leads; i++) {
            batch.add(enqueue(Q, "lead-" + i, "h", 1, i % 10, i));
        }
        REDIS.queue().applyAll(batch);

        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                String claimant = "seller-" + t;
                Callable<List<String>> worker = () -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    for (Optional<Claim> c = REDIS.queue().claim(Q, claimant, LEASE); c.isPresent();
                            c = REDIS.queue().claim(Q, claimant, LEASE)) {
                        mine.add(c.get().leadId());
                    }
                    return mine;
                };
                results.add(pool.submit(worker));
            }
            start.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<String>> result : results) {
                all.addAll(result.get(60, TimeUnit.SECONDS));
            }

            Set<String> distinct = new HashSet<>(all);
            assertThat(all).hasSize(leads);
            assertThat(distinct).hasSize(leads);
            assertThat(distinct).isEqualTo(batch.stream().map(QueueAction::leadId).collect(Collectors.toSet()));
            assertThat(REDIS.queue().depth(Q)).isZero();
            assertThat(REDIS.queue().claimedCount(Q)).isEqualTo(leads);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badClaimArgumentsAreRejected() {
        assertThatThrownBy(() -> REDIS.queue().claim(Q, "", LEASE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> REDIS.queue().claim(Q, "alice", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> REDIS.queue().claim("a}b", "alice", LEASE)).isInstanceOf(IllegalArgumentException.class);
    }
}
