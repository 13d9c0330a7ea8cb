package dev.leadflow.job;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Wraps a sink and throws once, after {@code failAfter} records in total, in the middle of the
 * stream: the injected failure of a fault test. State is static because Flink serializes the sink
 * (the MiniCluster runs in the test JVM).
 */
final class FailOnceSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;
    static final AtomicInteger WRITTEN = new AtomicInteger();
    /** Writers created: one per task start, so more than the parallelism means the job restarted. */
    static final AtomicInteger WRITERS = new AtomicInteger();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    /** {@link System#nanoTime()} of the injected failure. */
    static final AtomicLong FAILED_AT = new AtomicLong();

    private final Sink<T> delegate;
    private final int failAfter;

    FailOnceSink(Sink<T> delegate, int failAfter) {
        this.delegate = delegate;
        this.failAfter = failAfter;
    }

    static void reset() {
        WRITTEN.set(0);
        WRITERS.set(0);
        FAILED.set(false);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        SinkWriter<T> writer = delegate.createWriter(context);
        WRITERS.incrementAndGet();
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException, InterruptedException {
                writer.write(element, ctx);
                if (WRITTEN.incrementAndGet() >= failAfter && FAILED.compareAndSet(false, true)) {
                    FAILED_AT.set(System.nanoTime());
                    throw new IOException("injected failure after " + failAfter + " records");
                }
            }

            @Override
            public void flush(boolean endOfInput) throws IOException, InterruptedException {
                writer.flush(endOfInput);
            }

            @Override
            public void close() throws Exception {
                writer.close();
            }
        };
    }
}
