package dev.leadflow.job.control;

/**
 * A message to every parallel instance of the job's stateful operators, from the control topics:
 * a scoring model document ({@code leadflow.scoring-model}), an erasure request
 * ({@code leadflow.privacy}) or an operator command ({@code leadflow.control}). A Flink POJO.
 */
public class Control {

    /** What the message asks for. */
    public enum Kind {
        /** Replace the scoring model with {@link #text}, a validated YAML document. */
        MODEL,
        /** Erase everything held about {@link #leadId}. */
        ERASE,
        /** Write every open handoff held in state to the queue again (Redis lost data). */
        REBUILD_QUEUE
    }

    public Kind kind;
    /** The request's event id, or the model's version. */
    public String id;
    /** MODEL: the document. */
    public String text;
    /** ERASE: the lead. */
    public String leadId;
    /** ERASE and REBUILD_QUEUE: who asked (nullable). */
    public String requestedBy;
    /** When it was issued (record time), epoch millis. */
    public long at;

    public Control() {}

    public static Control model(String version, String text, long at) {
        Control c = of(Kind.MODEL, version, at);
        c.text = text;
        return c;
    }

    public static Control erase(String requestId, String leadId, String requestedBy, long at) {
        Control c = of(Kind.ERASE, requestId, at);
        c.leadId = leadId;
        c.requestedBy = requestedBy;
        return c;
    }

    public static Control rebuildQueue(String requestId, String requestedBy, long at) {
        Control c = of(Kind.REBUILD_QUEUE, requestId, at);
        c.requestedBy = requestedBy;
        return c;
    }

    private static Control of(Kind kind, String id, long at) {
        Control c = new Control();
        c.kind = kind;
        c.id = id;
        c.at = at;
        return c;
    }

    @Override
    public String toString() {
        return "Control{" + kind + ' ' + id + (leadId != null ? " lead=" + leadId : "") + '}';
    }
}
