package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueuedLead;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.ScoringModel;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(1)
                    .setConfiguration(clusterConfig())
                    .build());

    private static final String REGISTRY_URL = "mock://failure-recovery-it";
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(6, ChronoUnit.HOURS);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String[] PAGES = {"pricing", "product", "docs", "blog", "careers"};
    private static final String[] HAND_RAISES = {"demo_requested", "contact_sales", "trial_started"};

    private static Configuration clusterConfig() {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "recovery-it-checkpoints").toUri().toString());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        return conf;
    }

    @Test
    void aFailureMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
        // One partition and one input topic: the job sees the same order in both runs, so the
        // failure-free run is an exact reference.
        KAFKA.broker().createTopics(1, Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES, Topics.HANDOFFS, Topics.DLQ);
        SchemaRegistryClient registry = SchemaRegistryClient.create(RegistryConfig.of(REGISTRY_URL));
        List<ProducerRecord<byte[], byte[]>> input = scenario(registry, 150, 2_000);
        KAFKA.broker().send(input);

        FailOnceSink.reset();
        FailOnceSink.FAILED.set(true); // the reference run never fails
        run("reference", 0);
        Map<String, List<QueuedLead>> reference = snapshot();
        List<String> referenceAudit = audit(registry);
        int referenceWrites = FailOnceSink.WRITTEN.get();
        assertThat(reference).isNotEmpty();
        assertThat(referenceWrites).isGreaterThan(50);

        REDIS.flushAll();
        FailOnceSink.reset();
        long started = System.nanoTime();
        run("faulty", referenceWrites / 2);
        long recoveryMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(FailOnceSink.FAILED).as("the failure was injected").isTrue();

        Map<String, List<QueuedLead>> afterFailure = snapshot();
        assertThat(afterFailure).as("the queue equals the failure-free run's").isEqualTo(reference);
        List<String> both = audit(registry);
        Set<String> faultyRun = new TreeSet<>(both.subList(referenceAudit.size(), both.size()));
        assertThat(faultyRun).as("every handoff action of the reference is in the audit trail, no other")
                .isEqualTo(new TreeSet<>(referenceAudit));
        System.out.printf("failure recovery: %d events in, %d queue writes, %d queued leads, lost 0, duplicated 0, run with failure %d ms%n",
                input.size(), referenceWrites, reference.values().stream().mapToInt(List::size).sum(), recoveryMs);
    }

    private void run(String groupId, int failAfter) throws Exception {
        JobSettings s = new JobSettings();
        s.bootstrapServers = KAFKA.broker().bootstrapServers();
        s.groupId = groupId;
        s.registryUrl = REGISTRY_URL;
        s.redisUri = REDIS.uri();
        s.checkpointInterval = Duration.ofMillis(300);
        s.idleAfter = Duration.ofHours(1);
        s.parallelism = 1;
        s.queueBatchSize = 20;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LeadFlowJob.configure(env, s);
        LeadFlowPipeline.Outputs kafka = LeadFlowJob.kafkaOutputs(s);
        LeadFlowPipeline.Outputs outputs = new LeadFlowPipeline.Outputs(
                new FailOnceSink<>(kafka.queue(), Math.max(failAfter, 1)), kafka.audit(), kafka.deadLetters());
        LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s), outputs, ScoringModel.defaults(), s);
        JobClient job = env.executeAsync("recovery-it-" + groupId);
        try {
            awaitConsumed(groupId);
        } finally {
            job.cancel().get();
        }
    }

    /** Leads browsing, some identifying and raising hands, in one deterministic order. */
    private static List<ProducerRecord<byte[], byte[]>> scenario(SchemaRegistryClient registry, int leads, int events) {
        AvroWireSerializer<ClickEvent> ser = new AvroWireSerializer<>(registry,
                Topics.valueSubject(Topics.CLICKSTREAM), ClickEvent.getClassSchema());
        Random random = new Random(42);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < leads; i++) {
            String lead = "lead-" + i;
            String size = String.valueOf(random.nextInt(6000));
            ClickEvent identify = Events.identify(lead, "anon-" + i, T0,
                    Events.buyer("P" + i, "L" + i, i % 3 == 0 ? "VP Sales" : "Engineer", "co" + (i % 40) + ".com", size, "US"));
            out.add(record(ser, lead, identify));
        }
        for (int e = 0; e < events; e++) {
            int i = random.nextInt(leads);
            Instant at = T0.plus(e, ChronoUnit.SECONDS);
            ClickEvent c = random.nextInt(25) == 0
                    ? Events.track("lead-" + i, "anon-" + i, HAND_RAISES[random.nextInt(HAND_RAISES.length)], at)
                    : Events.page("lead-" + i, "anon-" + i, PAGES[random.nextInt(PAGES.length)], at);
            out.add(record(ser, "lead-" + i, c));
        }
        return out;
    }

    private static ProducerRecord<byte[], byte[]> record(AvroWireSerializer<ClickEvent> ser, String key, ClickEvent e) {
        return new ProducerRecord<>(Topics.CLICKSTREAM, key.getBytes(StandardCharsets.UTF_8), ser.serialize(e));
    }

    private static Map<String, List<QueuedLead>> snapshot() {
        try (HandoffQueue queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults())) {
            Map<String, List<QueuedLead>> all = new TreeMap<>();
            for (String q : queue.queues()) {
                all.put(q, queue.peek(q, 10_000));
            }
            return all;
        }
    }

    /**
     * The audit trail in topic order, one line per record: event id (handoff id + version),
     * action, queue, priority. Redeliveries after a failure repeat a line exactly.
     */
    private static List<String> audit(SchemaRegistryClient registry) {
        AvroWireDeserializer<LeadHandoff> decoder = new AvroWireDeserializer<>(registry, LeadHandoff.class);
        return KAFKA.broker().readAll(Topics.HANDOFFS).stream()
                .map(r -> decoder.deserialize(r.value()))
                .map(h -> h.getEventId() + " " + h.getAction() + " " + h.getQueue() + " " + h.getPriority())
                .collect(Collectors.toList());
    }

    private static void awaitConsumed(String groupId) {
        try (Admin admin = KAFKA.broker().admin()) {
            TopicPartition clicks = new TopicPartition(Topics.CLICKSTREAM, 0);
            Await.until(TIMEOUT, "group " + groupId + " consumed every input record", () -> {
                try {
                    long end = admin.listOffsets(Map.of(clicks, OffsetSpec.latest())).all().get().get(clicks).offset();
                    var committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().get(clicks);
                    return committed != null && committed.offset() >= end;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

}
