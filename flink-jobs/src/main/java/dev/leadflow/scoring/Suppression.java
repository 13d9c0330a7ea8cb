package dev.leadflow.scoring;

/**
 * Sales feedback that keeps a lead out of the queues (and withdraws it if queued). When several
 * apply, the first listed here wins: an open opportunity, then a cooldown, then a recent touch.
 */
public enum Suppression {
    NONE,
    /** An opportunity is open; lasts until CLOSED_WON or CLOSED_LOST. */
    OPPORTUNITY_OPEN,
    /** CLOSED_LOST, DISQUALIFIED, HANDOFF_REJECTED or CLOSED_WON cooled the lead down. */
    COOLDOWN,
    /** A seller touched the lead within the touch window. */
    OWNER_WORKING
}
