package dev.leadflow.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.scoring.Reason;
import java.time.Instant;

/**
 * The lead JSON that sellers see (DESIGN.md, "Seller API"): built once per queue write and stored
 * as the queue entry's payload, so the API serves it without recomputing anything.
 */
public final class LeadPayloads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LeadPayloads() {}

    public static String toJson(HandoffCommand c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("leadId", c.leadId);
        n.put("handoffId", c.handoffId);
        n.put("queue", c.queue);
        n.put("priority", c.priority);
        n.put("readiness", c.readiness);
        n.put("fit", c.fit);
        n.put("engagement", c.engagement);
        n.put("grade", c.grade);
        ObjectNode account = n.putObject("account");
        account.put("domain", c.accountDomain);
        account.put("engagedLeads", c.engagedLeads);
        ArrayNode reasons = n.putArray("reasons");
        for (Reason r : c.reasons) {
            ObjectNode rn = reasons.addObject();
            rn.put("signal", r.signal);
            rn.put("points", r.points);
            rn.put("detail", r.detail);
            rn.put("lastSeen", Instant.ofEpochMilli(r.lastSeen).toString());
        }
        n.put("enqueuedAt", Instant.ofEpochMilli(c.enqueuedAt).toString());
        n.put("modelVersion", c.modelVersion);
        n.put("name", c.name);
        n.put("title", c.title);
        n.put("company", c.company);
        n.put("email", c.email);
        try {
            return JSON.writeValueAsString(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write lead JSON", e);
        }
    }
}
