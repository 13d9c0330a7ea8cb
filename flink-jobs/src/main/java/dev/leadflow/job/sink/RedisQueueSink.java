package dev.leadflow.job.sink;

import dev.leadflow.job.JobSettings;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.queue.RedisConfig;
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
 * landed. An ERASE command erases the lead from every queue and publishes an {@code ErasureConfirmation}
 * (see {@link ErasureConfirmations}); a sink built without a confirmation target refuses ERASE.
 */
public final class RedisQueueSink implements Sink<HandoffCommand> {

    private static final long serialVersionUID = 1L;

    private final RedisConfig redis;
    private final int batchSize;
    private final Duration flushInterval;
    private final Duration retryTimeout;
    private final int latencyHistogramSize;
    /** Where erasure confirmations go; null when this sink may not erase. */
    private final ErasureConfirmations.Target confirmations;

    public RedisQueueSink(String redisUri, int batchSize, Duration flushInterval, Duration retryTimeout) {
        this(redisUri, batchSize, flushInterval, retryTimeout, 10_000);
    }

    public RedisQueueSink(String redisUri, int batchSize, Duration flushInterval, Duration retryTimeout,
            int latencyHistogramSize) {
        this(RedisConfig.fromUri(redisUri), batchSize, flushInterval, retryTimeout, latencyHistogramSize, null);
    }

    /**
     * {@code redis} carries the ACL user, password and TLS files to the writers (never logged: its
     * toString masks); {@code confirmations} may be null for a sink that must not erase.
     */
    public RedisQueueSink(RedisConfig redis, int batchSize, Duration flushInterval, Duration retryTimeout,
            int latencyHistogramSize, ErasureConfirmations.Target confirmations) {
        this.redis = redis;
        this.batchSize = batchSize;
        this.flushInterval = flushInterval;
        this.retryTimeout = retryTimeout;
        this.latencyHistogramSize = latencyHistogramSize;
        this.confirmations = confirmations;
    }

    /** The job's sink: erasure confirmations go to the job's Kafka cluster and registry. */
    public static RedisQueueSink from(JobSettings s) {
        return new RedisQueueSink(s.redisConfig(), s.queueBatchSize, s.queueFlushInterval, s.queueRetryTimeout,
                s.latencyHistogramSize, ErasureConfirmations.Target.from(s));
    }

    @Override
    public SinkWriter<HandoffCommand> createWriter(WriterInitContext context) throws IOException {
        return new RedisQueueWriter(redis, batchSize, flushInterval, retryTimeout, latencyHistogramSize,
                confirmations == null ? null : new ErasureConfirmations(confirmations), context);
    }
}
