package dev.leadflow.queue;

/**
 * A lead handed to one claimant until {@code leaseExpiresAt}; accept, reject and release need the
 * {@code leaseToken}.
 *
 * @param leaseExpiresAt epoch ms on the Redis server's clock
 * @param enqueuedAt     epoch ms, the handoff's original enqueue time
 * @param targetAt       epoch ms of the lead's response target, 0 when it had none
 * @param kind           the kind of lead the target was set for, or null
 * @param escalations    escalation steps taken before the claim
 */
public record Claim(String leadId, String queue, String handoffId, long version, String payload,
                    String leaseToken, long leaseExpiresAt, long enqueuedAt, double priority, long targetAt,
                    String kind, int escalations) {

    /** When the lease began (Redis clock). */
    public long claimedAt(long leaseMillis) {
        return leaseExpiresAt - leaseMillis;
    }
}
