package dev.leadflow.job.scoring;

/** What lead scoring last told the prioritizer about a lead; part of {@link ScoredLead}. */
public class LeadEmission {
    public String accountKey;
    public String accountDomain;
    public boolean engaged;
    public boolean wantsHandoff;
    /** First version of the block of the last update emitted (see {@link HandoffVersions}); 0 before any. */
    public long version;

    public LeadEmission() {}
}
