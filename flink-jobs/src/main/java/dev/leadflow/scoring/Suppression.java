package dev.leadflow.scoring;

/**
 * What keeps a lead out of the queues. When several apply, the first listed here wins: an open
 * opportunity, then a cooldown, then a recent touch (sales feedback, which also withdraws a queued
 * lead), then a hand-raise awaiting traits. Written by ordinal into a packed long: add new values
 * at the end.
 */
public enum Suppression {
    NONE,
    /** An opportunity is open; lasts until CLOSED_WON or CLOSED_LOST. */
    OPPORTUNITY_OPEN,
    /** CLOSED_LOST, DISQUALIFIED, HANDOFF_REJECTED or CLOSED_WON cooled the lead down. */
    COOLDOWN,
    /** A seller touched the lead within the touch window. */
    OWNER_WORKING,
    /**
     * Only a hand-raise would hand the lead off, and no email is known yet: it waits for traits
     * (the model's handRaisers.awaitTraits and afterAwait). Never withdraws a queued lead.
     */
    AWAITING_TRAITS
}
