package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.util.List;
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
            RecoveryHarness.oneSlotCluster(RecoveryHarness.clusterConfig("recovery-it-checkpoints"));

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

        REDIS.flushAll();
        FailOnceSink.reset();
        RecoveryHarness.Run run = harness.begin("faulty");
        KAFKA.broker().send(input);
        JobClient job = harness.start(harness.settings(run.groupId()), failingAfter(referenceWrites / 2));
        long recoveryMs;
        try {
            Await.until(RecoveryHarness.TIMEOUT, "the injected failure", FailOnceSink.FAILED::get);
            recoveryMs = harness.awaitQueueEquals(reference.queue(), FailOnceSink.FAILED_AT.get());
            harness.awaitConsumed(run, input.size());
            ItSupport.assertStateBackend(FLINK, job.getJobID(), harness.stateBackend());
        } finally {
            job.cancel().get();
        }

        RecoveryHarness.assertMatchesReference("job failure mid-stream", input.size(), reference, harness.outcome(run),
                String.format("recovery %d ms (failure injected after %d of %d queue writes -> queue equal to reference)",
                        recoveryMs, referenceWrites / 2, referenceWrites));
    }

    /** The production outputs with the queue sink failing once after {@code records} writes. */
    private static UnaryOperator<LeadFlowPipeline.Outputs> failingAfter(int records) {
        return kafka -> new LeadFlowPipeline.Outputs(
                new FailOnceSink<>(kafka.queue(), Math.max(records, 1)), kafka.audit(), kafka.deadLetters());
    }
}
