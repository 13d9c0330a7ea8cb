package dev.leadflow.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.queue.Claim;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.HoldLimitReached;
import dev.leadflow.queue.LeaseCheck;
import dev.leadflow.queue.LeaseToken;
import dev.leadflow.queue.Outcome;
import dev.leadflow.queue.QueueKeys;
import dev.leadflow.queue.QueuedLead;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What sellers and ops may do with the queues, independent of HTTP: every method checks the user's
 * rights first (403), then that the queue or lead exists (404).
 *
 * <p><b>Order of accept and reject.</b> The outcome must reach both Kafka (so the scoring job learns it)
 * and Redis (so the lead leaves the queue), and neither write can be undone. So: (1) the lease is checked
 * read-only in Redis: valid, held by the caller, and with at least {@link #settleMargin} left; (2) the
 * {@code SalesActivity} is published and acknowledged by Kafka ({@code acks=all}); (3) the lead is settled
 * in Redis. A failure after (2) leaves the lead claimed: the seller's retry passes (1) again and publishes
 * the same {@code event_id} (it is derived from the lease), which the job counts once, then settles. If the
 * service dies after (2), the job still learns the outcome and withdraws the lead itself. Nothing a seller
 * was told succeeded can be lost, and no outcome is published for a lease that was not valid.
 */
final class HandoffService {

    private static final Logger LOG = LoggerFactory.getLogger(HandoffService.class);
    private static final int MAX_NOTE = 500;

    private final HandoffQueue queue;
    private final KnownQueues known;
    private final FeedbackPublisher publisher;
    private final ApiMetrics metrics;
    private final Duration lease;
    private final Duration settleMargin;
    private final QueuePolicies policies;
    private final ResponseTargets targets;

    HandoffService(HandoffQueue queue, KnownQueues known, FeedbackPublisher publisher, ApiMetrics metrics,
                   Duration lease, QueuePolicies policies, ResponseTargets targets) {
        this.queue = queue;
        this.policies = policies;
        this.targets = targets;
        this.known = known;
        this.publisher = publisher;
        this.metrics = metrics;
        this.lease = lease;
        // a publish takes at most PUBLISH_TIMEOUT; short test leases keep three quarters of their time usable
        Duration quarter = lease.dividedBy(4);
        this.settleMargin = quarter.compareTo(FeedbackPublisher.PUBLISH_TIMEOUT) < 0
                ? quarter : FeedbackPublisher.PUBLISH_TIMEOUT;
    }

    /** The queues the user may see, with their depth, claimed count and oldest wait. */
    List<ObjectNode> queues(User user) {
        TreeSet<String> names = new TreeSet<>(user.namedQueues());
        known.refresh().stream().filter(user::maySee).forEach(names::add);
        List<ObjectNode> result = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (String name : names) {
            ObjectNode q = JsonNodeFactory.instance.objectNode();
            q.put("name", name);
            q.put("depth", queue.depth(name));
            q.put("claimed", queue.claimedCount(name));
            Optional<Long> oldest = queue.oldestEnqueuedAt(name);
            if (oldest.isPresent()) {
                q.put("oldestWaitSeconds", Math.max(0, now - oldest.get()) / 1000);
            } else {
                q.putNull("oldestWaitSeconds");
            }
            q.put("canClaim", user.mayWork(name));
            q.put("mode", policies.of(name).assignment() == null ? "pull" : "assign");
            result.add(q);
        }
        return result;
    }

    /** Ready leads, best first, without contact fields. */
    List<ObjectNode> ready(User user, String queueName, int limit) {
        String q = visibleQueue(user, queueName);
        return queue.peek(q, limit).stream().map(lead -> LeadViews.withTarget(LeadViews.withoutContact(q, lead.leadId(),
                lead.handoffId(), lead.priority(), lead.enqueuedAt(), lead.payload()), lead)).toList();
    }

    /** One lead in the queue; contact fields only for the seller holding its claim. */
    ObjectNode lead(User user, String queueName, String leadId) {
        String q = visibleQueue(user, queueName);
        QueuedLead lead = queue.get(q, leadId)
                .orElseThrow(() -> ApiException.notFound("lead " + leadId + " is not in queue " + q));
        boolean yours = user.id().equals(lead.claimedBy()) && user.mayWork(q);
        ObjectNode view = yours
                ? LeadViews.withContact(q, lead.leadId(), lead.handoffId(), lead.priority(), lead.enqueuedAt(), lead.payload())
                : LeadViews.withoutContact(q, lead.leadId(), lead.handoffId(), lead.priority(), lead.enqueuedAt(),
                lead.payload());
        view.put("status", yours ? "yours" : lead.claimed() ? "claimed" : "ready");
        return LeadViews.withTarget(view, lead);
    }

    /** The best ready lead under a new lease, or empty when the queue has none ready. */
    Optional<ObjectNode> claim(User user, String queueName) {
        String q = workableQueue(user, queueName);
        refuseInAssignmentMode(q);
        Optional<Claim> claim;
        try {
            claim = queue.claim(q, user.id(), lease, policies.of(q).maxHeld());
        } catch (HoldLimitReached e) {
            throw ApiException.conflict("too_many_claims", e.getMessage());
        }
        claim.ifPresent(c -> metrics.claimed(q, c.leaseExpiresAt() - lease.toMillis() - c.enqueuedAt()));
        claim.ifPresent(c -> targets.claimed(q, c, c.claimedAt(lease.toMillis())));
        return claim.map(c -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.set("lead", LeadViews.withContact(q, c.leadId(), c.handoffId(), c.priority(), c.enqueuedAt(), c.payload()));
            body.put("leaseToken", c.leaseToken());
            body.put("leaseExpiresAt", Instant.ofEpochMilli(c.leaseExpiresAt()).toString());
            return body;
        });
    }

    private void refuseInAssignmentMode(String q) {
        if (policies.of(q).assignment() != null) {
            throw ApiException.conflict("assignment_mode", "queue " + q + " assigns its leads: mark yourself available"
                    + " and take the lead offered to you");
        }
    }

    /** Assignment mode: the seller takes offered leads for a while (the page renews it), or no longer. */
    ObjectNode availability(User user, String queueName, JsonBody body) {
        String q = workableQueue(user, queueName);
        QueuePolicies.Assignment assignment = policies.of(q).assignment();
        if (assignment == null) {
            throw ApiException.conflict("pull_mode", "queue " + q + " does not assign leads: claim them");
        }
        boolean available = body.requiredBoolean("available");
        long until = available ? System.currentTimeMillis() + assignment.availableFor().toMillis() : 0;
        queue.setAvailable(q, user.id(), until);
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("queue", q);
        result.put("available", available);
        if (available) {
            result.put("until", Instant.ofEpochMilli(until).toString());
        }
        return result;
    }

    /** The lead offered to the seller now (without contact fields until taken). */
    Optional<ObjectNode> offer(User user, String queueName) {
        String q = workableQueue(user, queueName);
        return queue.offerOf(q, user.id()).flatMap(offer -> queue.get(q, offer.leadId()).map(lead -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.set("lead", LeadViews.withTarget(LeadViews.withoutContact(q, lead.leadId(), lead.handoffId(),
                    lead.priority(), lead.enqueuedAt(), lead.payload()), lead));
            body.put("leaseToken", offer.leaseToken());
            body.put("offerExpiresAt", Instant.ofEpochMilli(offer.offerExpiresAt()).toString());
            return body;
        }));
    }

    /** Takes the lead offered to the seller: a claim like a pulled one. */
    ObjectNode take(User user, String leadId, JsonBody body) {
        String token = body.requiredText("leaseToken", 512);
        String q = ownLease(user, leadId, token, "offered to").queue();
        HandoffQueue.Taken taken = queue.take(q, leadId, token, lease);
        refuseUnlessValid(taken.outcome(), q, leadId);
        Claim c = taken.claim();
        metrics.claimed(q, c.leaseExpiresAt() - lease.toMillis() - c.enqueuedAt());
        targets.claimed(q, c, c.claimedAt(lease.toMillis()));
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set("lead", LeadViews.withContact(q, c.leadId(), c.handoffId(), c.priority(), c.enqueuedAt(), c.payload()));
        result.put("leaseToken", c.leaseToken());
        result.put("leaseExpiresAt", Instant.ofEpochMilli(c.leaseExpiresAt()).toString());
        return result;
    }

    ObjectNode accept(User user, String leadId, JsonBody body) {
        return settle(user, leadId, body, SettleOp.ACCEPT, null);
    }

    ObjectNode reject(User user, String leadId, JsonBody body) {
        String code = body.requiredText("reason", 64);
        RejectReason reason = RejectReason.byCode(code).orElseThrow(() -> ApiException.invalidField("reason",
                "must be one of " + RejectReason.codes() + ", was \"" + code + "\""));
        String note = body.optionalText("note", MAX_NOTE).orElse(null);
        if (reason.requiresNote() && note == null) {
            throw ApiException.invalidField("note", "required when the reason is \"other\"");
        }
        return settle(user, leadId, body, SettleOp.REJECT, reason.describe(note));
    }

    ObjectNode release(User user, String leadId, JsonBody body) {
        return settle(user, leadId, body, SettleOp.RELEASE, null);
    }

    /** The queue of a lease and its check: valid and the caller's, else 403/404/409. */
    private record OwnLease(String queue, LeaseCheck check) {
    }

    private OwnLease ownLease(User user, String leadId, String token, String heldAs) {
        String q = workableQueue(user, LeaseToken.queueOf(token)
                .orElseThrow(() -> ApiException.invalidField("leaseToken", "is not a lease token")));
        LeaseCheck check = queue.checkLease(q, leadId, token);
        refuseUnlessValid(check.outcome(), q, leadId);
        if (!user.id().equals(check.claimant())) {
            throw ApiException.conflict("foreign_lease", "lead " + leadId + " is " + heldAs + " someone else");
        }
        return new OwnLease(q, check);
    }

    private ObjectNode settle(User user, String leadId, JsonBody body, SettleOp op, String reason) {
        String token = body.requiredText("leaseToken", 512);
        OwnLease own = ownLease(user, leadId, token, "claimed by");
        String q = own.queue();
        LeaseCheck check = own.check();
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        if (op.activity != null) {
            if (check.remainingMillis() < settleMargin.toMillis()) {
                throw ApiException.conflict("lease_ending", "your lease on lead " + leadId + " ends in under "
                        + settleMargin.toSeconds() + " s, too soon to record the outcome safely: release it and claim again");
            }
            String domain = queue.get(q, leadId).map(l -> LeadViews.accountDomain(l.payload())).orElse(null);
            String eventId = op.eventId(token);
            publisher.publish(eventId, leadId, domain, user.id(), op.activity, reason);
            result.put("eventId", eventId);
        }
        Outcome outcome = op.apply(queue, q, leadId, token, reason);
        if (outcome != Outcome.OK) {
            // only a lapse or a withdrawal in the moment since the check gets here; the published outcome
            // stands and the job will take the lead out of the queue
            LOG.warn("{} of lead {} in {} was published but the queue answered {}", op.past, leadId, q, outcome);
            throw ApiException.conflict("lease_lost", "the lease on lead " + leadId + " ended while the outcome was"
                    + " being recorded (" + outcome + "); the outcome was recorded");
        }
        metrics.settled(q, op.past);
        result.put("leadId", leadId);
        result.put("queue", q);
        result.put("outcome", op.past);
        return result;
    }

    private void refuseUnlessValid(Outcome outcome, String q, String leadId) {
        switch (outcome) {
            case OK -> {
            }
            case WRONG_TOKEN -> throw ApiException.conflict("foreign_lease",
                    "lead " + leadId + " is held under another lease");
            case EXPIRED -> throw ApiException.conflict("lease_expired",
                    "your lease on lead " + leadId + " expired and the lead went back to the queue: claim again");
            case NOT_CLAIMED -> {
                if (queue.get(q, leadId).isEmpty()) {
                    throw ApiException.notFound("lead " + leadId + " is not in queue " + q);
                }
                throw ApiException.conflict("stale_lease", "lead " + leadId + " is not claimed under this lease");
            }
        }
    }

    /** A queue the user may list and follow; 403 before 404, so names of other teams' queues do not leak. */
    String visibleQueue(User user, String name) {
        if (!user.maySee(name)) {
            throw ApiException.forbidden("you may not see queue " + name);
        }
        requireExists(user, name);
        return name;
    }

    /** A queue the user may claim from and settle in. */
    String workableQueue(User user, String name) {
        if (!user.mayWork(name)) {
            throw ApiException.forbidden(user.role() == Role.OPS
                    ? "ops users read queues but do not claim leads" : "you may not work queue " + name);
        }
        requireExists(user, name);
        return name;
    }

    private void requireExists(User user, String name) {
        try {
            QueueKeys.of(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("no queue named " + name);
        }
        if (!user.namedQueues().contains(name) && !known.contains(name)) {
            throw ApiException.notFound("no queue named " + name);
        }
    }

    /** The three ways a claimant settles a lease. */
    private enum SettleOp {
        ACCEPT("accepted", SalesActivityType.HANDOFF_ACCEPTED),
        REJECT("rejected", SalesActivityType.HANDOFF_REJECTED),
        RELEASE("released", null);

        final String past;
        final SalesActivityType activity;

        SettleOp(String past, SalesActivityType activity) {
            this.past = past;
            this.activity = activity;
        }

        Outcome apply(HandoffQueue queue, String q, String leadId, String token, String reason) {
            return switch (this) {
                case ACCEPT -> queue.accept(q, leadId, token);
                case REJECT -> queue.reject(q, leadId, token, reason);
                case RELEASE -> queue.release(q, leadId, token);
            };
        }

        /**
         * The same for every attempt to settle one lease this way, so a retried publish is a duplicate the
         * job drops. Derived from a hash: the token itself is a secret and must not travel on the topic.
         */
        String eventId(String token) {
            return "seller-api-" + past + "-" + Users.hash(token).substring(0, 32);
        }
    }
}
