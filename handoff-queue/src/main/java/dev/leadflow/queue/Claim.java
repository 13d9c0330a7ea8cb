package dev.leadflow.queue;

/**
 * A lead handed to one claimant until {@code leaseExpiresAt}; accept, reject and release need the
 * {@code leaseToken}.
 *
 * @param leaseExpiresAt epoch ms on the Redis server's clock
 * @param enqueuedAt     epoch ms, the handoff's original enqueue time
 */
public record Claim(String leadId, String queue, String handoffId, long version, String payload,
                    String leaseToken, long leaseExpiresAt, long enqueuedAt, double priority) {
}
