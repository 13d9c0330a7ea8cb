package dev.leadflow.launcher.backtest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that keeps what it receives in this JVM, under a key of the run: the backtest's stand-in for
 * the queue, audit and dead-letter sinks (nothing reaches Redis or a production topic). Only for jobs
 * that run in-process; each record is converted by {@code copy} before it is kept, so object reuse
 * upstream cannot change it afterwards.
 */
final class CollectingSink<T, R> implements Sink<T> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, ConcurrentLinkedQueue<Object>> RUNS = new ConcurrentHashMap<>();

    private final String key;
    private final SerializableFunction<T, R> copy;

    /** A function Flink can ship with the sink. */
    interface SerializableFunction<T, R> extends Function<T, R>, java.io.Serializable {}

    CollectingSink(String key, SerializableFunction<T, R> copy) {
        this.key = key;
        this.copy = copy;
        RUNS.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        ConcurrentLinkedQueue<Object> into = RUNS.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                R kept = copy.apply(element);
                if (kept != null) {
                    into.add(kept);
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /** How many records arrived so far (for progress lines). */
    int size() {
        ConcurrentLinkedQueue<Object> q = RUNS.get(key);
        return q == null ? 0 : q.size();
    }

    /** Everything collected; forgets it. */
    @SuppressWarnings("unchecked")
    List<R> drain() {
        ConcurrentLinkedQueue<Object> q = RUNS.remove(key);
        return q == null ? List.of() : (List<R>) List.copyOf(q);
    }
}
