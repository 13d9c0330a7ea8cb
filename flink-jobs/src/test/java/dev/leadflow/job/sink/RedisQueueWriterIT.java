package dev.leadflow.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.job.CollectingMetricReporter;
import dev.leadflow.job.JobMetrics;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.queue.ApplyResult;
import dev.leadflow.queue.Claim;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.Outcome;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
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

    @Test
    void aRedisThatCameBackWithoutItsDataGetsTheRecentActionsAgainIncludingWithdrawals() throws Exception {
        SimpleCounter primaryChanges = new SimpleCounter();
        RedisQueueWriter w = new RedisQueueWriter(writerQueue, 100, Duration.ofMillis(5), Duration.ofSeconds(30), time,
                new UnregisteredMetricsGroup() {
                    @Override
                    public Counter counter(String name) {
                        return name.equals(JobMetrics.QUEUE_PRIMARY_CHANGES) ? primaryChanges : super.counter(name);
                    }
                });
        w.write(enqueue("lead-a", 1), null);
        w.write(enqueue("lead-b", 1), null);
        w.flush(false);
        w.write(command(HandoffCommand.Action.WITHDRAW, "lead-b", "lead-b-1", 2), null);
        w.flush(false);
        String before = reader.replicationId();

        REDIS.server().restart(); // no persistence: back empty, with a new replication id
        Await.until(Duration.ofSeconds(30), "redis back", () -> {
            try {
                return reader.depth("default") == 0;
            } catch (RuntimeException notYet) {
                return false;
            }
        });
        // a lead whose WITHDRAW the empty server lacks: without the WITHDRAW again, an ENQUEUE of it replayed
        // by anyone (a rebuild, a restored job) would land
        w.write(enqueue("lead-c", 1), null);
        w.flush(false);

        assertThat(reader.replicationId()).isNotEqualTo(before);
        assertThat(primaryChanges.getCount()).isEqualTo(1);
        assertThat(reader.get("default", "lead-a")).as("restored").isPresent();
        assertThat(reader.get("default", "lead-c")).isPresent();
        assertThat(reader.get("default", "lead-b")).as("withdrawn, and its version known again").isEmpty();
        assertThat(reader.apply(RedisQueueWriter.toAction(enqueue("lead-b", 1)))).isEqualTo(ApplyResult.STALE_ABSENT);

        w.write(enqueue("lead-d", 1), null);
        w.flush(false);
        assertThat(primaryChanges.getCount()).as("the same primary: nothing to restore").isEqualTo(1);
    }

    @Test
    void redisAnswersAreCountedPerQueueAndResult() throws Exception {
        RedisQueueWriter w = countingWriter("results");
        w.write(enqueue("lead-a", 1), null);
        w.write(enqueue("lead-b", 1), null);
        w.flush(false);
        Claim claim = reader.claim("default", "alice", Duration.ofMinutes(5)).orElseThrow();
        assertThat(reader.accept("default", claim.leadId(), claim.leaseToken())).isEqualTo(Outcome.OK);
        String other = claim.leadId().equals("lead-a") ? "lead-b" : "lead-a";

        w.write(command(HandoffCommand.Action.UPDATE, claim.leadId(), claim.leadId() + "-1", 2), null); // settled
        w.write(enqueue(other, 1), null); // a replay: the lead is there
        w.flush(false);

        assertThat(results("results", "default")).containsExactlyInAnyOrderEntriesOf(
                Map.of("applied", 2L, "closed", 1L, "stale", 1L));
        assertThat(CollectingMetricReporter.find(JobMetrics.QUEUE_STALE_OPEN, Map.of("tm_id", "results", "queue", "default")))
                .as("registered with the queue, at 0").hasSize(1);
        assertThat(staleOpen("results", "default")).isZero();
    }

    @Test
    void aLeadTheJobHoldsOpenThatTheQueueDoesNotShowIsCounted() throws Exception {
        // the vanishing lead: a WITHDRAW and the next ENQUEUE of the lead were given the same version
        RedisQueueWriter w = countingWriter("vanished");
        w.write(command(HandoffCommand.Action.ENQUEUE, "lead-v", "lead-v-1", 10), null);
        w.flush(false);
        w.write(command(HandoffCommand.Action.WITHDRAW, "lead-v", "lead-v-1", 20), null);
        w.flush(false);
        w.write(command(HandoffCommand.Action.ENQUEUE, "lead-v", "lead-v-2", 20), null);
        w.flush(false);

        assertThat(reader.get("default", "lead-v")).isEmpty();
        assertThat(results("vanished", "default")).containsExactlyInAnyOrderEntriesOf(
                Map.of("applied", 2L, "stale_absent", 1L));
        assertThat(staleOpen("vanished", "default")).isEqualTo(1);
    }

    @Test
    void aStaleAbsentThatTheBatchItselfOvertakesIsNotAHandoffHeldOpen() throws Exception {
        RedisQueueWriter w = countingWriter("retried");
        for (int attempt = 0; attempt < 2; attempt++) { // the same batch again, as after a lost reply
            w.write(command(HandoffCommand.Action.ENQUEUE, "lead-r", "lead-r-1", 10), null);
            w.write(command(HandoffCommand.Action.WITHDRAW, "lead-r", "lead-r-1", 11), null);
            w.flush(false);
        }

        assertThat(results("retried", "default")).containsExactlyInAnyOrderEntriesOf(
                Map.of("applied", 2L, "stale_absent", 1L, "stale", 1L));
        assertThat(staleOpen("retried", "default")).isZero();
    }

    private RedisQueueWriter countingWriter(String id) {
        return new RedisQueueWriter(writerQueue, 100, Duration.ofMillis(5), Duration.ofSeconds(10), time,
                CollectingMetricReporter.group(id));
    }

    /** result label -> count, of the writer whose metric group is {@code id}. */
    private static Map<String, Long> results(String id, String queue) {
        Map<String, Long> counts = new TreeMap<>();
        CollectingMetricReporter.find(JobMetrics.QUEUE_APPLY_RESULTS, Map.of("tm_id", id, "queue", queue))
                .forEach(r -> counts.merge(r.variables().get("<result>"), ((Counter) r.metric()).getCount(), Long::sum));
        return counts;
    }

    private static long staleOpen(String id, String queue) {
        return CollectingMetricReporter.counter(JobMetrics.QUEUE_STALE_OPEN, Map.of("tm_id", id, "queue", queue));
    }

    private static HandoffCommand enqueue(String lead, long version) {
        return command(HandoffCommand.Action.ENQUEUE, lead, lead + "-1", version);
    }

    private static HandoffCommand command(HandoffCommand.Action action, String lead, String handoff, long version) {
        HandoffCommand c = new HandoffCommand();
        c.action = action;
        c.handoffId = handoff;
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
