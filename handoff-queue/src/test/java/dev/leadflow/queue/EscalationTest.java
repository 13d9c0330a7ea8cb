package dev.leadflow.queue;

import static dev.leadflow.queue.Leads.enqueue;
import static dev.leadflow.queue.Leads.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Response targets, escalation steps, overflow moves and the hold limit, against a real redis-server. */
class EscalationTest {

    @RegisterExtension
    static final QueueFixture REDIS = new QueueFixture();

    private static final String Q = "default";
    private static final String OVERFLOW = "overflow";
    private static final Duration LEASE = Duration.ofMinutes(5);

    private HandoffQueue queue() {
        return REDIS.queue();
    }

    /** Enqueued long ago (so any deadline from its enqueue time is past) and scheduled with those deadlines. */
    @org.junit.jupiter.api.BeforeEach
    void targetsOn() {
        queue().enableTargets(Q);
    }

    private void enqueueOverdue(String lead, double priority, long... deadlines) {
        queue().apply(enqueue(Q, lead, "h-" + lead, 1, priority, 1_000));
        Escalations.Fresh fresh = queue().fresh(Q, 10).stream().filter(f -> f.leadId().equals(lead)).findFirst().orElseThrow();
        assertThat(fresh.since()).isEqualTo(1_000);
        List<Long> list = new ArrayList<>();
        for (long d : deadlines) {
            list.add(d);
        }
        assertThat(queue().schedule(Q, lead, "h-" + lead, "hand-raiser", list, fresh.since(), null, null))
                .isEqualTo(Escalations.Scheduled.SCHEDULED);
    }

    @Test
    void onlyQueuesWithTargetsListFreshLeadsAndTurningThemOnListsTheReadyOnes() {
        queue().apply(enqueue("other", "lead-1", "h1", 1, 10, 5_000));
        assertThat(queue().fresh("other", 10)).isEmpty();
        queue().enableTargets("other");
        assertThat(queue().fresh("other", 10)).containsExactly(new Escalations.Fresh("lead-1", 5_000));
    }

    @Test
    void aLeadEntersFreshAndItsTargetShowsOnceScheduled() {
        queue().apply(enqueue(Q, "lead-1", "h1", 1, 10, 5_000));
        assertThat(queue().fresh(Q, 10)).containsExactly(new Escalations.Fresh("lead-1", 5_000));
        long target = System.currentTimeMillis() + 60_000;

        queue().schedule(Q, "lead-1", "h1", "other", List.of(target, target + 60_000), 5_000, null, null);

        assertThat(queue().fresh(Q, 10)).isEmpty();
        QueuedLead lead = queue().get(Q, "lead-1").orElseThrow();
        assertThat(lead.targetAt()).isEqualTo(target);
        assertThat(lead.kind()).isEqualTo("other");
        assertThat(queue().due(Q, 10)).isEmpty();
        // a stricter schedule for the same handoff tightens; a looser one changes nothing
        assertThat(queue().schedule(Q, "lead-1", "h1", "hand-raiser", List.of(target - 30_000, target + 90_000), 5_000,
                null, null)).isEqualTo(Escalations.Scheduled.TIGHTENED);
        lead = queue().get(Q, "lead-1").orElseThrow();
        assertThat(lead.targetAt()).isEqualTo(target - 30_000);
        assertThat(lead.kind()).isEqualTo("hand-raiser");
        assertThat(queue().schedule(Q, "lead-1", "h1", "other", List.of(target, target + 60_000), 5_000, null, null))
                .isEqualTo(Escalations.Scheduled.UNCHANGED);
    }

    @Test
    void eachStepIsTakenExactlyOnceEvenByConcurrentCallers() throws Exception {
        enqueueOverdue("lead-1", 10, 2_000, 3_000);
        List<Escalations.Due> due = queue().due(Q, 10);
        assertThat(due).extracting(Escalations.Due::leadId, Escalations.Due::stepsDone).containsExactly(
                org.assertj.core.groups.Tuple.tuple("lead-1", 0));

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Escalations.Step>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> queue().escalate(Q, "lead-1", "h-lead-1", 1, 50, null, "{\"leadId\":\"lead-1\"}", "n1"));
            }
            int taken = 0;
            for (Future<Escalations.Step> f : pool.invokeAll(calls)) {
                taken += f.get().taken() ? 1 : 0;
            }
            assertThat(taken).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(queue().get(Q, "lead-1").orElseThrow().priority()).isEqualTo(60);
        assertThat(queue().get(Q, "lead-1").orElseThrow().escalations()).isEqualTo(1);
        assertThat(queue().takeNotes(Q, 10, Duration.ofMinutes(1))).hasSize(1);
        // the second step is due as well; step 1 again is refused
        assertThat(queue().escalate(Q, "lead-1", "h-lead-1", 1, 50, null, null, null).taken()).isFalse();
        assertThat(queue().due(Q, 10)).extracting(Escalations.Due::stepsDone).containsExactly(1);
    }

    @Test
    void theJobsUpdateKeepsTheRaiseAndAClaimStopsEscalation() {
        enqueueOverdue("lead-1", 10, 2_000);
        queue().escalate(Q, "lead-1", "h-lead-1", 1, 50, null, null, null);
        queue().apply(update(Q, "lead-1", "h-lead-1", 2, 20, 1_000));
        assertThat(queue().get(Q, "lead-1").orElseThrow().priority()).isEqualTo(70);

        enqueueOverdue("lead-2", 5, 2_000);
        Claim claim = queue().claim(Q, "alice", LEASE).orElseThrow();
        assertThat(claim.leadId()).isEqualTo("lead-1");
        assertThat(claim.targetAt()).isEqualTo(2_000);
        assertThat(claim.escalations()).isEqualTo(1);
        Claim second = queue().claim(Q, "bob", LEASE).orElseThrow();
        assertThat(queue().escalate(Q, "lead-2", "h-lead-2", 1, 50, null, null, null).taken()).isFalse();
        // released: the remaining step is due again
        queue().release(Q, "lead-2", second.leaseToken());
        assertThat(queue().escalate(Q, "lead-2", "h-lead-2", 1, 50, null, null, null).taken()).isTrue();
    }

    @Test
    void anOverflowedLeadFollowsTheJobsActionsAndAWithdrawTakesItFromBoth() {
        enqueueOverdue("lead-1", 10, 2_000);
        Escalations.Step step = queue().escalate(Q, "lead-1", "h-lead-1", 1, 5, OVERFLOW, null, null);

        assertThat(step.movedTo()).isEqualTo(OVERFLOW);
        assertThat(queue().get(Q, "lead-1")).isEmpty();
        assertThat(queue().depth(Q)).isZero();
        QueuedLead there = queue().get(OVERFLOW, "lead-1").orElseThrow();
        assertThat(there.priority()).isEqualTo(15);
        // the mover (the seller API) does not write the queue list; erasure follows the move instead
        assertThat(queue().queues()).doesNotContain(OVERFLOW);

        // the job still writes to the lead's own queue: the update lands in the overflow queue, raise kept
        assertThat(queue().apply(update(Q, "lead-1", "h-lead-1", 2, 30, 1_000))).isEqualTo(ApplyResult.APPLIED);
        assertThat(queue().get(OVERFLOW, "lead-1").orElseThrow().priority()).isEqualTo(35);
        assertThat(queue().get(Q, "lead-1")).isEmpty();
        // a replay of an older action stays a no-op
        assertThat(queue().apply(update(Q, "lead-1", "h-lead-1", 2, 30, 1_000))).isEqualTo(ApplyResult.STALE);

        assertThat(queue().apply(QueueAction.withdraw(Q, "lead-1", "h-lead-1", 3))).isEqualTo(ApplyResult.APPLIED);
        assertThat(queue().get(OVERFLOW, "lead-1")).isEmpty();
        assertThat(queue().get(Q, "lead-1")).isEmpty();
        // the forwarding ended with the withdraw: a new handoff queues in the lead's own queue again
        queue().apply(enqueue(Q, "lead-1", "h2", 4, 10, 9_000));
        assertThat(queue().get(Q, "lead-1")).isPresent();
        assertThat(queue().get(OVERFLOW, "lead-1")).isEmpty();
    }

    @Test
    void aMoveLeftHalfWayIsFinished() {
        enqueueOverdue("lead-1", 10, 2_000);
        // a mover that stopped after the step: the overflow queue has not got the lead
        queue().escalate(Q, "lead-1", "h-lead-1", 1, 0, OVERFLOW, null, null);
        REDIS.client().del(QueueKeys.of(OVERFLOW).all().toArray(String[]::new));
        REDIS.client().hset(QueueKeys.of(Q).sla(), java.util.Map.of("lead-1:movePayload", "{}", "lead-1:moveVersion",
                "1", "lead-1:moveHandoff", "h-lead-1", "lead-1:movePriority", "10", "lead-1:moveEnqueuedAt", "1000"));
        REDIS.client().zadd(QueueKeys.of(Q).moves(), 0, "lead-1");

        assertThat(queue().completeMoves(Q, Duration.ZERO)).isEqualTo(1);
        assertThat(queue().get(OVERFLOW, "lead-1")).isPresent();
        assertThat(queue().completeMoves(Q, Duration.ZERO)).isZero();
    }

    @Test
    void aClaimantHoldsAtMostTheLimit() {
        for (int i = 0; i < 5; i++) {
            queue().apply(enqueue(Q, "lead-" + i, "h" + i, 1, 10, 1_000 + i));
        }
        Claim first = queue().claim(Q, "alice", LEASE, 2).orElseThrow();
        queue().claim(Q, "alice", LEASE, 2).orElseThrow();
        assertThatThrownBy(() -> queue().claim(Q, "alice", LEASE, 2)).isInstanceOf(HoldLimitReached.class)
                .hasMessageContaining("at most 2");
        assertThat(queue().claim(Q, "bob", LEASE, 2)).isPresent();
        queue().accept(Q, first.leadId(), first.leaseToken());
        assertThat(queue().held(Q, "alice")).isEqualTo(1);
        assertThat(queue().claim(Q, "alice", LEASE, 2)).isPresent();
    }

    @Test
    void notesAreRetriedThenDropped() {
        enqueueOverdue("lead-1", 10, 2_000);
        queue().escalate(Q, "lead-1", "h-lead-1", 1, 0, null, "{\"leadId\":\"lead-1\"}", "n1");
        Escalations.Note note = queue().takeNotes(Q, 10, Duration.ofMinutes(1)).get(0);
        assertThat(queue().takeNotes(Q, 10, Duration.ofMinutes(1))).as("hidden while being sent").isEmpty();
        assertThat(queue().noteDone(Q, note.noteId(), false, Duration.ZERO, 2)).isEqualTo(Escalations.Delivery.RETRY);
        Escalations.Note again = queue().takeNotes(Q, 10, Duration.ofMinutes(1)).get(0);
        assertThat(again.attempts()).isEqualTo(1);
        assertThat(queue().noteDone(Q, again.noteId(), false, Duration.ZERO, 2)).isEqualTo(Escalations.Delivery.DROPPED);
        assertThat(queue().takeNotes(Q, 10, Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void erasureTakesTheTargetsNotesAndForwardingToo() {
        enqueueOverdue("lead-x", 10, 2_000, 3_000);
        queue().escalate(Q, "lead-x", "h-lead-x", 1, 5, null, "{\"leadId\":\"lead-x\",\"text\":\"late\"}", "n1");
        queue().escalate(Q, "lead-x", "h-lead-x", 2, 0, OVERFLOW, "{\"leadId\":\"lead-x\"}", "n2");
        enqueueOverdue("lead-y", 10, 2_000);
        queue().claim(Q, "alice", LEASE, 3);

        assertThat(RedisMentions.of(REDIS.client(), "lead-x")).isNotEmpty();
        assertThat(queue().queues()).doesNotContain(OVERFLOW);
        assertThat(queue().erase("lead-x")).containsExactly(Q, OVERFLOW);

        assertThat(RedisMentions.of(REDIS.client(), "lead-x")).isEmpty();
        assertThat(queue().held(Q, "alice")).isEqualTo(1);
    }
}
