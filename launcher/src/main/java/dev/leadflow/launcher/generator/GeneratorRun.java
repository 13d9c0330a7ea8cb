package dev.leadflow.launcher.generator;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces a {@link TrafficGenerator} into a consumer (normally {@link EventProducer#send}) at a fixed
 * rate, for a count or a duration, printing a progress line with the events sent per second.
 */
public final class GeneratorRun {

    /** What a run did. */
    public record Result(long events, long nanos) {
        public double eventsPerSecond() {
            return nanos == 0 ? 0 : events * 1e9 / nanos;
        }
    }

    private final TrafficGenerator generator;
    private final Consumer<GeneratedEvent> out;
    private double rate;
    private long count = -1;
    private Duration duration;
    private PrintStream progress;
    private Duration progressEvery = Duration.ofSeconds(1);
    private BooleanSupplier stop = () -> false;

    public GeneratorRun(TrafficGenerator generator, Consumer<GeneratedEvent> out) {
        this.generator = generator;
        this.out = out;
    }

    /** Events per second; 0 or less sends as fast as possible. */
    public GeneratorRun rate(double eventsPerSecond) {
        this.rate = eventsPerSecond;
        return this;
    }

    /** Stop after this many events (negative: no limit). */
    public GeneratorRun count(long events) {
        this.count = events;
        return this;
    }

    /** Stop after this long (null: no limit). */
    public GeneratorRun duration(Duration d) {
        this.duration = d;
        return this;
    }

    /** Where to print the progress line (null: nowhere). */
    public GeneratorRun progress(PrintStream stream) {
        this.progress = stream;
        return this;
    }

    public GeneratorRun progressEvery(Duration every) {
        this.progressEvery = every;
        return this;
    }

    public GeneratorRun stopWhen(BooleanSupplier condition) {
        this.stop = condition;
        return this;
    }

    public Result run() {
        long start = System.nanoTime();
        long end = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
        long nextReport = start + progressEvery.toNanos();
        long lastReportAt = start;
        long lastReportCount = 0;
        long sent = 0;
        boolean tty = System.console() != null;
        while ((count < 0 || sent < count) && !Thread.currentThread().isInterrupted()) {
            long now = System.nanoTime();
            if (now >= end || ((sent & 63) == 0 && stop.getAsBoolean())) {
                break;
            }
            if (rate > 0) {
                long due = start + (long) (sent * 1e9 / rate);
                if (due > now) {
                    LockSupport.parkNanos(Math.min(due - now, 50_000_000L));
                    continue;
                }
            }
            out.accept(generator.next());
            sent++;
            if (progress != null && now >= nextReport) {
                double nowRate = (sent - lastReportCount) * 1e9 / Math.max(1, now - lastReportAt);
                double avg = sent * 1e9 / Math.max(1, now - start);
                progress.print(String.format(Locale.ROOT, "%sgenerate: %,d events sent · %,.0f events/s now · %,.0f events/s average · %,d people%s",
                        tty ? "\r" : "", sent, nowRate, avg, generator.people(), tty ? "   " : "\n"));
                progress.flush();
                lastReportAt = now;
                lastReportCount = sent;
                nextReport = now + progressEvery.toNanos();
            }
        }
        long nanos = System.nanoTime() - start;
        if (progress != null) {
            progress.print(String.format(Locale.ROOT, "%sgenerate: %,d events sent in %.1f s (%,.0f events/s)%n",
                    tty ? "\r" : "", sent, nanos / 1e9, sent * 1e9 / Math.max(1, nanos)));
            progress.flush();
        }
        return new Result(sent, nanos);
    }
}
