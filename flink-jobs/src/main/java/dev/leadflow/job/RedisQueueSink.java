package dev.leadflow.job;

import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes handoff actions into the Redis queues. Buffered and pipelined (one round trip per
 * batch), flushed on every checkpoint, retried with backoff; while writes fail no checkpoint can
 * complete, and after {@code retryTimeout} the writer fails so that Flink restarts from the last
 * checkpoint and replays — the queue's version guard makes the replay a no-op where it already
 * landed.
 */
public final class RedisQueueSink implements Sink<HandoffCommand> {

    private static final long serialVersionUID = 1L;

    private final String redisUri;
    private final int batchSize;
    private final Duration flushInterval;
    private final Duration retryTimeout;
    private final int latencyHistogramSize;

    public RedisQueueSink(String redisUri, int batchSize, Duration flushInterval, Duration retryTimeout) {
        this(redisUri, batchSize, flushInterval, retryTimeout, 10_000);
    }

    public RedisQueueSink(String redisUri, int batchSize, Duration flushInterval, Duration retryTimeout,
            int latencyHistogramSize) {
        this.redisUri = redisUri;
        this.batchSize = batchSize;
        this.flushInterval = flushInterval;
        this.retryTimeout = retryTimeout;
        this.latencyHistogramSize = latencyHistogramSize;
    }

    public static RedisQueueSink from(JobSettings s) {
        return new RedisQueueSink(s.redisUri, s.queueBatchSize, s.queueFlushInterval, s.queueRetryTimeout,
                s.latencyHistogramSize);
    }

    @Override
    public SinkWriter<HandoffCommand> createWriter(WriterInitContext context) throws IOException {
        return new RedisQueueWriter(redisUri, batchSize, flushInterval, retryTimeout, latencyHistogramSize, context);
    }
}
