package dev.leadflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.queue.Claim;
import dev.leadflow.queue.Escalations;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueuedLead;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Response targets and escalation (docs/speed-to-lead.md). On every tick, for each queue with targets:
 * leads that entered or changed get their deadlines (their kind read from the payload's reasons, the
 * deadlines counted on the queue's clock), then leads past a deadline unclaimed take the queue's next
 * escalation step. Every decision that must happen once is one script in Redis, so any number of API
 * instances may run this side by side and restart at any time: a step is taken by exactly one of them.
 */
final class ResponseTargets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseTargets.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 200;
    /** A move to an overflow queue not confirmed after this long is finished by whoever sees it. */
    private static final Duration STALLED_MOVE = Duration.ofSeconds(10);

    private final HandoffQueue queue;
    private final KnownQueues known;
    private final QueuePolicies policies;
    private final ApiMetrics metrics;
    private final Set<String> enabled = new HashSet<>();
    private final Ticker timer = new Ticker("response-targets", Duration.ofSeconds(10));

    ResponseTargets(HandoffQueue queue, KnownQueues known, QueuePolicies policies, ApiMetrics metrics) {
        this.queue = queue;
        this.known = known;
        this.policies = policies;
        this.metrics = metrics;
    }

    void start() {
        timer.start(this::tick, policies.interval());
    }

    /** The queues this instance keeps targets for: named ones with targets, and known ones if the default has. */
    Set<String> queuesWithTargets() {
        Set<String> names = new TreeSet<>();
        policies.byQueue().forEach((name, p) -> {
            if (p.hasTargets()) {
                names.add(name);
            }
        });
        if (policies.fallback().hasTargets()) {
            // a queue the defaults overflow into does not take the defaults' targets: it would overflow into itself
            Set<String> overflows = new HashSet<>();
            policies.fallback().steps().forEach(s -> overflows.add(s.overflowTo()));
            known.snapshot().stream().filter(q -> !policies.byQueue().containsKey(q) && !overflows.contains(q))
                    .forEach(names::add);
        }
        return names;
    }

    void tick() {
        assign();
        for (String q : queuesWithTargets()) {
            if (timer.stopping()) {
                return;
            }
            try {
                if (enabled.add(q)) {
                    queue.enableTargets(q);
                }
                QueuePolicies.Policy policy = policies.of(q);
                schedule(q, policy);
                escalate(q, policy);
                queue.completeMoves(q, STALLED_MOVE);
            } catch (RuntimeException e) {
                // Redis away: the next tick tries again; the state of every step is in Redis
                LOG.warn("response targets of queue {}: {}", q, e.toString());
            }
        }
    }

    /** Assignment mode: offer ready leads to available sellers while there are both. */
    private void assign() {
        policies.byQueue().forEach((q, policy) -> {
            if (policy.assignment() == null || timer.stopping()) {
                return;
            }
            try {
                for (int i = 0; i < BATCH && queue.assign(q, policy.assignment().acceptWithin(), policy.maxHeld())
                        .isPresent(); i++) {
                    // each offer is one script: no seller gets two at once beyond maxHeld, none is skipped
                }
            } catch (RuntimeException e) {
                LOG.warn("assignments of queue {}: {}", q, e.toString());
            }
        });
    }

    private void schedule(String q, QueuePolicies.Policy policy) {
        for (Escalations.Fresh fresh : queue.fresh(q, BATCH)) {
            Optional<QueuedLead> lead = queue.get(q, fresh.leadId());
            String handoff = lead.map(QueuedLead::handoffId).orElse("");
            QueuePolicies.Kind kind = lead.map(l -> policy.kindOf(signals(l.payload()))).orElse(null);
            if (kind == null) {
                // gone, or of no kind with a target: nothing to schedule
                queue.dropFresh(q, fresh.leadId());
                continue;
            }
            String noteId = null;
            String note = null;
            if (kind.notifyOnEnqueue() && policy.webhook() != null) {
                noteId = UUID.randomUUID().toString();
                note = note("lead.enqueued", noteId, q, lead.get(), kind.name(), 0,
                        policy.deadlines(kind, fresh.since()).get(0), null,
                        "New " + kind.name() + " in queue " + q + ": " + who(lead.get()) + ", to be claimed within "
                                + readable(kind.target()));
            }
            queue.schedule(q, fresh.leadId(), handoff, kind.name(), policy.deadlines(kind, fresh.since()), fresh.since(),
                    note, noteId);
        }
    }

    private void escalate(String q, QueuePolicies.Policy policy) {
        List<QueuePolicies.Step> steps = policy.breachAndSteps();
        for (Escalations.Due due : queue.due(q, BATCH)) {
            int number = due.stepsDone() + 1;
            // a step the settings no longer have (they changed since the lead was scheduled) is passed over
            QueuePolicies.Step step = number <= steps.size() ? steps.get(number - 1)
                    : new QueuePolicies.Step(java.time.Duration.ZERO, 0, null, false);
            String noteId = null;
            String note = null;
            if (step.notifies() && policy.webhook() != null) {
                Optional<QueuedLead> lead = queue.get(q, due.leadId());
                if (lead.isEmpty()) {
                    // it left this moment: the step script will find it gone and drop its deadline
                    queue.escalate(q, due.leadId(), due.handoffId(), number, 0, null, null, null);
                    continue;
                }
                noteId = UUID.randomUUID().toString();
                String what = number == 1 ? "passed its response target" : "is still unclaimed (step " + number + ")";
                note = note(number == 1 ? "lead.breached" : "lead.escalated", noteId, q, lead.get(), due.kind(), number,
                        lead.get().targetAt(), step.overflowTo(), "A " + (due.kind() == null ? "lead" : due.kind())
                                + " in queue " + q + " " + what + ": " + who(lead.get())
                                + (step.overflowTo() == null ? "" : "; now in queue " + step.overflowTo())
                                + (step.raisePriority() > 0 ? "; priority +" + fmt(step.raisePriority()) : ""));
            }
            Escalations.Step taken = queue.escalate(q, due.leadId(), due.handoffId(), number, step.raisePriority(),
                    step.overflowTo(), note, noteId);
            if (taken.taken()) {
                metrics.escalated(q, number);
                if (number == 1) {
                    metrics.breached(q, due.kind());
                }
                LOG.info("lead {} in queue {}: escalation step {} taken{}", due.leadId(), q, number,
                        taken.movedTo() == null ? "" : ", moved to " + taken.movedTo());
            }
        }
    }

    /** Time to claim against the target, for a claim of a lead that had one. */
    void claimed(String q, Claim claim, long claimedAt) {
        if (claim.targetAt() <= 0) {
            return;
        }
        QueuePolicies.Policy policy = policies.of(q);
        Instant enqueued = Instant.ofEpochMilli(claim.enqueuedAt());
        double target = policy.clock().between(enqueued, Instant.ofEpochMilli(claim.targetAt())).toMillis();
        double waited = policy.clock().between(enqueued, Instant.ofEpochMilli(claimedAt)).toMillis();
        double ratio = target <= 0 ? (waited <= 0 ? 0 : Double.POSITIVE_INFINITY) : waited / target;
        if (claimedAt > claim.targetAt()) {
            ratio = Math.max(ratio, 1.0001);
        }
        metrics.claimedAgainstTarget(q, claim.kind(), ratio);
    }

    /** The {@code signal} of each of the payload's {@code reasons}. */
    static Set<String> signals(String payload) {
        Set<String> signals = new HashSet<>();
        try {
            JsonNode node = JSON.readTree(payload == null ? "{}" : payload);
            node.path("reasons").forEach(r -> {
                if (r.path("signal").isTextual()) {
                    signals.add(r.path("signal").asText());
                }
            });
        } catch (java.io.IOException e) {
            // an unreadable payload has no signals: it is of the catch-all kind, if any
        }
        return signals;
    }

    /** The notification as stored and sent: no contact fields (a webhook's channel is wider than the claimant). */
    private static String note(String event, String noteId, String q, QueuedLead lead, String kind, int step,
                               long targetAt, String movedTo, String text) {
        ObjectNode n = JSON.createObjectNode();
        n.put("event", event);
        n.put("deliveryId", noteId);
        n.put("queue", q);
        n.put("leadId", lead.leadId());
        n.put("handoffId", lead.handoffId());
        n.put("kind", kind);
        n.put("step", step);
        if (targetAt > 0) {
            n.put("targetAt", Instant.ofEpochMilli(targetAt).toString());
        }
        n.put("enqueuedAt", Instant.ofEpochMilli(lead.enqueuedAt()).toString());
        n.put("priority", lead.priority());
        if (movedTo != null) {
            n.put("movedTo", movedTo);
        }
        ObjectNode view = LeadViews.withoutContact(q, lead.leadId(), lead.handoffId(), lead.priority(),
                lead.enqueuedAt(), lead.payload());
        for (String field : List.of("company", "title", "grade")) {
            if (view.path(field).isTextual()) {
                n.put(field, view.get(field).asText());
            }
        }
        n.put("text", text);
        return n.toString();
    }

    private static String who(QueuedLead lead) {
        ObjectNode view = LeadViews.withoutContact("", lead.leadId(), lead.handoffId(), 0, 0, lead.payload());
        String company = view.path("company").asText("");
        String title = view.path("title").asText("");
        String who = (title.isEmpty() ? "" : title + " at ") + (company.isEmpty() ? "an unknown company" : company);
        return who + " (lead " + lead.leadId() + ", grade " + view.path("grade").asText("–") + ")";
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** Lets a running tick finish: its steps are atomic each, but it should not meet a closed pool. */
    @Override
    public void close() {
        timer.close();
    }

    /** Short and readable: {@code 5 min}, {@code 1 h}, {@code 1 h 30 min}, {@code 45 s}. */
    private static String readable(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        long m = s / 60;
        if (m < 60) {
            return m + " min";
        }
        return (m / 60) + " h" + (m % 60 == 0 ? "" : " " + (m % 60) + " min");
    }
}
