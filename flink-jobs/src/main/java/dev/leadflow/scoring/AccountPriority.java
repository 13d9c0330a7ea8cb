package dev.leadflow.scoring;

import dev.leadflow.scoring.model.ScoringModel;

/**
 * Queue priority of a lead: its readiness, plus a bonus for the other engaged leads of its account
 * (a buying committee is a stronger signal than one person), plus a boost for hand-raisers so that
 * people who asked to talk to sales sort before everybody who did not. With the default boost (200)
 * above readiness plus the largest bonus (100 + 15), every hand-raiser outranks every other lead.
 * Integer arithmetic in a double: the same inputs always give the same priority.
 */
public final class AccountPriority {

    private AccountPriority() {}

    /**
     * @param engagedLeadsInAccount engaged leads of the lead's account, counting the lead itself if engaged
     */
    public static double priority(ScoringModel m, Evaluation lead, int engagedLeadsInAccount) {
        return priority(m, lead.readiness, lead.engaged, lead.handRaised, engagedLeadsInAccount);
    }

    /** The same from the fields an account operator keeps per lead. */
    public static double priority(ScoringModel m, int readiness, boolean engaged, boolean handRaised,
            int engagedLeadsInAccount) {
        int others = Math.max(0, engagedLeadsInAccount - (engaged ? 1 : 0));
        long bonus = Math.min((long) others * m.committeeBonusPerLead(), m.committeeMaxBonus());
        return readiness + bonus + (handRaised ? m.handRaiserBoost() : 0);
    }
}
