package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.job.scoring.ScoredLead;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueuedLead;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 6, upgrade from a savepoint: the job runs at parallelism 1 over the first part of a
 * fixed input and is stopped with a savepoint; a changed job (parallelism 2 and one more stateful
 * operator with its own uid) starts from it with allowNonRestoredState off. Every key of identity
 * stitching, lead scoring and the account prioritizer has exactly the state it had (read with the
 * State Processor API from a savepoint of the new job taken before new input), and after the rest
 * of the input the queue and the audit trail equal those of one uninterrupted run over all of it.
 * A job whose scoring operator lost its uid is refused, naming the state it cannot map.
 * Takes about a minute (four jobs and two savepoint reads on one MiniCluster).
 */
class UpgradeFromSavepointIT {

    private static final String REGISTRY_URL = "mock://upgrade-it";
    private static final Path STATE_DIR = Path.of(System.getProperty("java.io.tmpdir"), "upgrade-it");
    private static final String SAVEPOINTS = STATE_DIR.resolve("savepoints").toUri().toString();
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(6, ChronoUnit.HOURS);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String[] PAGES = {"pricing", "product", "docs", "blog", "careers"};
    private static final String[] HAND_RAISES = {"demo_requested", "contact_sales", "trial_started"};
    /** The operator that only the new release has. */
    private static final String ADDED_UID = "upgrade-it-actions-per-lead";

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .setConfiguration(clusterConfig())
                    .build());

    private static Configuration clusterConfig() {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, STATE_DIR.resolve("checkpoints").toUri().toString());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, SAVEPOINTS);
        // a job that cannot restore must fail, not retry for ever
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return conf;
    }

    /** Where every release of this test keeps its state (see {@link UpgradeFromSavepointRocksDbIT}). */
    JobSettings.StateBackend stateBackend() {
        return JobSettings.StateBackend.HASHMAP;
    }

    @Test
    void aChangedJobRestoresEveryLeadsStateAndContinues() throws Exception {
        KAFKA.broker().createTopics(1, Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES, Topics.HANDOFFS, Topics.DLQ);
        SchemaRegistryClient registry = SchemaRegistryClient.create(RegistryConfig.of(REGISTRY_URL));
        Scenario input = scenario(registry);

        // --- release 1: parallelism 1, the first part of the input, stop with a savepoint (no drain)
        KAFKA.broker().send(input.before);
        JobClient v1 = Releases.release1(stateBackend()).executeAsync("upgrade-it-v1");
        awaitConsumed("upgrade");
        ItSupport.assertStateBackend(FLINK, v1.getJobID(), stateBackend());
        String savepoint1 = v1.stopWithSavepoint(false, SAVEPOINTS, SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
        v1.getJobExecutionResult().get(1, TimeUnit.MINUTES);

        SavepointState before = SavepointState.read(savepoint1);
        assertThat(before.keys(LeadFlowPipeline.Uids.SCORING)).as("every identified lead has scoring state")
                .hasSize(input.identifiedBefore);
        assertThat(before.value(LeadFlowPipeline.Uids.SCORING, "lead-0", "scored-lead", ScoredLead.class).lead.leadId).isEqualTo("lead-0");
        assertThat(before.keys(LeadFlowPipeline.Uids.STITCHING)).as("anonymous visitors are buffered by anonymous id")
                .contains("anon-" + (input.leads - 1));
        String anonymous = "anon-" + (input.leads - 1);
        assertThat(before.value(LeadFlowPipeline.Uids.STITCHING, anonymous, "held-clicks").size())
                .as("events of a visitor who has not identified yet").isPositive()
                .isEqualTo(before.value(LeadFlowPipeline.Uids.STITCHING, anonymous, "anonymous-visitor").get("heldCount").asInt());
        assertThat(before.keys(LeadFlowPipeline.Uids.PRIORITIZER)).isNotEmpty();
        assertThat(SavepointState.keyedStateNames(savepoint1)).as("state names from the savepoint's meta data")
                .containsEntry(LeadFlowPipeline.Uids.SCORING, Set.of("scored-lead", "lead-story"));
        assertThat(before.mentions("lead-0")).as("lead-0 is known to scoring, stitching and its account")
                .contains(LeadFlowPipeline.Uids.SCORING + "/lead-0", LeadFlowPipeline.Uids.STITCHING + "/anon-0/anonymous-visitor");
        assertThat(before.mentions("lead-1")).as("exact matches only").doesNotContain(LeadFlowPipeline.Uids.SCORING + "/lead-10");
        Map<String, List<QueuedLead>> queueBefore = snapshot();
        assertThat(queueBefore).as("release 1 handed leads off").isNotEmpty();

        // --- a release whose scoring operator lost its uid is refused: its state would be dropped
        StreamExecutionEnvironment renamed = Releases.release2(false, stateBackend());
        String refusal = failureOf(renamed, savepoint1);
        assertThat(refusal).as("restore names the state it cannot map and the way out")
                .contains("Cannot map checkpoint/savepoint state for operator "
                        + OperatorIdentifier.forUid(LeadFlowPipeline.Uids.SCORING).getOperatorId())
                .contains("allowNonRestoredState");
        assertThat(snapshot()).as("the refused job wrote nothing").isEqualTo(queueBefore);

        // --- release 2: parallelism 2 and an added stateful operator, from the savepoint
        StreamExecutionEnvironment v2env = Releases.release2(true, stateBackend());
        StreamGraph v2graph = v2env.getStreamGraph();
        v2graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint1, false));
        long submitted = System.nanoTime();
        JobClient v2 = v2env.executeAsync(v2graph);
        // a savepoint succeeds only once every task runs, i.e. has restored its state
        String savepoint2 = Await.until(TIMEOUT, "the restored job takes a savepoint", () -> {
            try {
                return Optional.of(v2.triggerSavepoint(SAVEPOINTS, SavepointFormatType.CANONICAL).get(1, TimeUnit.MINUTES));
            } catch (Exception notYetRunning) {
                return Optional.empty();
            }
        });
        long restoreMs = (System.nanoTime() - submitted) / 1_000_000;

        KAFKA.broker().send(input.after);
        awaitConsumed("upgrade");
        v2.cancel().get(1, TimeUnit.MINUTES);
        Map<String, List<QueuedLead>> upgraded = snapshot();
        List<LeadHandoff> upgradedAudit = audit(registry);

        SavepointState restored = SavepointState.read(savepoint2);
        for (String uid : List.of(LeadFlowPipeline.Uids.STITCHING, LeadFlowPipeline.Uids.SCORING, LeadFlowPipeline.Uids.PRIORITIZER)) {
            assertThat(restored.keys(uid)).as("keys of %s after the upgrade", uid).isEqualTo(before.keys(uid));
            for (String key : before.keys(uid)) {
                assertThat(restored.operator(uid).get(key)).as("state of %s / %s after the upgrade", uid, key)
                        .isEqualTo(before.operator(uid).get(key));
            }
        }

        // --- reference: one uninterrupted release-1 run over the whole input
        REDIS.flushAll();
        JobClient reference = Releases.reference(stateBackend()).executeAsync("upgrade-it-reference");
        awaitConsumed("reference");
        reference.cancel().get(1, TimeUnit.MINUTES);
        Map<String, List<QueuedLead>> expected = snapshot();
        List<LeadHandoff> all = audit(registry);
        List<LeadHandoff> referenceAudit = all.subList(upgradedAudit.size(), all.size());

        assertThat(expected.values().stream().mapToInt(List::size).sum()).as("the input hands leads off")
                .isGreaterThan(queueBefore.values().stream().mapToInt(List::size).sum());
        // At parallelism 2 the prioritizer sees two scoring subtasks' updates interleaved in another
        // order than one subtask's, so a lead may get one more or one fewer intermediate UPDATE in the
        // same millisecond (its version differs by that count, as between any two runs at parallelism 2).
        // What a seller sees must not differ: the same leads, handoffs, queues, priorities, payloads.
        assertThat(withoutVersions(upgraded)).as("the queue after the upgrade equals the uninterrupted run's")
                .isEqualTo(withoutVersions(expected));
        assertThat(finalActions(upgradedAudit)).as("each lead's last audited action after the upgrade")
                .isEqualTo(finalActions(referenceAudit));

        Set<String> expectedHandoffs = handoffIds(referenceAudit);
        Set<String> gotHandoffs = handoffIds(upgradedAudit);
        Set<String> lost = new TreeSet<>(expectedHandoffs);
        lost.removeAll(gotHandoffs);
        Set<String> extra = new TreeSet<>(gotHandoffs);
        extra.removeAll(expectedHandoffs);
        assertThat(lost).as("lost handoffs").isEmpty();
        assertThat(extra).as("duplicated handoffs (a second handoff id for a lead)").isEmpty();
        System.out.printf("upgrade from savepoint: %d events in, %d handoffs expected, lost %d, duplicated %d, "
                        + "%d keys restored identically, restore (submit → first savepoint of the new job) %d ms, "
                        + "audit records %d (reference %d)%n",
                input.before.size() + input.after.size(), expectedHandoffs.size(), lost.size(), extra.size(),
                before.operators().stream().mapToInt(u -> before.keys(u).size()).sum(), restoreMs,
                upgradedAudit.size(), referenceAudit.size());
    }

    /** Starts the graph from the savepoint and returns the text of the failure it must end in. */
    private static String failureOf(StreamExecutionEnvironment env, String savepoint) {
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        try {
            JobClient job = env.executeAsync(graph);
            job.getJobExecutionResult().get(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            return ExceptionUtils.stringifyException(e);
        }
        return fail("a job without the scoring operator's uid started from the savepoint");
    }

    /** The job variants of this test, all on the test's Kafka, registry and Redis. */
    private static final class Releases {

        static StreamExecutionEnvironment release1(JobSettings.StateBackend backend) {
            return build("upgrade", 1, false, true, backend);
        }

        static StreamExecutionEnvironment reference(JobSettings.StateBackend backend) {
            return build("reference", 1, false, true, backend);
        }

        /** The next release: parallelism 2 and an added operator; {@code keepUids} false renames scoring's uid. */
        static StreamExecutionEnvironment release2(boolean keepUids, JobSettings.StateBackend backend) {
            return build("upgrade", 2, true, keepUids, backend);
        }

        private static StreamExecutionEnvironment build(String group, int parallelism, boolean addOperator, boolean keepUids,
                JobSettings.StateBackend backend) {
            JobSettings s = new JobSettings();
            s.stateBackend = backend;
            s.bootstrapServers = KAFKA.broker().bootstrapServers();
            s.groupId = group;
            s.registryUrl = REGISTRY_URL;
            s.redisUri = REDIS.uri();
            s.checkpointInterval = Duration.ofMillis(300);
            s.idleAfter = Duration.ofHours(1);
            s.parallelism = parallelism;
            s.queueBatchSize = 20;
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            LeadFlowJob.configure(env, s);
            DataStream<HandoffCommand> commands = LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s),
                    LeadFlowJob.kafkaOutputs(s), ScoringModel.defaults(), s);
            if (addOperator) {
                commands.keyBy(c -> c.leadId)
                        .process(new ActionsPerLead()).uid(ADDED_UID).name("actions per lead (new in release 2)")
                        .sinkTo(new DiscardingSink<>()).uid(ADDED_UID + "-sink");
            }
            if (!keepUids) {
                // walk the inputs: a broadcast transformation does not list its predecessors' predecessors
                java.util.Deque<Transformation<?>> todo = new java.util.ArrayDeque<>(List.of(commands.getTransformation()));
                while (!todo.isEmpty()) {
                    Transformation<?> t = todo.pop();
                    if (LeadFlowPipeline.Uids.SCORING.equals(t.getUid())) {
                        t.setUid(LeadFlowPipeline.Uids.SCORING + "-renamed");
                    }
                    todo.addAll(t.getInputs());
                }
            }
            return env;
        }
    }

    /** A stateful operator that only release 2 has: it starts empty, and must not stop the restore. */
    static final class ActionsPerLead extends KeyedProcessFunction<String, HandoffCommand, Long> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext openContext) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("actions", Types.LONG));
        }

        @Override
        public void processElement(HandoffCommand c, Context ctx, Collector<Long> out) throws Exception {
            long n = count.value() == null ? 1 : count.value() + 1;
            count.update(n);
            out.collect(n);
        }
    }

    /** The fixed input: part one before the savepoint, part two after the upgrade. */
    record Scenario(List<ProducerRecord<byte[], byte[]>> before, List<ProducerRecord<byte[], byte[]>> after,
            int leads, int identifiedBefore) {}

    /**
     * 120 people on 30 accounts. Before the savepoint, 100 identify and browse (some raise hands)
     * and 20 browse anonymously; after it, those 20 identify (their buffered clicks are stitched)
     * and everyone keeps browsing.
     */
    private static Scenario scenario(SchemaRegistryClient registry) {
        return scenario(registry, T0, 120, 100, 1_500, 1_000);
    }

    /** The same kind of input with other sizes, from {@code t0} on (one event a second). */
    static Scenario scenario(SchemaRegistryClient registry, Instant t0, int leads, int identified, int eventsBefore, int eventsAfter) {
        AvroWireSerializer<ClickEvent> ser = new AvroWireSerializer<>(registry,
                Topics.valueSubject(Topics.CLICKSTREAM), ClickEvent.getClassSchema());
        Random random = new Random(6);
        List<ProducerRecord<byte[], byte[]>> before = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> after = new ArrayList<>();
        Instant at = t0;
        for (int i = 0; i < identified; i++) {
            at = at.plusSeconds(1);
            before.add(record(ser, "lead-" + i, Events.identify("lead-" + i, "anon-" + i, at, traits(random, i))));
        }
        for (int e = 0; e < eventsBefore; e++) {
            at = at.plusSeconds(1);
            int i = random.nextInt(leads);
            boolean anonymous = i >= identified;
            before.add(record(ser, anonymous ? "anon-" + i : "lead-" + i,
                    browse(random, anonymous ? null : "lead-" + i, "anon-" + i, at)));
        }
        for (int i = identified; i < leads; i++) {
            at = at.plusSeconds(1);
            after.add(record(ser, "lead-" + i, Events.identify("lead-" + i, "anon-" + i, at, traits(random, i))));
        }
        for (int e = 0; e < eventsAfter; e++) {
            at = at.plusSeconds(1);
            int i = random.nextInt(leads);
            after.add(record(ser, "lead-" + i, browse(random, "lead-" + i, "anon-" + i, at)));
        }
        return new Scenario(before, after, leads, identified);
    }

    private static Map<String, String> traits(Random random, int i) {
        return Events.buyer("P" + i, "L" + i, i % 3 == 0 ? "VP Sales" : "Engineer", "co" + (i % 30) + ".com",
                String.valueOf(random.nextInt(6000)), i % 2 == 0 ? "US" : "DE");
    }

    private static ClickEvent browse(Random random, String lead, String anon, Instant at) {
        return random.nextInt(25) == 0
                ? Events.track(lead, anon, HAND_RAISES[random.nextInt(HAND_RAISES.length)], at)
                : Events.page(lead, anon, PAGES[random.nextInt(PAGES.length)], at);
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

    private static List<LeadHandoff> audit(SchemaRegistryClient registry) {
        AvroWireDeserializer<LeadHandoff> decoder = new AvroWireDeserializer<>(registry, LeadHandoff.class);
        return KAFKA.broker().readAll(Topics.HANDOFFS).stream().map(r -> decoder.deserialize(r.value())).toList();
    }

    /** Every queued lead as the seller sees it, without the version counter. */
    private static Map<String, List<String>> withoutVersions(Map<String, List<QueuedLead>> queues) {
        Map<String, List<String>> out = new TreeMap<>();
        queues.forEach((q, leads) -> out.put(q, leads.stream()
                .map(l -> l.leadId() + " " + l.handoffId() + " " + l.priority() + " " + l.enqueuedAt() + " "
                        + l.claimedBy() + " " + l.payload())
                .sorted().toList()));
        return out;
    }

    /** Where each lead's audit trail ends (in topic order): open or withdrawn, handoff, queue, priority. */
    /**
     * Each lead's last audited action in each queue (highest version there). Per queue, not per lead:
     * when a lead moves to another account, its WITHDRAW and ENQUEUE come from two prioritizer
     * subtasks through two audit sink subtasks, so their order in the topic is not defined.
     */
    private static Map<String, String> finalActions(List<LeadHandoff> audit) {
        Map<String, LeadHandoff> last = new TreeMap<>();
        for (LeadHandoff h : audit) {
            last.merge(h.getLeadId() + " in " + h.getQueue(), h, (a, b) -> b.getVersion() > a.getVersion() ? b : a);
        }
        Map<String, String> actions = new TreeMap<>();
        last.forEach((leadInQueue, h) -> actions.put(leadInQueue,
                ("WITHDRAW".equals(h.getAction().toString()) ? "withdrawn " : "open ") + h.getHandoffId() + " " + h.getPriority()));
        return actions;
    }

    private static Set<String> handoffIds(List<LeadHandoff> audit) {
        return audit.stream().map(h -> h.getLeadId() + "/" + h.getHandoffId()).collect(Collectors.toCollection(TreeSet::new));
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
