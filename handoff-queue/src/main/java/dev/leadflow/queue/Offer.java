package dev.leadflow.queue;

/**
 * A lead offered to one claimant in assignment mode ({@link HandoffQueue#assign}): theirs to take with
 * {@link HandoffQueue#take} until {@code offerExpiresAt} (epoch ms, Redis clock), or to pass with
 * {@link HandoffQueue#release}; then it is offered to the next.
 */
public record Offer(String queue, String leadId, String claimant, String leaseToken, long offerExpiresAt) {
}
