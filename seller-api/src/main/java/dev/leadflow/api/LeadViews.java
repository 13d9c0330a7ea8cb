package dev.leadflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * The lead JSON of DESIGN.md as sellers see it. The job stores it as the queue payload; the fields that
 * Redis keeps authoritatively (id, handoff, queue, priority, enqueue time) are taken from Redis, so a
 * view is right even if a payload were stale or unreadable. Contact fields are only for the seller
 * holding the claim.
 */
final class LeadViews {

    /** Shown only to the claimant: they identify a person. */
    static final List<String> CONTACT_FIELDS = List.of("email", "name");

    private static final ObjectMapper JSON = new ObjectMapper();

    private LeadViews() {
    }

    /** Everything, for the seller holding the claim. */
    static ObjectNode withContact(String queue, String leadId, String handoffId, double priority, long enqueuedAt,
                                  String payload) {
        ObjectNode lead = parse(payload);
        lead.put("leadId", leadId);
        lead.put("handoffId", handoffId);
        lead.put("queue", queue);
        lead.put("priority", priority);
        lead.put("enqueuedAt", Instant.ofEpochMilli(enqueuedAt).toString());
        return lead;
    }

    /**
     * Company, title, scores, reasons and story, without who the person is: no name or email of the lead, and
     * the account's other engaged people by title only.
     */
    static ObjectNode withoutContact(String queue, String leadId, String handoffId, double priority, long enqueuedAt,
                                     String payload) {
        ObjectNode lead = withContact(queue, leadId, handoffId, priority, enqueuedAt, payload);
        lead.remove(CONTACT_FIELDS);
        for (JsonNode person : lead.path("account").path("people")) {
            if (person instanceof ObjectNode p) {
                p.remove(CONTACT_FIELDS);
            }
        }
        return lead;
    }

    /**
     * Adds the lead's response target: {@code targetAt} (ISO instant), {@code targetKind} and
     * {@code escalations} (steps taken since it passed the target); nothing when it has no target.
     */
    static ObjectNode withTarget(ObjectNode view, dev.leadflow.queue.QueuedLead lead) {
        if (lead.targetAt() > 0) {
            view.put("targetAt", Instant.ofEpochMilli(lead.targetAt()).toString());
            view.put("targetKind", lead.kind());
            view.put("escalations", lead.escalations());
        }
        return view;
    }

    /** The account's domain from a payload, for the SalesActivity's {@code account_domain}; null if none. */
    static String accountDomain(String payload) {
        JsonNode domain = parse(payload).path("account").path("domain");
        return domain.isTextual() && !domain.asText().isBlank() ? domain.asText() : null;
    }

    private static ObjectNode parse(String payload) {
        if (payload != null) {
            try {
                JsonNode node = JSON.readTree(payload);
                if (node != null && node.isObject()) {
                    return (ObjectNode) node;
                }
            } catch (JsonProcessingException e) {
                // fall through: the Redis fields alone still make a usable view
            }
        }
        return JSON.createObjectNode();
    }
}
