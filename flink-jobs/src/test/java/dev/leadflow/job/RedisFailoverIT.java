package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.ControlCommand;
import dev.leadflow.avro.ControlCommandType;
import dev.leadflow.embedded.redis.RedisSentinelGroup;
import dev.leadflow.embedded.redis.RedisServer;
import dev.leadflow.job.sink.QueueRebuildRequests;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.Topics;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisSentinelExtension;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Production Redis topology, real processes: a primary, a replica and three redis-sentinel processes; the
 * job reaches Redis through the sentinels. Mid-stream the replica is cut off (so the writes after the cut
 * exist on the primary only, as when asynchronous replication lags), then the primary is SIGKILLed and the
 * sentinels promote the replica. The job follows the promotion without restarting, sees the new replication
 * id, restores what was lost (its recent actions applied again, and a REBUILD_QUEUE for every open handoff),
 * and the final queue and audit trail equal the failure-free run's: nothing lost, nothing duplicated.
 */
public class RedisFailoverIT {

    private static final String REGISTRY = "mock://redis-failover-it";

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisSentinelExtension SENTINEL = new RedisSentinelExtension();
    @RegisterExtension static final MiniClusterExtension FLINK =
            RecoveryHarness.oneSlotCluster(RecoveryHarness.clusterConfig("redis-failover-it-checkpoints"));

    private static final RecoveryHarness HARNESS = new RecoveryHarness(KAFKA, SENTINEL, REGISTRY);

    @Test
    void aPrimaryKilledMidStreamIsFollowedAndWhatItTookAlongIsRestored() throws Exception {
        List<ProducerRecord<byte[], byte[]>> input = HARNESS.scenario(150, 2_000);
        // the sink's rebuild request goes there; existing before the job, so the job reads it from the start
        KAFKA.broker().createTopics(1, Topics.CONTROL);

        FailOnceSink.reset();
        FailOnceSink.FAILED.set(true); // counts the queue writes, never fails
        RecoveryHarness.Outcome reference = HARNESS.reference(input, counting());
        int referenceWrites = FailOnceSink.WRITTEN.get();
        assertThat(reference.queuedLeads()).isPositive();
        assertThat(referenceWrites).isGreaterThan(100);

        SENTINEL.flushAll();
        FailOnceSink.reset();
        FailOnceSink.FAILED.set(true);
        RedisSentinelGroup group = SENTINEL.group();
        RecoveryHarness.Run run = HARNESS.begin("failover");
        KAFKA.broker().send(input);
        JobClient job = HARNESS.start(HARNESS.settings(run.groupId()), counting());
        long recoveryMs;
        long promotionMs;
        int writesAfterCut;
        long lagBytes;
        String newPrimaryId;
        try {
            Await.until(RecoveryHarness.TIMEOUT, "a third of the queue writes", () -> FailOnceSink.WRITTEN.get() >= referenceWrites / 3);
            group.cutReplication();
            int atCut = FailOnceSink.WRITTEN.get();
            long cutAt = System.nanoTime();
            // Sentinel passes over a replica whose link has been down for more than ten times down-after
            // (10 s here), so the kill follows the cut within a few seconds even on a slow machine
            Await.until(RecoveryHarness.TIMEOUT, "half of the queue writes", () -> FailOnceSink.WRITTEN.get() >= referenceWrites / 2
                    || System.nanoTime() - cutAt > Duration.ofSeconds(3).toNanos());
            lagBytes = group.replicationLagBytes();
            writesAfterCut = FailOnceSink.WRITTEN.get() - atCut;
            assertThat(writesAfterCut).as("queue writes after the cut").isPositive();
            assertThat(lagBytes).as("writes on the primary that the replica lacks").isPositive();

            long killedAt = SENTINEL.killPrimary();
            RedisServer promoted = SENTINEL.awaitPromotion(Duration.ofSeconds(30));
            promotionMs = (System.nanoTime() - killedAt) / 1_000_000;
            newPrimaryId = group.info(promoted, "replication").get("master_replid");
            recoveryMs = HARNESS.awaitQueueEquals(reference.queue(), killedAt);
            HARNESS.awaitConsumed(run, input.size());
            assertThat(FailOnceSink.WRITERS.get()).as("queue writers started: the job never restarted").isEqualTo(1);
        } finally {
            job.cancel().get();
        }

        // the job asked for the rebuild of `leadflow rebuild-queue`, named after the new primary
        AvroWireDeserializer<ControlCommand> commands = new AvroWireDeserializer<>(RegistryConfig.of(REGISTRY), ControlCommand.class);
        List<ControlCommand> rebuilds = KAFKA.broker().readAll(Topics.CONTROL).stream()
                .map(r -> commands.deserialize(r.value())).toList();
        assertThat(rebuilds).extracting(ControlCommand::getEventId).containsOnly(QueueRebuildRequests.EVENT_ID_PREFIX + newPrimaryId);
        assertThat(rebuilds).extracting(ControlCommand::getCommand).containsOnly(ControlCommandType.REBUILD_QUEUE);
        try (HandoffQueue queue = HandoffQueue.connect(dev.leadflow.queue.RedisConfig.fromUri(SENTINEL.uri()),
                HandoffQueue.Options.defaults())) {
            assertThat(queue.replicationId()).isEqualTo(newPrimaryId);
        }

        RecoveryHarness.assertMatchesReference("Redis primary killed, Sentinel failover", input.size(), reference,
                HARNESS.outcome(run), String.format("queue correct %d ms after the kill (promotion %d ms; %d queue writes"
                        + " after the replica was cut off, %d bytes of replication lost with the primary; job not restarted)",
                        recoveryMs, promotionMs, writesAfterCut, lagBytes));
    }

    /** The production outputs with the queue sink's writes counted. */
    private static UnaryOperator<LeadFlowPipeline.Outputs> counting() {
        return kafka -> new LeadFlowPipeline.Outputs(
                new FailOnceSink<>(kafka.queue(), Integer.MAX_VALUE), kafka.audit(), kafka.deadLetters());
    }
}
