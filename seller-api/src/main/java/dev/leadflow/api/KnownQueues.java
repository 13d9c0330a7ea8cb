package dev.leadflow.api;

import dev.leadflow.queue.HandoffQueue;
import java.util.Set;

/**
 * The queue names the job has written to, as last read from Redis. Refreshed by the lease reaper's tick
 * and re-read on a miss, so a queue that appeared a moment ago is found without a round trip per request.
 */
final class KnownQueues {

    private final HandoffQueue queue;
    private volatile Set<String> names = Set.of();

    KnownQueues(HandoffQueue queue) {
        this.queue = queue;
    }

    Set<String> refresh() {
        Set<String> current = Set.copyOf(queue.queues());
        names = current;
        return current;
    }

    Set<String> snapshot() {
        return names;
    }

    boolean contains(String name) {
        return names.contains(name) || refresh().contains(name);
    }
}
