package dev.leadflow.queue;

/** What {@link HandoffQueue#apply} did with an action. */
public enum ApplyResult {
    /** The action changed the queue. */
    APPLIED,
    /** No-op: the lead already has this version or a newer one (a replay or a reordering). */
    STALE,
    /**
     * No-op like {@link #STALE}, for an ENQUEUE or UPDATE of a lead that is not in the queue (neither ready
     * nor claimed) and whose handoff no seller settled: the sender holds open a handoff that the queue does
     * not show: Redis holds this version or a newer one for the lead from an action that took it out (a
     * WITHDRAW) or from a handoff a seller has since settled. Expected for a moment while a restored job
     * replays an ENQUEUE whose later WITHDRAW had been applied before the failure; otherwise the lead is
     * missing from the queue, e.g. because two of its actions were given the same version.
     */
    STALE_ABSENT,
    /**
     * No-op for the queue: a seller already accepted or rejected this handoff, so a late ENQUEUE or
     * UPDATE of it must not put the lead back in line. Its version is recorded.
     */
    CLOSED
}
