package dev.leadflow.queue;

import java.util.Objects;

/**
 * One handoff action from the scoring job. Actions are guarded by {@code version}: an action whose
 * version is not newer than the lead's stored version is a no-op, so replays and reorderings after a
 * job restart leave the queue as it would be without the failure.
 *
 * @param queue      queue name (see {@link QueueKeys#of})
 * @param leadId     the lead
 * @param handoffId  the lead's open handoff; a new id starts a new place in line
 * @param kind       what to do
 * @param version    per-lead version, only growing (&ge; 0)
 * @param priority   queue priority, higher is served first
 * @param payload    the lead JSON handed to sellers (opaque here); null for WITHDRAW
 * @param enqueuedAt epoch ms when the handoff was first enqueued. The job passes the same value in
 *                   every action of one handoff, so an UPDATE whose ENQUEUE was lost lands where the
 *                   ENQUEUE would have put it, and a replay leaves identical state. While the handoff is
 *                   open the stored value wins.
 */
public record QueueAction(String queue, String leadId, String handoffId, Kind kind, long version,
                          double priority, String payload, long enqueuedAt) {

    public enum Kind { ENQUEUE, UPDATE, WITHDRAW }

    public QueueAction {
        QueueKeys.of(queue);
        requireNonEmpty(leadId, "leadId");
        requireNonEmpty(handoffId, "handoffId");
        Objects.requireNonNull(kind, "kind");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0: " + version);
        }
        if (!Double.isFinite(priority)) {
            throw new IllegalArgumentException("priority must be finite: " + priority);
        }
        if (enqueuedAt < 0) {
            throw new IllegalArgumentException("enqueuedAt must be >= 0: " + enqueuedAt);
        }
        if (kind != Kind.WITHDRAW && payload == null) {
            throw new IllegalArgumentException(kind + " needs a payload");
        }
    }

    public static QueueAction enqueue(String queue, String leadId, String handoffId, long version,
                                      double priority, String payload, long enqueuedAt) {
        return new QueueAction(queue, leadId, handoffId, Kind.ENQUEUE, version, priority, payload, enqueuedAt);
    }

    public static QueueAction update(String queue, String leadId, String handoffId, long version,
                                     double priority, String payload, long enqueuedAt) {
        return new QueueAction(queue, leadId, handoffId, Kind.UPDATE, version, priority, payload, enqueuedAt);
    }

    public static QueueAction withdraw(String queue, String leadId, String handoffId, long version) {
        return new QueueAction(queue, leadId, handoffId, Kind.WITHDRAW, version, 0, null, 0);
    }

    static void requireNonEmpty(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
