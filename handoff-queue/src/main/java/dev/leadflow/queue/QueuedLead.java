package dev.leadflow.queue;

/**
 * A lead in a queue.
 *
 * @param enqueuedAt  epoch ms, the handoff's original enqueue time
 * @param claimedBy   the claimant holding its lease, or null when it is ready
 * @param targetAt    epoch ms by which it should be claimed (its response target), 0 when none is set
 * @param escalations escalation steps taken since it passed its target
 * @param kind        the kind of lead its target was set for (e.g. {@code hand-raiser}), or null
 */
public record QueuedLead(String leadId, String handoffId, long version, double priority, long enqueuedAt,
                         String payload, String claimedBy, long targetAt, int escalations, String kind) {

    public QueuedLead(String leadId, String handoffId, long version, double priority, long enqueuedAt,
                      String payload, String claimedBy) {
        this(leadId, handoffId, version, priority, enqueuedAt, payload, claimedBy, 0, 0, null);
    }

    public boolean claimed() {
        return claimedBy != null;
    }
}
