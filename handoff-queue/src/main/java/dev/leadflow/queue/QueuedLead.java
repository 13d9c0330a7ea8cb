package dev.leadflow.queue;

/**
 * A lead in a queue.
 *
 * @param enqueuedAt epoch ms, the handoff's original enqueue time
 * @param claimedBy  the claimant holding its lease, or null when it is ready
 */
public record QueuedLead(String leadId, String handoffId, long version, double priority, long enqueuedAt,
                         String payload, String claimedBy) {

    public boolean claimed() {
        return claimedBy != null;
    }
}
