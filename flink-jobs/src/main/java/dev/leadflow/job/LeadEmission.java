package dev.leadflow.job;

/** What lead scoring last told the prioritizer about a lead; part of {@link ScoredLead}. */
public class LeadEmission {
    public String accountKey;
    public String accountDomain;
    public boolean engaged;
    public boolean wantsHandoff;

    public LeadEmission() {}
}
