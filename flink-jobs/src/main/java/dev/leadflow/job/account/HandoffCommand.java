package dev.leadflow.job.account;

import dev.leadflow.scoring.Reason;
import dev.leadflow.scoring.StoryEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * One handoff action for one lead in one queue, as the prioritizer decided it: the single source
 * for the Redis queue write and the audit record. {@code version} grows per lead, so a replayed
 * or reordered write is a no-op in Redis. A Flink POJO.
 */
public class HandoffCommand {

    /**
     * What happens to the lead's open handoff. {@code ERASE} (GDPR) removes every trace of the lead from
     * every Redis queue and publishes an {@code ErasureConfirmation}; it carries only {@link #leadId},
     * {@link #erasureRequestId}, {@link #requestedBy} and {@link #at}, and never reaches the audit topic.
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
    /** The account's other engaged people (at most {@link Colleague#SHOWN}), for the claimant; never null. */
    public List<Colleague> people = List.of();
    /** The lead's recent activity, newest first; never null. */
    public List<StoryEntry> story = List.of();
    public String name;
    public String title;
    public String company;
    public String email;
    public String modelVersion;
    public String triggerEventId;
    /** Kafka timestamp of the triggering event, for the event-to-queue latency (0 if timer-driven). */
    public long triggerIngestedAt;
    /** ERASE only: {@code event_id} of the {@code ErasureRequest}; the confirmation names it. */
    public String erasureRequestId;
    /** ERASE only: who asked for the erasure (nullable), copied onto the confirmation. */
    public String requestedBy;
    /**
     * True for an ENQUEUE re-sent by a queue rebuild with the version it already had: Redis applies it
     * only where the lead is missing, and the audit topic does not record it again.
     */
    public boolean rebuild;

    public HandoffCommand() {}

    /** The erasure of {@code leadId} asked for by the request {@code requestId}, decided at {@code at}. */
    public static HandoffCommand erase(String leadId, String requestId, String requestedBy, long at) {
        HandoffCommand c = new HandoffCommand();
        c.action = Action.ERASE;
        c.leadId = leadId;
        c.erasureRequestId = requestId;
        c.requestedBy = requestedBy;
        c.at = at;
        return c;
    }

    /**
     * Whether the action belongs on the audit topic: not an ERASE (a record would name the erased lead
     * again; its record is the confirmation), nor a rebuild's re-send of a version already audited.
     */
    public boolean isAudited() {
        return action != Action.ERASE && !rebuild;
    }

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
