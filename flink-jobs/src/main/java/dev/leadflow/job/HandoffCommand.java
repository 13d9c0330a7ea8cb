package dev.leadflow.job;

import dev.leadflow.scoring.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * One handoff action for one lead in one queue, as the prioritizer decided it: the single source
 * for the Redis queue write and the audit record. {@code version} grows per lead, so a replayed
 * or reordered write is a no-op in Redis. A Flink POJO.
 */
public class HandoffCommand {

    /**
     * What happens to the lead's open handoff. ERASE is not a handoff action: it tells the queue sink
     * to remove every trace of the lead from Redis (after a WITHDRAW of its open handoff, if any).
     */
    public enum Action { ENQUEUE, UPDATE, WITHDRAW, ERASE }

    public Action action;
    public String handoffId;
    public String leadId;
    public String queue;
    public long version;
    public double priority;
    /** When the handoff was opened (event time), kept across updates. */
    public long enqueuedAt;
    /** Event time of the decision. */
    public long at;
    public int readiness;
    public int fit;
    public int engagement;
    public String grade;
    public List<Reason> reasons = new ArrayList<>();
    public String accountDomain;
    public int engagedLeads;
    public String name;
    public String title;
    public String company;
    public String email;
    public String modelVersion;
    public String triggerEventId;
    /** Kafka timestamp of the triggering event, for the event-to-queue latency (0 if timer-driven). */
    public long triggerIngestedAt;
    /** ERASE only: the erasure request's id and who asked (nullable). */
    public String erasureRequestId;
    public String requestedBy;
    /**
     * True for an ENQUEUE re-sent by a queue rebuild with the version it already had: Redis applies it
     * only where the lead is missing, and the audit topic does not record it again.
     */
    public boolean rebuild;

    public HandoffCommand() {}

    /** Audit event id: unique per (handoff, version), so consumers can de-duplicate redeliveries. */
    public String auditEventId() {
        return handoffId + "-v" + version;
    }

    @Override
    public String toString() {
        return "HandoffCommand{" + action + ' ' + leadId + " queue=" + queue + " v=" + version
                + " priority=" + priority + " handoff=" + handoffId + '}';
    }
}
