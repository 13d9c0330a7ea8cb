package dev.leadflow.job;

import dev.leadflow.job.scoring.LeadUpdate;

/**
 * The prioritizer's memory of one lead of an account. A Flink POJO: its class name is in every savepoint's
 * prioritizer state, so it stays in this package while the prioritizer lives in {@code job.account}.
 */
public class AccountMember {
    public boolean engaged;
    /** True while the lead has an ENQUEUE'd handoff that was not withdrawn. */
    public boolean open;
    public String handoffId;
    public String queue;
    public long version;
    public long enqueuedAt;
    public double priority;
    /** The lead's latest update, to re-prioritize it when its account's committee changes. */
    public LeadUpdate last;

    public AccountMember() {}
}
