package dev.leadflow.job.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.leadflow.job.account.Colleague;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.scoring.Reason;
import dev.leadflow.scoring.StoryEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The lead JSON that sellers see (DESIGN.md, "Seller API"): built once per queue write and stored
 * as the queue entry's payload, so the API serves it without recomputing anything.
 *
 * <p>Written with a streaming generator straight into a reused buffer (no tree of nodes per
 * lead): the queue sink builds one per handoff action, which made the tree version one of the
 * sink's largest costs.
 */
public final class LeadPayloads {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ThreadLocal<StringBuilderWriter> BUFFER = ThreadLocal.withInitial(StringBuilderWriter::new);

    private LeadPayloads() {}

    public static String toJson(HandoffCommand c) {
        StringBuilderWriter out = BUFFER.get();
        out.reset();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("leadId", c.leadId);
            g.writeStringField("handoffId", c.handoffId);
            g.writeStringField("queue", c.queue);
            g.writeNumberField("priority", c.priority);
            g.writeNumberField("readiness", c.readiness);
            g.writeNumberField("fit", c.fit);
            g.writeNumberField("engagement", c.engagement);
            g.writeStringField("grade", c.grade);
            g.writeObjectFieldStart("account");
            g.writeStringField("domain", c.accountDomain);
            g.writeNumberField("engagedLeads", c.engagedLeads);
            g.writeArrayFieldStart("people");
            for (Colleague p : c.people) {
                g.writeStartObject();
                g.writeStringField("name", p.name);
                g.writeStringField("title", p.title);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeArrayFieldStart("reasons");
            for (Reason r : c.reasons) {
                g.writeStartObject();
                g.writeStringField("signal", r.signal);
                g.writeNumberField("points", r.points);
                g.writeStringField("detail", r.detail);
                g.writeStringField("lastSeen", Instant.ofEpochMilli(r.lastSeen).toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("story");
            for (StoryEntry e : c.story) {
                g.writeStartObject();
                g.writeStringField("at", Instant.ofEpochMilli(e.at).toString());
                g.writeStringField("source", e.source);
                g.writeStringField("what", e.what);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("enqueuedAt", Instant.ofEpochMilli(c.enqueuedAt).toString());
            g.writeStringField("modelVersion", c.modelVersion);
            g.writeStringField("name", c.name);
            g.writeStringField("title", c.title);
            g.writeStringField("company", c.company);
            g.writeStringField("email", c.email);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write lead JSON", e);
        }
        return out.toString();
    }

    /** A Writer over a reused StringBuilder (java.io.StringWriter synchronizes every call). */
    private static final class StringBuilderWriter extends java.io.Writer {
        private final StringBuilder sb = new StringBuilder(1024);

        void reset() {
            sb.setLength(0);
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            sb.append(cbuf, off, len);
        }

        @Override
        public void write(String str, int off, int len) {
            sb.append(str, off, off + len);
        }

        @Override
        public void write(int c) {
            sb.append((char) c);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
