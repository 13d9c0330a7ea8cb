package dev.leadflow.queue;

import dev.leadflow.testkit.Await;
import static dev.leadflow.queue.Leads.enqueue;
import static dev.leadflow.queue.Leads.payload;
import static dev.leadflow.queue.Leads.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApplyTest {

    @RegisterExtension
    static final QueueFixture REDIS = new QueueFixture();

    private static final String Q = "default";

    @Test
    void enqueuePutsTheLeadInReadyWithItsPayload() {
        assertThat(REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 42.5, 1_000))).isEqualTo(ApplyResult.APPLIED);

        assertThat(REDIS.queue().get(Q, "lead-1")).contains(
                new QueuedLead("lead-1", "h1", 1, 42.5, 1_000, payload("lead-1", 1), null));
        assertThat(REDIS.queue().depth(Q)).isEqualTo(1);
        assertThat(REDIS.queue().claimedCount(Q)).isZero();
        assertThat(REDIS.queue().oldestEnqueuedAt(Q)).contains(1_000L);
        assertThat(REDIS.queue().queues()).containsExactly(Q);
    }

    @Test
    void anActionWhoseVersionIsNotNewerChangesNothingAtAll() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 5, 50, 1_000));
        Map<String, String> before = QueueState.bytes(REDIS.client(), Q);

        assertThat(REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 5, 99, 2_000))).isEqualTo(ApplyResult.STALE);
        assertThat(REDIS.queue().apply(update(Q, "lead-1", "h1", 4, 99, 2_000))).isEqualTo(ApplyResult.STALE);
        assertThat(REDIS.queue().apply(QueueAction.withdraw(Q, "lead-1", "h1", 3))).isEqualTo(ApplyResult.STALE);
        assertThat(REDIS.queue().apply(enqueue(Q, "lead-1", "h2", 0, 99, 2_000))).isEqualTo(ApplyResult.STALE);

        assertThat(QueueState.bytes(REDIS.client(), Q)).isEqualTo(before);
    }

    @Test
    void versionsCompareAsLongsNotAsTextOrDoubles() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 10, 1, 1_000));
        assertThat(REDIS.queue().apply(update(Q, "lead-1", "h1", 9, 2, 1_000))).isEqualTo(ApplyResult.STALE);

        long twoTo53 = 1L << 53; // 2^53 and 2^53 + 1 are the same double
        REDIS.queue().apply(update(Q, "lead-1", "h1", twoTo53 + 1, 3, 1_000));
        assertThat(REDIS.queue().apply(update(Q, "lead-1", "h1", twoTo53, 4, 1_000))).isEqualTo(ApplyResult.STALE);
        assertThat(REDIS.queue().apply(update(Q, "lead-1", "h1", Long.MAX_VALUE, 5, 1_000))).isEqualTo(ApplyResult.APPLIED);
        assertThat(REDIS.queue().get(Q, "lead-1").orElseThrow().version()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void updateKeepsTheOriginalEnqueueTimeAndReplacesPriorityAndPayload() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        assertThat(REDIS.queue().apply(update(Q, "lead-1", "h1", 2, 20, 5_000))).isEqualTo(ApplyResult.APPLIED);

        QueuedLead lead = REDIS.queue().get(Q, "lead-1").orElseThrow();
        assertThat(lead.enqueuedAt()).isEqualTo(1_000);
        assertThat(lead.priority()).isEqualTo(20);
        assertThat(lead.version()).isEqualTo(2);
        assertThat(lead.payload()).isEqualTo(payload("lead-1", 2));
        assertThat(REDIS.queue().depth(Q)).isEqualTo(1);
        assertThat(REDIS.queue().oldestEnqueuedAt(Q)).contains(1_000L);
    }

    @Test
    void updateOfALeadNotInTheQueueEnqueuesIt() {
        assertThat(REDIS.queue().apply(update(Q, "lead-1", "h1", 7, 30, 1_000))).isEqualTo(ApplyResult.APPLIED);

        assertThat(REDIS.queue().get(Q, "lead-1").orElseThrow().enqueuedAt()).isEqualTo(1_000);
        assertThat(REDIS.queue().depth(Q)).isEqualTo(1);
    }

    @Test
    void aNewHandoffTakesANewPlaceInLine() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        REDIS.queue().apply(enqueue(Q, "lead-1", "h2", 2, 10, 3_000));
        assertThat(REDIS.queue().get(Q, "lead-1").orElseThrow().enqueuedAt()).isEqualTo(3_000);

        REDIS.queue().apply(QueueAction.withdraw(Q, "lead-1", "h2", 3));
        REDIS.queue().apply(enqueue(Q, "lead-1", "h3", 4, 10, 9_000));
        assertThat(REDIS.queue().get(Q, "lead-1").orElseThrow())
                .extracting(QueuedLead::handoffId, QueuedLead::enqueuedAt)
                .containsExactly("h3", 9_000L);
        assertThat(REDIS.queue().depth(Q)).isEqualTo(1);
    }

    @Test
    void withdrawRemovesTheLeadButKeepsItsVersion() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        REDIS.queue().apply(enqueue(Q, "lead-2", "h1", 1, 10, 1_000));
        assertThat(REDIS.queue().apply(QueueAction.withdraw(Q, "lead-1", "h1", 2))).isEqualTo(ApplyResult.APPLIED);

        assertThat(REDIS.queue().get(Q, "lead-1")).isEmpty();
        assertThat(REDIS.queue().peek(Q, 10)).extracting(QueuedLead::leadId).containsExactly("lead-2");
        assertThat(REDIS.client().hget(QueueKeys.of(Q).payload(), "lead-1")).isNull();
        assertThat(REDIS.queue().oldestEnqueuedAt(Q)).contains(1_000L);
        // the replay of the withdrawn handoff's enqueue stays a no-op, one that says the lead is not there
        assertThat(REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000))).isEqualTo(ApplyResult.STALE_ABSENT);
        assertThat(REDIS.queue().depth(Q)).isEqualTo(1);
    }

    @Test
    void anEnqueueThatLosesToAWithdrawOfTheSameVersionIsStaleAbsentAndChangesNothing() {
        // the vanishing lead: a WITHDRAW and the next ENQUEUE of the lead were given the same version
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 10, 50, 1_000));
        REDIS.queue().apply(QueueAction.withdraw(Q, "lead-1", "h1", 20));
        Map<String, String> before = QueueState.bytes(REDIS.client(), Q);

        assertThat(REDIS.queue().apply(enqueue(Q, "lead-1", "h2", 20, 50, 2_000))).isEqualTo(ApplyResult.STALE_ABSENT);
        assertThat(REDIS.queue().apply(update(Q, "lead-1", "h2", 19, 60, 2_000))).isEqualTo(ApplyResult.STALE_ABSENT);
        assertThat(REDIS.queue().apply(QueueAction.withdraw(Q, "lead-1", "h2", 20)))
                .as("a stale WITHDRAW of an absent lead agrees with the queue").isEqualTo(ApplyResult.STALE);

        assertThat(QueueState.bytes(REDIS.client(), Q)).isEqualTo(before);
        assertThat(REDIS.queue().get(Q, "lead-1")).isEmpty();
        // the next newer action brings it back
        assertThat(REDIS.queue().apply(update(Q, "lead-1", "h2", 21, 60, 2_000))).isEqualTo(ApplyResult.APPLIED);
        assertThat(REDIS.queue().get(Q, "lead-1")).isPresent();
    }

    @Test
    void aStaleActionOfALeadInTheQueueReadyOrClaimedIsPlainStale() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 5, 50, 1_000));
        REDIS.queue().apply(enqueue(Q, "lead-2", "h1", 5, 40, 1_000));
        REDIS.queue().claim(Q, "alice", Duration.ofMinutes(5)).orElseThrow();

        assertThat(REDIS.queue().applyAll(List.of(enqueue(Q, "lead-1", "h1", 5, 50, 1_000),
                update(Q, "lead-2", "h1", 4, 40, 1_000), enqueue(Q, "lead-2", "h9", 5, 40, 1_000))))
                .containsOnly(ApplyResult.STALE);
    }

    @Test
    void withdrawOfAClaimedLeadEndsItsLease() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        Claim claim = REDIS.queue().claim(Q, "alice", Duration.ofMinutes(5)).orElseThrow();

        assertThat(REDIS.queue().apply(QueueAction.withdraw(Q, "lead-1", "h1", 2))).isEqualTo(ApplyResult.APPLIED);

        assertThat(REDIS.queue().claimedCount(Q)).isZero();
        assertThat(REDIS.queue().depth(Q)).isZero();
        assertThat(REDIS.queue().accept(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(REDIS.queue().claim(Q, "bob", Duration.ofMinutes(5))).isEmpty();
        assertThat(REDIS.client().hgetAll(QueueKeys.of(Q).leases())).isEmpty();
    }

    @Test
    void updateOfAClaimedLeadChangesItButLeavesTheClaimAlone() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        Claim claim = REDIS.queue().claim(Q, "alice", Duration.ofMinutes(5)).orElseThrow();

        assertThat(REDIS.queue().apply(update(Q, "lead-1", "h1", 2, 99, 1_000))).isEqualTo(ApplyResult.APPLIED);

        assertThat(REDIS.queue().depth(Q)).isZero();
        assertThat(REDIS.queue().claimedCount(Q)).isEqualTo(1);
        assertThat(REDIS.queue().get(Q, "lead-1").orElseThrow())
                .extracting(QueuedLead::claimedBy, QueuedLead::priority, QueuedLead::payload)
                .containsExactly("alice", 99.0, payload("lead-1", 2));
        assertThat(REDIS.queue().release(Q, "lead-1", claim.leaseToken())).isEqualTo(Outcome.OK);
        assertThat(REDIS.queue().peek(Q, 1)).containsExactly(
                new QueuedLead("lead-1", "h1", 2, 99, 1_000, payload("lead-1", 2), null));
    }

    @Test
    void aLateUpdateOfAHandoffTheSellerSettledDoesNotBringItBack() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        Claim claim = REDIS.queue().claim(Q, "alice", Duration.ofMinutes(5)).orElseThrow();
        REDIS.queue().accept(Q, "lead-1", claim.leaseToken());

        assertThat(REDIS.queue().apply(update(Q, "lead-1", "h1", 2, 50, 1_000))).isEqualTo(ApplyResult.CLOSED);
        assertThat(REDIS.queue().apply(update(Q, "lead-1", "h1", 2, 50, 1_000)))
                .as("absent, but because the seller settled this very handoff").isEqualTo(ApplyResult.STALE);
        assertThat(REDIS.queue().apply(enqueue(Q, "lead-1", "h2", 2, 50, 8_000)))
                .as("a new handoff that does not get in").isEqualTo(ApplyResult.STALE_ABSENT);
        assertThat(REDIS.queue().get(Q, "lead-1")).isEmpty();

        assertThat(REDIS.queue().apply(enqueue(Q, "lead-1", "h2", 3, 50, 8_000))).isEqualTo(ApplyResult.APPLIED);
        assertThat(REDIS.queue().get(Q, "lead-1").orElseThrow().handoffId()).isEqualTo("h2");
    }

    @Test
    void peekListsByPriorityThenEarliestEnqueue() {
        REDIS.queue().applyAll(List.of(
                enqueue(Q, "p50-late", "h", 1, 50, 3_000),
                enqueue(Q, "p80-early", "h", 1, 80, 2_000),
                enqueue(Q, "p50-early", "h", 1, 50, 1_000),
                enqueue(Q, "p80-late", "h", 1, 80, 4_000),
                enqueue(Q, "p50-earliest", "h", 1, 50, 999), // fewer digits: the padding must hold
                enqueue(Q, "zero", "h", 1, 0, 0),
                enqueue(Q, "negative", "h", 1, -1.5, 0),
                enqueue(Q, "fraction", "h", 1, 50.25, 9_000)));

        assertThat(REDIS.queue().peek(Q, 100)).extracting(QueuedLead::leadId).containsExactly(
                "p80-early", "p80-late", "fraction", "p50-earliest", "p50-early", "p50-late", "zero", "negative");
        assertThat(REDIS.queue().peek(Q, 3)).extracting(QueuedLead::leadId)
                .containsExactly("p80-early", "p80-late", "fraction");
        assertThat(REDIS.queue().oldestEnqueuedAt(Q)).contains(0L);
    }

    @Test
    void applyAllOfTheSameBatchTwiceChangesNothingTheSecondTime() {
        List<QueueAction> batch = history(Q, 40, new Random(7));
        List<ApplyResult> first = REDIS.queue().applyAll(batch);
        assertThat(first).contains(ApplyResult.APPLIED);
        Map<String, String> after = QueueState.bytes(REDIS.client(), Q);

        assertThat(REDIS.queue().applyAll(batch)).isNotEmpty()
                .allMatch(r -> r == ApplyResult.STALE || r == ApplyResult.STALE_ABSENT);
        assertThat(QueueState.bytes(REDIS.client(), Q)).isEqualTo(after);
    }

    @Test
    void aShuffledReplayEndsInTheSameStateAsTheOrderedOne() {
        Random random = new Random(11);
        List<QueueAction> ordered = history("ordered", 40, random);
        List<QueueAction> shuffled = new ArrayList<>(history("shuffled", 40, new Random(11)));
        Collections.shuffle(shuffled, random);

        REDIS.queue().applyAll(ordered);
        REDIS.queue().applyAll(shuffled);
        assertThat(QueueState.logical(REDIS.client(), "shuffled")).isEqualTo(QueueState.logical(REDIS.client(), "ordered"));

        REDIS.queue().applyAll(shuffled.subList(0, shuffled.size() / 2));
        REDIS.queue().applyAll(ordered);
        assertThat(QueueState.logical(REDIS.client(), "ordered")).isEqualTo(QueueState.logical(REDIS.client(), "shuffled"));
        assertThat(REDIS.queue().depth("ordered")).isPositive();
    }

    @Test
    void applyAllOfNothingIsNothing() {
        assertThat(REDIS.queue().applyAll(List.of())).isEmpty();
    }

    @Test
    void everyQueueWrittenIsListed() {
        REDIS.queue().applyAll(List.of(enqueue("default", "a", "h", 1, 1, 1), enqueue("enterprise-emea", "b", "h", 1, 1, 1)));
        REDIS.queue().apply(enqueue("owner-42", "c", "h", 1, 1, 1));

        assertThat(REDIS.queue().queues()).containsExactlyInAnyOrder("default", "enterprise-emea", "owner-42");
    }

    @Test
    void theScriptsComeBackAfterTheServerForgetsThem() {
        REDIS.queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 1_000));
        REDIS.client().scriptFlush();
        assertThat(REDIS.queue().applyAll(List.of(update(Q, "lead-1", "h1", 2, 20, 1_000), enqueue(Q, "lead-2", "h1", 1, 5, 2_000))))
                .containsExactly(ApplyResult.APPLIED, ApplyResult.APPLIED);

        REDIS.client().scriptFlush();
        assertThat(REDIS.queue().claim(Q, "alice", Duration.ofMinutes(1))).map(Claim::leadId).contains("lead-1");
        REDIS.client().scriptFlush();
        assertThat(REDIS.queue().peek(Q, 5)).extracting(QueuedLead::leadId).containsExactly("lead-2");
    }

    @Test
    void versionsOfLeadsThatLeftAreForgottenAfterTheRetention() {
        HandoffQueue shortMemory = new HandoffQueue(REDIS.client(),
                HandoffQueue.Options.defaults().withVersionRetention(Duration.ofMillis(1)));
        shortMemory.apply(enqueue(Q, "lead-1", "h1", 5, 10, 1_000));
        shortMemory.apply(QueueAction.withdraw(Q, "lead-1", "h1", 6));

        Await.until(Duration.ofSeconds(5), "the withdrawn lead's version to be pruned", () -> {
            shortMemory.reclaimExpired(Q);
            return REDIS.client().hlen(QueueKeys.of(Q).meta()) == 0;
        });
        assertThat(REDIS.client().zcard(QueueKeys.of(Q).closed())).isZero();
        // the documented bound: past the retention, an old replay is new again
        assertThat(shortMemory.apply(enqueue(Q, "lead-1", "h1", 5, 10, 1_000))).isEqualTo(ApplyResult.APPLIED);
    }

    @Test
    void invalidInputIsRejectedBeforeReachingRedis() {
        assertThatThrownBy(() -> enqueue("bad{name", "lead-1", "h1", 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad{name");
        assertThatThrownBy(() -> REDIS.queue().depth("two words")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> enqueue(Q, "", "h1", 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> enqueue(Q, "lead-1", "h1", -1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> enqueue(Q, "lead-1", "h1", 1, Double.NaN, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QueueAction.update(Q, "lead-1", "h1", 1, 1, null, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload");
        assertThatThrownBy(() -> REDIS.queue().peek(Q, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(REDIS.queue().queues()).isEmpty();
    }

    /**
     * What the job would send for {@code leads} leads: per lead, versions 1..n of ENQUEUE, UPDATEs,
     * sometimes a WITHDRAW and a later handoff. Every action of a handoff carries the handoff's first
     * enqueue time, as the job does.
     */
    private static List<QueueAction> history(String queue, int leads, Random random) {
        List<QueueAction> actions = new ArrayList<>();
        for (int i = 0; i < leads; i++) {
            String lead = "lead-" + i;
            long version = 0;
            int handoffs = 1 + random.nextInt(2);
            for (int h = 1; h <= handoffs; h++) {
                String handoff = lead + "-h" + h;
                long enqueuedAt = 1_000L * (i + 1) + 100_000L * h;
                actions.add(enqueue(queue, lead, handoff, ++version, random.nextInt(100), enqueuedAt));
                for (int u = random.nextInt(4); u > 0; u--) {
                    actions.add(update(queue, lead, handoff, ++version, random.nextInt(100), enqueuedAt));
                }
                if (h < handoffs || random.nextInt(4) == 0) {
                    actions.add(QueueAction.withdraw(queue, lead, handoff, ++version));
                }
            }
        }
        return actions;
    }
}
