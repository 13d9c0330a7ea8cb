package dev.leadflow.scoring;

import dev.leadflow.scoring.model.SalesRules;

/**
 * Applies a sales activity to the lead's state. Every rule keys on event time, so out-of-order
 * arrival gives the same state: the newer owner assignment and the newer opportunity change win,
 * touches and cooldowns keep the latest end.
 */
final class SalesFeedback {

    private SalesFeedback() {}

    /** Applies the activity; true if it was a seller's answer (accept / reject) to the open handoff. */
    static boolean apply(LeadState s, SalesType type, LeadEvent e, SalesRules rules) {
        long t = e.occurredAt;
        if (rules.isTouch(type)) {
            s.lastTouchAt = Math.max(s.lastTouchAt, t);
        }
        boolean answered = false;
        switch (type) {
            case OWNER_ASSIGNED:
                assignOwner(s, e.sellerId, t);
                break;
            case HANDOFF_ACCEPTED:
                // The seller owns the lead now: an owner assignment plus a touch.
                if (e.sellerId != null) {
                    assignOwner(s, e.sellerId, t);
                }
                s.lastTouchAt = Math.max(s.lastTouchAt, t);
                answered = true;
                break;
            case HANDOFF_REJECTED:
                answered = true;
                break;
            case OPPORTUNITY_OPENED:
                changeOpportunity(s, true, t);
                break;
            case CLOSED_WON:
            case CLOSED_LOST:
                changeOpportunity(s, false, t);
                break;
            default:
                break;
        }
        long cooldown = rules.cooldownMillis(type);
        if (cooldown > 0 && t + cooldown > s.cooldownUntil) {
            s.cooldownUntil = t + cooldown;
            s.cooldownCause = type;
            s.cooldownReason = e.reason;
        }
        // An answer older than the open handoff is about an earlier one and must not end this one.
        return answered && s.handoffOpen && t >= s.handoffOpenedAt;
    }

    /** A null seller id un-assigns. */
    private static void assignOwner(LeadState s, String sellerId, long t) {
        if (t >= s.ownerAssignedAt) {
            s.ownerSellerId = sellerId;
            s.ownerAssignedAt = t;
        }
    }

    /** On equal times a close wins, so the result does not depend on arrival order. */
    private static void changeOpportunity(LeadState s, boolean open, long t) {
        if (t > s.opportunityChangedAt || (t == s.opportunityChangedAt && !open)) {
            s.opportunityOpen = open;
            s.opportunityChangedAt = t;
        }
    }
}
