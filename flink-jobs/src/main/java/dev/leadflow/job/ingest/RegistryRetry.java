package dev.leadflow.job.ingest;

import dev.leadflow.schemas.SchemaRegistryException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a schema-registry call again while it fails transiently (no answer, timeout, 5xx, 408,
 * 429): backoff from 100 ms doubling to {@link #MAX_BACKOFF}, for as long as it takes or until the
 * task is cancelled. Definite answers (not found, unauthorized, ...) are thrown at once.
 */
public final class RegistryRetry {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryRetry.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** While the registry stays unreachable, one warning per this interval, not one per retry. */
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

    private RegistryRetry() {}

    public static <T> T call(Supplier<T> lookup, Counter retries, String what) throws InterruptedIOException {
        long backoffMs = FIRST_BACKOFF.toMillis();
        long firstFailure = 0;
        long lastWarning = 0;
        int attempts = 0;
        while (true) {
            try {
                T result = lookup.get();
                if (attempts > 0) {
                    LOG.info("Schema registry answered again for {} after {} retries in {} ms", what, attempts,
                            (System.nanoTime() - firstFailure) / 1_000_000);
                }
                return result;
            } catch (SchemaRegistryException e) {
                if (!e.isRetriable()) {
                    throw e;
                }
                long now = System.nanoTime();
                if (attempts == 0) {
                    firstFailure = now;
                }
                if (attempts == 0 || now - lastWarning > WARN_EVERY_NANOS) {
                    lastWarning = now;
                    // The message names the registry URL (never its credentials) and the failure.
                    LOG.warn("Schema registry unavailable for {}; retrying (every {} ms at most, {} retries so far): {}",
                            what, MAX_BACKOFF.toMillis(), attempts, e.getMessage());
                }
            }
            attempts++;
            retries.inc();
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the schema registry");
            }
            backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
        }
    }
}
