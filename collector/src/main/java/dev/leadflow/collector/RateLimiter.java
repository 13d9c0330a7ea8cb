package dev.leadflow.collector;

import java.util.function.LongSupplier;

/**
 * A token bucket per write key, counted in events: it holds up to {@code burst} tokens and refills at
 * {@code eventsPerSecond}. A request is let through while the bucket is not empty and takes one token per
 * event, so a full batch passes even when it is larger than what is left (the bucket goes into debt, and
 * the key waits until it has paid it back): a client never meets a batch that can never pass.
 */
final class RateLimiter {

    private final double eventsPerSecond;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastRefill;

    RateLimiter(double eventsPerSecond, double burst, LongSupplier nanoClock) {
        if (eventsPerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("eventsPerSecond must be positive and burst at least 1");
        }
        this.eventsPerSecond = eventsPerSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.lastRefill = nanoClock.getAsLong();
    }

    /**
     * Takes {@code events} tokens if the bucket is not empty.
     *
     * @return 0 if the request may go, else the whole seconds after which the bucket holds a token again
     *     (for {@code Retry-After}; at least 1)
     */
    synchronized long tryAcquire(int events) {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - lastRefill) / 1e9 * eventsPerSecond);
        lastRefill = now;
        if (tokens > 0) {
            tokens -= events;
            return 0;
        }
        // the first token comes back when the debt is paid and one more has dripped in
        double seconds = (1 - tokens) / eventsPerSecond;
        return Math.max(1, (long) Math.ceil(seconds));
    }
}
