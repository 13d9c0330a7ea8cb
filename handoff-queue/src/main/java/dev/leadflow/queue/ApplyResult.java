package dev.leadflow.queue;

/** What {@link HandoffQueue#apply} did with an action. */
public enum ApplyResult {
    /** The action changed the queue. */
    APPLIED,
    /** No-op: the lead already has this version or a newer one (a replay or a reordering). */
    STALE,
    /**
     * No-op for the queue: a seller already accepted or rejected this handoff, so a late ENQUEUE or
     * UPDATE of it must not put the lead back in line. Its version is recorded.
     */
    CLOSED
}
