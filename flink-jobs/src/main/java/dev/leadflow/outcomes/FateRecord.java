package dev.leadflow.outcomes;

import dev.leadflow.avro.HandoffOutcome;
import java.time.Instant;

/**
 * One revision of a handoff's fate as it travels from the fates operator to the sink: a Flink POJO (Avro's
 * generated classes would need flink-avro, or Kryo), turned into a {@link HandoffOutcome} by the sink.
 */
public class FateRecord {

    public int revision;
    public String handoffId;
    public String leadId;
    public String queue;
    public String grade;
    public int readiness;
    public String modelVersion;
    public String accountDomain;
    public long enqueuedAt;
    public Long acceptedAt;
    public Long rejectedAt;
    public String rejectReason;
    public Long withdrawnAt;
    public Long firstTouchAt;
    public Long opportunityAt;
    public Long wonAt;
    public Long lostAt;
    public long windowEndsAt;
    public long lastChangeAt;

    public FateRecord() {}

    static FateRecord of(Fates.Fate f, int revision) {
        FateRecord r = new FateRecord();
        r.revision = revision;
        r.handoffId = f.handoffId();
        r.leadId = f.leadId();
        r.queue = f.queue();
        r.grade = f.grade();
        r.readiness = f.readiness();
        r.modelVersion = f.modelVersion();
        r.accountDomain = f.accountDomain();
        r.enqueuedAt = f.enqueuedAt();
        r.acceptedAt = f.acceptedAt();
        r.rejectedAt = f.rejectedAt();
        r.rejectReason = f.rejectReason();
        r.withdrawnAt = f.withdrawnAt();
        r.firstTouchAt = f.firstTouchAt();
        r.opportunityAt = f.opportunityAt();
        r.wonAt = f.wonAt();
        r.lostAt = f.lostAt();
        r.windowEndsAt = f.windowEndsAt();
        r.lastChangeAt = f.lastChangeAt();
        return r;
    }

    /** The record on {@code leadflow.handoff-outcomes}; {@code event_id} is {@code <handoff>-r<revision>}. */
    public HandoffOutcome toAvro() {
        return HandoffOutcome.newBuilder()
                .setEventId(handoffId + "-r" + revision)
                .setOccurredAt(Instant.ofEpochMilli(lastChangeAt))
                .setHandoffId(handoffId)
                .setLeadId(leadId)
                .setQueue(queue)
                .setGrade(grade)
                .setReadiness(readiness)
                .setModelVersion(modelVersion)
                .setAccountDomain(accountDomain)
                .setEnqueuedAt(Instant.ofEpochMilli(enqueuedAt))
                .setAcceptedAt(instant(acceptedAt))
                .setRejectedAt(instant(rejectedAt))
                .setRejectReason(rejectReason)
                .setWithdrawnAt(instant(withdrawnAt))
                .setFirstTouchAt(instant(firstTouchAt))
                .setOpportunityAt(instant(opportunityAt))
                .setWonAt(instant(wonAt))
                .setLostAt(instant(lostAt))
                .setWindowEndsAt(Instant.ofEpochMilli(windowEndsAt))
                .build();
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
