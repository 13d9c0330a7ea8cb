package dev.leadflow.queue;

/**
 * What {@link HandoffQueue#checkLease} found: the outcome a settle with that token would have now and, when
 * that outcome is {@link Outcome#OK}, how long the lease has left and who holds it (else 0 and null).
 */
public record LeaseCheck(Outcome outcome, long remainingMillis, String claimant) {

    public boolean valid() {
        return outcome == Outcome.OK;
    }
}
