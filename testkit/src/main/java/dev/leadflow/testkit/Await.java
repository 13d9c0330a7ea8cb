package dev.leadflow.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.opentest4j.AssertionFailedError;

/** Waits for a condition with a deadline, checking often, instead of sleeping and hoping. Shared by every module's tests. */
public final class Await {

    private Await() {
    }

    public static <T> T until(Duration timeout, String what, Supplier<Optional<T>> probe) {
        return until(timeout, Duration.ofMillis(5), what, probe);
    }

    /** As {@link #until(Duration, String, Supplier)}, probing every {@code every} (for probes that cost a round trip or more). */
    public static <T> T until(Duration timeout, Duration every, String what, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> result = probe.get();
            if (result.isPresent()) {
                return result.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionFailedError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionFailedError("interrupted waiting for " + what, e);
            }
        }
    }

    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        until(timeout, Duration.ofMillis(5), what, condition);
    }

    public static void until(Duration timeout, Duration every, String what, BooleanSupplier condition) {
        until(timeout, every, what, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.<Boolean>empty());
    }
}
