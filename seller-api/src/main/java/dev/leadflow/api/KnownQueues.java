package dev.leadflow.api;

import dev.leadflow.queue.HandoffQueue;
import java.util.Set;

/**
 * The queue names the job has written to, as last read from Redis, and the overflow queues that escalations
 * move leads to (docs/speed-to-lead.md; the API does not add them to Redis's list). Refreshed by the lease
 * reaper's tick and re-read on a miss, so a queue that appeared a moment ago is found without a round trip
 * per request.
 */
final class KnownQueues {

    private final HandoffQueue queue;
    private final Set<String> overflows;
    private volatile Set<String> names = Set.of();

    KnownQueues(HandoffQueue queue) {
        this(queue, Set.of());
    }

    KnownQueues(HandoffQueue queue, Set<String> overflows) {
        this.queue = queue;
        this.overflows = Set.copyOf(overflows);
    }

    Set<String> refresh() {
        Set<String> current = new java.util.HashSet<>(queue.queues());
        current.addAll(overflows);
        names = Set.copyOf(current);
        return names;
    }

    Set<String> snapshot() {
        return names;
    }

    boolean contains(String name) {
        return names.contains(name) || refresh().contains(name);
    }
}
