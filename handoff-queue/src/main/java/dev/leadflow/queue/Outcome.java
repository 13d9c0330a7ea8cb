package dev.leadflow.queue;

/** Result of accept, reject and release. */
public enum Outcome {
    OK,
    /** The lead is not claimed (never was, was withdrawn, or was already settled). */
    NOT_CLAIMED,
    /** Someone else holds the lease (HTTP 409). */
    WRONG_TOKEN,
    /** The caller's lease ran out; the lead went back to ready (HTTP 409). */
    EXPIRED
}
