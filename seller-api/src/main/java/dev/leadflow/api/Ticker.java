package dev.leadflow.api;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A background task on a daemon thread of its own, run at a fixed delay; closing lets a running round finish. */
final class Ticker implements AutoCloseable {

    private final ScheduledExecutorService timer;
    private final Duration grace;

    /** @param grace how long {@link #close} waits for a running round before interrupting it */
    Ticker(String threadName, Duration grace) {
        this.grace = grace;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    void start(Runnable round, Duration every) {
        timer.scheduleWithFixedDelay(round, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True once {@link #close} began: a round should not start new work. */
    boolean stopping() {
        return timer.isShutdown();
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
