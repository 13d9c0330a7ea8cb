package dev.leadflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueueChange;
import java.time.Instant;
import java.util.Locale;

/**
 * Turns change-stream entries into server-sent events: the event name is the change type
 * ({@code enqueue}, {@code update}, {@code withdraw}, {@code claim}, {@code accept}, {@code reject},
 * {@code release}, {@code expire}, {@code erase}), the id is the stream id (what {@code Last-Event-ID} resumes from), and
 * the data is JSON. When a change leaves a lead ready (enqueue, update, release, expire) the data carries
 * the lead as listings show it, without contact fields, so a live view needs no extra request. An
 * {@code erase} event names no lead (its id must not outlive the erasure): a live view reloads the queue.
 */
final class ChangeEvents {

    /** One event, serialized once and sent to every subscriber of the queue. */
    record Event(String id, String name, String data) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChangeEvents() {
    }

    static Event of(HandoffQueue queue, String queueName, QueueChange change) {
        ObjectNode data = JSON.createObjectNode();
        data.put("id", change.id());
        data.put("type", change.type().name().toLowerCase(Locale.ROOT));
        data.put("queue", queueName);
        data.put("at", Instant.ofEpochMilli(change.at()).toString());
        if (change.type() == QueueChange.Type.ERASE) {
            return new Event(change.id(), "erase", write(data));
        }
        data.put("leadId", change.leadId());
        data.put("version", change.version());
        data.put("priority", change.priority());
        if (change.claimant() != null) {
            data.put("claimant", change.claimant());
        }
        if (change.reason() != null) {
            data.put("reason", change.reason());
        }
        if (leavesLeadReady(change.type())) {
            // the lead as it is now; if it has moved on since, the change that moved it follows
            queue.get(queueName, change.leadId()).filter(lead -> !lead.claimed()).ifPresent(lead -> data.set("lead",
                    LeadViews.withTarget(LeadViews.withoutContact(queueName, lead.leadId(), lead.handoffId(),
                            lead.priority(), lead.enqueuedAt(), lead.payload()), lead)));
        }
        return new Event(change.id(), data.get("type").asText(), write(data));
    }

    /** Sent when a resumed stream cannot be replayed: the client should reload the queue. */
    static Event reset(String queueName, String lastId) {
        ObjectNode data = JSON.createObjectNode();
        data.put("queue", queueName);
        data.put("reason", "changes since the given Last-Event-ID are no longer all kept: reload the queue");
        return new Event(lastId, "reset", write(data));
    }

    /** The first event of every stream: from here on, every change is sent. */
    static Event ready(String queueName, String lastId) {
        ObjectNode data = JSON.createObjectNode();
        data.put("queue", queueName);
        return new Event(lastId, "ready", write(data));
    }

    private static boolean leavesLeadReady(QueueChange.Type type) {
        return switch (type) {
            case ENQUEUE, UPDATE, RELEASE, EXPIRE, TARGET, ESCALATE -> true;
            default -> false;
        };
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event", e);
        }
    }
}
