package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The queue sink's writer against a real redis-server that is stopped and started under it. */
class RedisQueueWriterIT {

    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private final TestProcessingTimeService time = new TestProcessingTimeService();
    private final SimpleCounter retries = new SimpleCounter();
    private HandoffQueue writerQueue;
    private HandoffQueue reader;

    @BeforeEach
    void setUp() {
        if (!REDIS.server().isRunning()) {
            REDIS.server().restart();
        }
        REDIS.flushAll();
        RedisConfig config = RedisConfig.fromUri(REDIS.uri()).withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500));
        writerQueue = HandoffQueue.connect(config, HandoffQueue.Options.defaults());
        reader = HandoffQueue.connect(config, HandoffQueue.Options.defaults());
    }

    @AfterEach
    void tearDown() {
        writerQueue.close();
        reader.close();
    }

    private RedisQueueWriter writer(Duration retryTimeout) {
        return new RedisQueueWriter(writerQueue, 100, Duration.ofMillis(5), retryTimeout, time,
                new UnregisteredMetricsGroup() {
                    @Override
                    public Counter counter(String name) {
                        return name.equals(JobMetrics.QUEUE_WRITE_RETRIES) ? retries : super.counter(name);
                    }
                });
    }

    @Test
    void aBufferedActionIsWrittenWhenTheFlushTimerFires() throws Exception {
        RedisQueueWriter w = writer(Duration.ofSeconds(10));
        time.setCurrentTime(1_000);
        w.write(enqueue("lead-1", 1), null);
        assertThat(reader.get("default", "lead-1")).as("batched, not yet written").isEmpty();

        time.setCurrentTime(1_005);
        assertThat(reader.get("default", "lead-1")).isPresent();
    }

    @Test
    void writesWaitForRedisToComeBackInsteadOfDropping() throws Exception {
        RedisQueueWriter w = writer(Duration.ofSeconds(60));
        w.write(enqueue("lead-2", 1), null);
        REDIS.server().stop();

        CompletableFuture<Void> flush = CompletableFuture.runAsync(() -> {
            try {
                w.flush(false);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until(Duration.ofSeconds(30), "the writer retries while Redis is down", () -> retries.getCount() >= 2);
        assertThat(flush).as("a checkpoint cannot complete while writes fail").isNotDone();

        REDIS.server().restart();
        flush.get(30, TimeUnit.SECONDS);
        assertThat(reader.get("default", "lead-2")).isPresent();
    }

    @Test
    void afterTheRetryTimeoutTheFlushFailsAndKeepsTheActionsForTheNextAttempt() throws Exception {
        RedisQueueWriter w = writer(Duration.ofMillis(300));
        w.write(enqueue("lead-3", 1), null);
        REDIS.server().stop();
        assertThatThrownBy(() -> w.flush(false)).isInstanceOf(IOException.class)
                .hasMessageContaining("restarts from its last checkpoint");

        REDIS.server().restart();
        w.flush(false);
        assertThat(reader.get("default", "lead-3")).as("nothing was dropped").isPresent();
    }

    private static HandoffCommand enqueue(String lead, long version) {
        HandoffCommand c = new HandoffCommand();
        c.action = HandoffCommand.Action.ENQUEUE;
        c.handoffId = lead + "-1";
        c.leadId = lead;
        c.queue = "default";
        c.version = version;
        c.priority = 70;
        c.enqueuedAt = 1_000;
        c.at = 1_000;
        c.readiness = 70;
        c.grade = "A2";
        c.modelVersion = "test";
        return c;
    }

}
