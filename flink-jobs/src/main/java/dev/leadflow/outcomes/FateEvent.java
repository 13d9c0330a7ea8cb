package dev.leadflow.outcomes;

import java.util.Objects;

/**
 * One input of the outcomes job, from either topic: a handoff audit record (ENQUEUE or WITHDRAW; UPDATEs change
 * no fate and are not kept) or a sales activity. A Flink POJO (public fields, no-argument constructor), kept in
 * the lead's list state until its outcome window has passed.
 */
public class FateEvent {

    /** What the event is. */
    public enum Kind { ENQUEUE, WITHDRAW, ACCEPTED, REJECTED, TOUCH, OPPORTUNITY, WON, LOST }

    public Kind kind;
    public long at;
    public String eventId;
    public String leadId;
    /** ENQUEUE, WITHDRAW: the handoff. */
    public String handoffId;
    /** ENQUEUE: where and how the lead was handed off. */
    public String queue;
    public String grade;
    public int readiness;
    public String modelVersion;
    public String accountDomain;
    /** REJECTED: the reason. */
    public String reason;

    public FateEvent() {}

    static FateEvent of(Kind kind, long at, String eventId, String leadId) {
        FateEvent e = new FateEvent();
        e.kind = kind;
        e.at = at;
        e.eventId = eventId;
        e.leadId = leadId;
        return e;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FateEvent e && kind == e.kind && at == e.at && readiness == e.readiness
                && Objects.equals(eventId, e.eventId) && Objects.equals(leadId, e.leadId)
                && Objects.equals(handoffId, e.handoffId) && Objects.equals(queue, e.queue)
                && Objects.equals(grade, e.grade) && Objects.equals(modelVersion, e.modelVersion)
                && Objects.equals(accountDomain, e.accountDomain) && Objects.equals(reason, e.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, at, eventId, handoffId);
    }

    @Override
    public String toString() {
        return kind + "@" + at + "[" + eventId + (handoffId == null ? "" : ", " + handoffId) + "]";
    }
}
