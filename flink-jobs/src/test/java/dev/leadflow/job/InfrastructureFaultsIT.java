package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.embedded.redis.RedisServer;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Infrastructure faults in the middle of the stream: a TaskManager lost, Redis down for 20 s, the
 * Kafka broker restarted. After each, the queue equals a failure-free run's on the same input and
 * the audit trail holds the same handoff actions: nothing lost, nothing handed off twice.
 *
 * <p>Each test sends the first half of the input, waits until the job has checkpointed it, injects
 * its fault and sends the rest (while the fault lasts; around the broker restart, a quarter before
 * and a quarter after), so the fault hits a job with state, committed progress and work to do.
 * One broker, one redis-server (AOF on), one MiniCluster and one reference run serve all three.
 * Takes about three minutes on a loaded 2-core machine: the Redis outage alone holds 20 s, the
 * broker outage 10 s.
 */
class InfrastructureFaultsIT {

    private static final Duration REDIS_OUTAGE = Duration.ofSeconds(20);
    private static final Duration KAFKA_OUTAGE = Duration.ofSeconds(10);

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisServerExtension REDIS =
            new RedisServerExtension(RedisServer.Options.defaults().withAppendOnly(true));
    // One TaskManager with one slot; the TaskManager test adds the spare the job moves to.
    @RegisterExtension static final MiniClusterExtension FLINK = RecoveryHarness.oneSlotCluster(clusterConfig());

    private static final RecoveryHarness HARNESS = new RecoveryHarness(KAFKA, REDIS, "mock://infrastructure-faults-it");
    private static List<ProducerRecord<byte[], byte[]>> input;
    private static RecoveryHarness.Outcome reference;

    private static Configuration clusterConfig() {
        Configuration conf = RecoveryHarness.clusterConfig("infrastructure-faults-it-checkpoints");
        // Enough attempts to ride out a broker outage should the job fail during it.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 30);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        CollectingMetricReporter.configure(conf);
        return conf;
    }

    @BeforeAll
    static void referenceRun() throws Exception {
        input = HARNESS.scenario(150, 2_000);
        long started = System.nanoTime();
        reference = HARNESS.reference(input);
        System.out.printf("reference run (failure-free): %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(reference.queuedLeads()).isPositive();
        assertThat(reference.handoffs()).isGreaterThan(50);
    }

    @Test
    void aTaskManagerLostMidStreamLosesNothingAndDuplicatesNothing(@InjectMiniCluster MiniCluster flink) throws Exception {
        RecoveryHarness.Run run = HARNESS.begin("taskmanager-loss");
        JobClient job = startWithFirstHalf(run);
        try {
            Set<ResourceID> lostTaskManager = taskManagersOf(flink, job);
            long restoredBefore = stats(flink, job).getCounts().getNumberOfRestoredCheckpoints();
            flink.startTaskManager(); // the spare: the job's only slot goes with the TaskManager stopped below
            long fault = System.nanoTime();
            flink.terminateTaskManager(0).get();
            KAFKA.broker().send(secondHalf());

            Await.until(RecoveryHarness.TIMEOUT, Duration.ofMillis(20),
                    "the job restored its last checkpoint on the other TaskManager", () -> {
                AccessExecutionGraph graph = graph(flink, job);
                Set<ResourceID> now = taskManagersOf(graph);
                return graph.getCheckpointStatsSnapshot().getCounts().getNumberOfRestoredCheckpoints() > restoredBefore
                        && allRunning(graph) && !now.isEmpty() && now.stream().noneMatch(lostTaskManager::contains);
            });
            long restartMs = (System.nanoTime() - fault) / 1_000_000;
            long recoveryMs = HARNESS.awaitQueueEquals(reference.queue(), fault);
            HARNESS.awaitConsumed(run, input.size());

            RecoveryHarness.assertMatchesReference("TaskManager stopped mid-stream", input.size(), reference,
                    HARNESS.outcome(run), String.format("recovery %d ms (TaskManager stopped -> queue equal to reference; "
                            + "job running again from its checkpoint after %d ms)", recoveryMs, restartMs));
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void redisDownUnderLoadBlocksCheckpointsAndLosesNothing(@InjectMiniCluster MiniCluster flink) throws Exception {
        RecoveryHarness.Run run = HARNESS.begin("redis-outage");
        JobClient job = startWithFirstHalf(run);
        try {
            long retriesBefore = queueWriteRetries();
            long down = System.nanoTime();
            REDIS.server().kill();
            KAFKA.broker().send(secondHalf());
            Await.until(RecoveryHarness.TIMEOUT, "the queue sink retries its writes against the dead Redis",
                    () -> queueWriteRetries() > retriesBefore);
            long failingSince = System.currentTimeMillis();
            long completedWhenFailing = stats(flink, job).getCounts().getNumberOfCompletedCheckpoints();

            // The outage itself: hold it for its full length, checking all along that no checkpoint
            // completes (one whose barrier passed the sink before the first failed write may still do).
            while (System.nanoTime() - down < REDIS_OUTAGE.toNanos()) {
                assertThat(stats(flink, job).getCounts().getNumberOfCompletedCheckpoints())
                        .as("checkpoints completed while Redis is down").isLessThanOrEqualTo(completedWhenFailing + 1);
                Thread.sleep(200);
            }
            CheckpointStatsSnapshot duringOutage = stats(flink, job);
            long outageEnd = System.currentTimeMillis();
            assertThat(duringOutage.getHistory().getCheckpoints())
                    .as("a checkpoint attempted while writes failed is still pending at the end of the outage")
                    .anyMatch(c -> c.getStatus() == CheckpointStatsStatus.IN_PROGRESS
                            && c.getTriggerTimestamp() < outageEnd - REDIS_OUTAGE.toMillis() / 2)
                    .as("no checkpoint triggered after writes began to fail completed")
                    .noneMatch(c -> c.getStatus() == CheckpointStatsStatus.COMPLETED && c.getTriggerTimestamp() > failingSince);
            long back = System.nanoTime();
            REDIS.server().restart(); // same port and directory: the AOF brings back what was written
            long recoveryMs = HARNESS.awaitQueueEquals(reference.queue(), back);
            HARNESS.awaitConsumed(run, input.size());
            // The queue can equal the reference before the next checkpoint completes (the one pending through the
            // outage may have been declined, and the next waits for its interval): wait for it, do not expect it.
            long completedDuringOutage = duringOutage.getCounts().getNumberOfCompletedCheckpoints();
            Await.until(RecoveryHarness.TIMEOUT, "checkpoints complete again after Redis is back",
                    () -> stats(flink, job).getCounts().getNumberOfCompletedCheckpoints() > completedDuringOutage);

            RecoveryHarness.assertMatchesReference("Redis down under load", input.size(), reference, HARNESS.outcome(run),
                    String.format("recovery %d ms (Redis back -> queue equal to reference; Redis down %d s, "
                            + "%d checkpoints completed during the outage)", recoveryMs, REDIS_OUTAGE.toSeconds(),
                            duringOutage.getCounts().getNumberOfCompletedCheckpoints() - completedWhenFailing));
        } finally {
            if (!REDIS.server().isRunning()) {
                REDIS.server().restart();
            }
            job.cancel().get();
        }
    }

    @Test
    void aKafkaBrokerRestartMidRunLosesNothingAndDuplicatesNothing() throws Exception {
        RecoveryHarness.Run run = HARNESS.begin("kafka-restart");
        JobClient job = startWithFirstHalf(run);
        try {
            // The third quarter just before the stop (the job is reading it and writing its audit
            // records as the broker goes), the last one after the restart: the queue cannot equal
            // the reference before the job reads from the restarted broker.
            KAFKA.broker().send(input.subList(input.size() / 2, input.size() * 3 / 4));
            long down = System.nanoTime();
            KAFKA.broker().stop();
            // The outage itself: hold it for its full length; the job must ride it out, not give up.
            while (System.nanoTime() - down < KAFKA_OUTAGE.toNanos()) {
                assertThat(job.getJobStatus().get()).as("the job while the broker is down")
                        .isNotIn(JobStatus.FAILED, JobStatus.CANCELED);
                Thread.sleep(200);
            }
            long stoppedMs = (System.nanoTime() - down) / 1_000_000;
            long back = System.nanoTime();
            KAFKA.broker().restart();
            long restartMs = (System.nanoTime() - back) / 1_000_000;
            KAFKA.broker().send(input.subList(input.size() * 3 / 4, input.size()));
            long recoveryMs = HARNESS.awaitQueueEquals(reference.queue(), back);
            HARNESS.awaitConsumed(run, input.size());

            RecoveryHarness.assertMatchesReference("Kafka broker restart mid-run", input.size(), reference,
                    HARNESS.outcome(run), String.format("recovery %d ms (broker restart begun -> queue equal to reference; "
                            + "broker down %d ms, its restart took %d ms)", recoveryMs, stoppedMs, restartMs));
        } finally {
            if (!KAFKA.broker().isRunning()) {
                KAFKA.broker().restart();
            }
            job.cancel().get();
        }
    }

    /**
     * Empties Redis, sends the first half of the input, starts the job and returns once the job
     * has checkpointed that half (its committed offset reached it).
     */
    private static JobClient startWithFirstHalf(RecoveryHarness.Run run) throws Exception {
        REDIS.flushAll();
        KAFKA.broker().send(input.subList(0, input.size() / 2));
        JobClient job = HARNESS.start(HARNESS.settings(run.groupId()), UnaryOperator.identity());
        try {
            HARNESS.awaitConsumed(run, input.size() / 2);
            return job;
        } catch (RuntimeException | AssertionError e) {
            job.cancel().get();
            throw e;
        }
    }

    private static List<ProducerRecord<byte[], byte[]>> secondHalf() {
        return input.subList(input.size() / 2, input.size());
    }

    private static long queueWriteRetries() {
        return CollectingMetricReporter.counter(JobMetrics.QUEUE_WRITE_RETRIES, Map.of());
    }

    private static AccessExecutionGraph graph(MiniCluster flink, JobClient job) {
        try {
            return flink.getArchivedExecutionGraph(job.getJobID()).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the job's execution graph", e);
        }
    }

    private static CheckpointStatsSnapshot stats(MiniCluster flink, JobClient job) {
        return graph(flink, job).getCheckpointStatsSnapshot();
    }

    private static Set<ResourceID> taskManagersOf(MiniCluster flink, JobClient job) {
        return taskManagersOf(graph(flink, job));
    }

    private static Set<ResourceID> taskManagersOf(AccessExecutionGraph graph) {
        return vertices(graph).stream()
                .filter(v -> v.getExecutionState() == ExecutionState.RUNNING)
                .map(v -> v.getCurrentAssignedResourceLocation().getResourceID())
                .collect(Collectors.toSet());
    }

    private static boolean allRunning(AccessExecutionGraph graph) {
        return vertices(graph).stream().allMatch(v -> v.getExecutionState() == ExecutionState.RUNNING);
    }

    private static List<? extends AccessExecutionVertex> vertices(AccessExecutionGraph graph) {
        List<AccessExecutionVertex> all = new java.util.ArrayList<>();
        graph.getAllExecutionVertices().forEach(all::add);
        return all;
    }
}
