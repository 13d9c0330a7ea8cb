package dev.leadflow.api;

import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueueChange;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns lapsed leases to their queues on a schedule, so an expired lead shows up again (and live pages
 * hear of it) even when nobody claims; claims return lapsed leases too. Expiries are counted from the change
 * stream, because claims and settles return lapsed leases without telling their caller: every {@code expire}
 * entry since the last tick is counted once, whoever caused it. Several instances may run it; the scripts
 * are atomic, so they never return a lease twice.
 */
final class LeaseReaper implements AutoCloseable {

    private static final int PAGE = 1_000;
    /** At most this many pages are read per queue and tick; a longer backlog is skipped, not counted. */
    private static final int MAX_PAGES = 10;
    private static final Logger LOG = LoggerFactory.getLogger(LeaseReaper.class);

    private final HandoffQueue queue;
    private final KnownQueues known;
    private final ApiMetrics metrics;
    /** queue -> id of the last change counted; touched only by the reaper thread */
    private final Map<String, String> counted = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lease-reaper");
        t.setDaemon(true);
        return t;
    });

    LeaseReaper(HandoffQueue queue, KnownQueues known, ApiMetrics metrics) {
        this.queue = queue;
        this.known = known;
        this.metrics = metrics;
    }

    void start(Duration interval) {
        timer.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            for (String q : known.refresh()) {
                // a queue seen for the first time starts counting from now, not from its history
                String from = counted.computeIfAbsent(q, name -> queue.lastChangeId(name).orElse(StreamIds.START));
                queue.reclaimExpired(q);
                countExpiries(q, from);
            }
        } catch (RuntimeException e) {
            // Redis away: the next tick tries again; claims still return lapsed leases themselves
            LOG.warn("lease reaper tick failed: {}", e.toString());
        }
    }

    private void countExpiries(String q, String from) {
        String after = from;
        int expired = 0;
        for (int page = 0; page < MAX_PAGES; page++) {
            List<QueueChange> changes = queue.changes(q, after, PAGE);
            expired += (int) changes.stream().filter(c -> c.type() == QueueChange.Type.EXPIRE).count();
            if (!changes.isEmpty()) {
                after = changes.get(changes.size() - 1).id();
            }
            if (changes.size() < PAGE) {
                break;
            }
            if (page == MAX_PAGES - 1) {
                LOG.warn("queue {} changed more than {} times since the last tick; expiries beyond are not counted",
                        q, PAGE * MAX_PAGES);
                after = queue.lastChangeId(q).orElse(after);
            }
        }
        if (expired > 0) {
            metrics.leasesExpired(q, expired);
        }
        counted.put(q, after);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
