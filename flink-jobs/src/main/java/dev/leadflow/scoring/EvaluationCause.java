package dev.leadflow.scoring;

/** How an evaluation came about. */
public enum EvaluationCause {
    /** An event was applied. */
    APPLIED,
    /** The event id was seen before (replay, re-stitched event): nothing changed. */
    DUPLICATE,
    /** The event is older than the lead's clock minus the model's horizon: counted and skipped. */
    STALE,
    /** Re-evaluated at a later time without an event (an event-time timer). */
    TIMER
}
