package dev.leadflow.queue;

/**
 * What {@link HandoffQueue#checkLease} found: the outcome a settle with that token would have now, and how
 * long the lease has left when that outcome is {@link Outcome#OK} (else 0).
 */
public record LeaseCheck(Outcome outcome, long remainingMillis) {

    public boolean valid() {
        return outcome == Outcome.OK;
    }
}
