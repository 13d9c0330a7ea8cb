package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job failure in the middle of the stream, with restart from the last checkpoint, leaves the
 * queue exactly as a failure-free run of the same input does, and the audit trail holds the same
 * handoffs (redelivered records carry the same event id): nothing lost, nothing handed off twice.
 */
class FailureRecoveryIT {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK =
            RecoveryHarness.oneSlotCluster(CollectingMetricReporter.configure(RecoveryHarness.clusterConfig("recovery-it-checkpoints")));

    private static final RecoveryHarness HEAP = new RecoveryHarness(KAFKA, REDIS, "mock://failure-recovery-it");

    /** The harness of this class's state backend (see {@link FailureRecoveryRocksDbIT}). */
    RecoveryHarness harness() {
        return HEAP;
    }

    @Test
    void aFailureMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
        RecoveryHarness harness = harness();
        List<ProducerRecord<byte[], byte[]>> input = harness.scenario(150, 2_000);

        FailOnceSink.reset();
        FailOnceSink.FAILED.set(true); // the reference run never fails
        RecoveryHarness.Outcome reference = harness.reference(input, failingAfter(1));
        int referenceWrites = FailOnceSink.WRITTEN.get();
        assertThat(reference.queuedLeads()).isPositive();
        assertThat(referenceWrites).isGreaterThan(50);
        // The input is in event-time order on one partition: no event may reach scoring behind its watermark
        // (see the end of the test).
        assertThat(CollectingMetricReporter.counter(JobMetrics.LATE_EVENTS, Map.of("job_id", harness.referenceJob.toString())))
                .as("events behind scoring's watermark, failure-free run").isZero();

        REDIS.flushAll();
        FailOnceSink.reset();
        RecoveryHarness.Run run = harness.begin("faulty");
        KAFKA.broker().send(input);
        JobClient job = harness.start(harness.settings(run.groupId()), failingAfter(referenceWrites / 2));
        long recoveryMs;
        try {
            Await.until(RecoveryHarness.TIMEOUT, "the injected failure", FailOnceSink.FAILED::get);
            try {
                recoveryMs = harness.awaitQueueEquals(reference.queue(), FailOnceSink.FAILED_AT.get());
            } catch (AssertionError queueNeverEqual) {
                assertNoneLate(job); // the likelier cause, named first
                throw queueNeverEqual;
            }
            harness.awaitConsumed(run, input.size());
            ItSupport.assertStateBackend(FLINK, job.getJobID(), harness.stateBackend());
        } finally {
            job.cancel().get();
        }

        // Nor in the run with the failure: not after the restart, nor at a start (a source split is idle
        // until its first record; records sent meanwhile once let the watermark overtake them on their way
        // through stitching, and the queue then differed from the reference).
        assertNoneLate(job);
        assertThat(CollectingMetricReporter.find(JobMetrics.LATE_EVENTS, Map.of("job_id", job.getJobID().toString())))
                .as("scoring's counters of both attempts of the failed job").hasSizeGreaterThanOrEqualTo(2);

        RecoveryHarness.assertMatchesReference("job failure mid-stream", input.size(), reference, harness.outcome(run),
                String.format("recovery %d ms (failure injected after %d of %d queue writes -> queue equal to reference)",
                        recoveryMs, referenceWrites / 2, referenceWrites));
    }

    private static void assertNoneLate(JobClient job) {
        assertThat(CollectingMetricReporter.counter(JobMetrics.LATE_EVENTS, Map.of("job_id", job.getJobID().toString())))
                .as("events behind scoring's watermark, run with the failure").isZero();
    }

    /** The production outputs with the queue sink failing once after {@code records} writes. */
    private static UnaryOperator<LeadFlowPipeline.Outputs> failingAfter(int records) {
        return kafka -> new LeadFlowPipeline.Outputs(
                new FailOnceSink<>(kafka.queue(), Math.max(records, 1)), kafka.audit(), kafka.deadLetters());
    }
}
