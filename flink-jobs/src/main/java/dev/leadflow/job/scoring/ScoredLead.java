package dev.leadflow.job.scoring;

import dev.leadflow.job.types.ScoredLeadSerializer;
import dev.leadflow.scoring.LeadState;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Lead scoring's whole state of one lead, kept in one value state: one state lookup and one write per
 * event instead of three of each. Serialized by {@link ScoredLeadSerializer}.
 */
@TypeInfo(ScoredLeadSerializer.Factory.class)
public class ScoredLead {

    /** No event-time timer registered. */
    public static final long NO_TIMER = Long.MIN_VALUE;

    /** What the scorer remembers. Never null in state. */
    public LeadState lead;
    /** What was last told to the prioritizer; null before the first update. */
    public LeadEmission emitted;
    /** The registered event-time timer, or {@link #NO_TIMER}. */
    public long timer = NO_TIMER;

    public ScoredLead() {}

    public ScoredLead(LeadState lead) {
        this.lead = lead;
    }
}
