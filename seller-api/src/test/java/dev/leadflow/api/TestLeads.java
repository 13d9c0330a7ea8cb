package dev.leadflow.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueueAction;
import java.time.Instant;

/** Puts leads into a queue the way the job does, with the payload fields of the job's LeadPayloads. */
final class TestLeads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestLeads() {
    }

    static void enqueue(HandoffQueue queue, String q, String leadId, double priority) {
        enqueue(queue, q, leadId, priority, System.currentTimeMillis());
    }

    static void enqueue(HandoffQueue queue, String q, String leadId, double priority, long enqueuedAt) {
        queue.apply(QueueAction.enqueue(q, leadId, leadId + "-1", 1, priority, payload(q, leadId, priority, enqueuedAt),
                enqueuedAt));
    }

    static String email(String leadId) {
        return leadId + "@acme.example";
    }

    /** The name of the lead's engaged colleague in its payload: for the claimant only. */
    static String colleague(String leadId) {
        return "Colleague of " + leadId;
    }

    static String payload(String q, String leadId, double priority, long enqueuedAt) {
        ObjectNode n = JSON.createObjectNode();
        n.put("leadId", leadId);
        n.put("handoffId", leadId + "-1");
        n.put("queue", q);
        n.put("priority", priority);
        n.put("readiness", 72.5);
        n.put("fit", 30);
        n.put("engagement", 42.5);
        n.put("grade", "A1");
        ObjectNode account = n.putObject("account");
        account.put("domain", "acme.example");
        account.put("engagedLeads", 2);
        ObjectNode person = account.putArray("people").addObject();
        person.put("name", colleague(leadId));
        person.put("title", "CTO");
        ObjectNode reason = n.putArray("reasons").addObject();
        reason.put("signal", "page:pricing");
        reason.put("points", 24);
        reason.put("detail", "Viewed pricing 3 times in the last 24 h, +24");
        reason.put("lastSeen", Instant.ofEpochMilli(enqueuedAt).toString());
        var story = n.putArray("story");
        story(story.addObject(), enqueuedAt - 60_000, "web", "Viewed pricing");
        story(story.addObject(), enqueuedAt - 3_600_000, "sales", "Call by s17 — no answer");
        story(story.addObject(), enqueuedAt - 86_400_000, "campaign", "Attended webinar 'Q3 launch'");
        n.put("enqueuedAt", Instant.ofEpochMilli(enqueuedAt).toString());
        n.put("modelVersion", "test-1");
        n.put("name", "Person " + leadId);
        n.put("title", "VP Engineering");
        n.put("company", "Acme " + leadId);
        n.put("email", email(leadId));
        return n.toString();
    }

    private static void story(ObjectNode entry, long at, String source, String what) {
        entry.put("at", Instant.ofEpochMilli(at).toString());
        entry.put("source", source);
        entry.put("what", what);
    }
}
