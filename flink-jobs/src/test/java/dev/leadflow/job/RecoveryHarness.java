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
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisSentinelExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the fault ITs share: one deterministic input on one partition (so every run sees the same
 * order and a failure-free run is an exact reference), the job run against the class's broker and
 * redis-server, the final queue and audit trail, and the comparison with the reference that counts
 * lost and duplicated handoffs.
 */
final class RecoveryHarness {

    static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(6, ChronoUnit.HOURS);
    private static final String[] PAGES = {"pricing", "product", "docs", "blog", "careers"};
    private static final String[] HAND_RAISES = {"demo_requested", "contact_sales", "trial_started"};
    private static final String[] TOPICS = {Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES, Topics.HANDOFFS, Topics.DLQ};
    private static final TopicPartition CLICKS = new TopicPartition(Topics.CLICKSTREAM, 0);
    private static final TopicPartition AUDIT = new TopicPartition(Topics.HANDOFFS, 0);

    /** One action of the audit topic; redeliveries after a failure repeat a line exactly. */
    record AuditLine(String eventId, String handoffId, String leadId, String action, String queue, double priority) {
        @Override
        public String toString() {
            return eventId + " " + action + " " + queue + " " + priority;
        }
    }

    /** The final queue (queue name → leads by priority) and the audit trail of one run. */
    record Outcome(Map<String, List<QueuedLead>> queue, List<AuditLine> audit) {

        /** Distinct handoffs (handoff ids) in the audit trail. */
        int handoffs() {
            return (int) audit.stream().map(AuditLine::handoffId).distinct().count();
        }

        int queuedLeads() {
            return queue.values().stream().mapToInt(List::size).sum();
        }

        Set<String> auditActions() {
            return audit.stream().map(AuditLine::toString).collect(Collectors.toCollection(TreeSet::new));
        }

        /**
         * Handoffs of the reference missing here: audit actions the reference has and this run has
         * not, plus leads queued in the reference and absent from this queue.
         */
        int lostAgainst(Outcome reference) {
            Set<String> missing = new TreeSet<>(reference.auditActions());
            missing.removeAll(auditActions());
            Set<String> notQueued = new TreeSet<>(reference.queuedKeys());
            notQueued.removeAll(queuedKeys());
            return missing.size() + notQueued.size();
        }

        /**
         * Second handoffs: handoff ids the reference never issued (a lead handed off again under a new
         * id), plus leads queued here that the reference did not queue.
         */
        int duplicatedAgainst(Outcome reference) {
            Set<String> extraIds = audit.stream().map(AuditLine::handoffId).collect(Collectors.toCollection(TreeSet::new));
            extraIds.removeAll(reference.audit.stream().map(AuditLine::handoffId).collect(Collectors.toSet()));
            Set<String> extraQueued = new TreeSet<>(queuedKeys());
            extraQueued.removeAll(reference.queuedKeys());
            return extraIds.size() + extraQueued.size();
        }

        private Set<String> queuedKeys() {
            Set<String> keys = new HashSet<>();
            queue.forEach((name, leads) -> leads.forEach(l -> keys.add(name + "/" + l.leadId())));
            return keys;
        }
    }

    private final KafkaBrokerExtension kafka;
    /** The Redis the job writes to: a server's URI, or a Sentinel URI ({@link #RecoveryHarness(KafkaBrokerExtension, RedisSentinelExtension, String)}). */
    private final RedisTarget redis;

    /** What the harness needs of the Redis under test. */
    interface RedisTarget {
        String uri();

        void flushAll();
    }
    private final String registryUrl;
    private final SchemaRegistryClient registry;
    private final JobSettings.StateBackend stateBackend;
    /** The job of the last {@link #reference} run. */
    JobID referenceJob;

    RecoveryHarness(KafkaBrokerExtension kafka, RedisServerExtension redis, String registryUrl) {
        this(kafka, redis, registryUrl, JobSettings.StateBackend.HASHMAP);
    }

    RecoveryHarness(KafkaBrokerExtension kafka, RedisServerExtension redis, String registryUrl,
            JobSettings.StateBackend stateBackend) {
        this(kafka, new RedisTarget() {
            @Override
            public String uri() {
                return redis.uri();
            }

            @Override
            public void flushAll() {
                redis.flushAll();
            }
        }, registryUrl, stateBackend);
    }

    /** The job and the harness reach Redis through the group's sentinels. */
    RecoveryHarness(KafkaBrokerExtension kafka, RedisSentinelExtension sentinel, String registryUrl) {
        this(kafka, new RedisTarget() {
            @Override
            public String uri() {
                return sentinel.uri();
            }

            @Override
            public void flushAll() {
                sentinel.flushAll();
            }
        }, registryUrl, JobSettings.StateBackend.HASHMAP);
    }

    private RecoveryHarness(KafkaBrokerExtension kafka, RedisTarget redis, String registryUrl,
            JobSettings.StateBackend stateBackend) {
        this.stateBackend = stateBackend;
        this.kafka = kafka;
        this.redis = redis;
        this.registryUrl = registryUrl;
        this.registry = SchemaRegistryClient.create(RegistryConfig.of(registryUrl));
    }

    /**
     * MiniCluster configuration of the fault ITs: filesystem checkpoint storage (the in-memory
     * default stalled under load here) and a few quick restarts.
     */
    static Configuration clusterConfig(String checkpointDirName) {
        Configuration conf = ItSupport.clusterConfig(checkpointDirName);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        return conf;
    }

    /** A MiniCluster of one TaskManager with one slot: the parallelism-1 job of the fault ITs. */
    static MiniClusterExtension oneSlotCluster(Configuration conf) {
        return ItSupport.cluster(1, conf);
    }

    JobSettings.StateBackend stateBackend() {
        return stateBackend;
    }

    void createTopics() {
        kafka.broker().createTopics(1, TOPICS);
    }

    /**
     * Where one run starts: the run reads the clickstream from {@code inputFrom} (committed for its
     * group before it starts) and its audit actions follow {@code auditFrom}, so runs share the
     * topics without seeing each other's records.
     */
    record Run(String groupId, long inputFrom, long auditFrom) {}

    /**
     * Prepares a run of a new consumer group that starts at the clickstream's current end: the input
     * sent from now on is this run's.
     */
    Run begin(String groupId) throws Exception {
        try (Admin admin = kafka.broker().admin()) {
            long inputFrom = endOffset(admin, CLICKS);
            admin.alterConsumerGroupOffsets(groupId, Map.of(CLICKS, new OffsetAndMetadata(inputFrom))).all().get();
            return new Run(groupId, inputFrom, endOffset(admin, AUDIT));
        }
    }

    private static long endOffset(Admin admin, TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition).offset();
    }

    /** Leads browsing, some identifying and raising hands, in one deterministic order. */
    List<ProducerRecord<byte[], byte[]>> scenario(int leads, int events) {
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

    /** The job's settings for one run: its own consumer group, a short checkpoint interval, one slot. */
    JobSettings settings(String groupId) {
        JobSettings s = new JobSettings();
        s.bootstrapServers = kafka.broker().bootstrapServers();
        s.groupId = groupId;
        s.registryUrl = registryUrl;
        s.redisUri = redis.uri();
        s.checkpointInterval = Duration.ofMillis(300);
        s.idleAfter = Duration.ofHours(1);
        s.parallelism = 1;
        s.queueBatchSize = 20;
        s.stateBackend = stateBackend;
        return s;
    }

    /** Submits the job to the test's MiniCluster; {@code outputs} may wrap the production sinks. */
    JobClient start(JobSettings s, UnaryOperator<LeadFlowPipeline.Outputs> outputs) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LeadFlowJob.configure(env, s);
        LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s), outputs.apply(LeadFlowJob.kafkaOutputs(s)),
                ScoringModel.defaults(), s);
        return env.executeAsync("recovery-" + s.groupId);
    }

    /**
     * The failure-free run: sends {@code input} to fresh topics, runs the job until it has consumed
     * (and checkpointed) all of it, and returns the final queue and audit trail.
     */
    Outcome reference(List<ProducerRecord<byte[], byte[]>> input) throws Exception {
        return reference(input, UnaryOperator.identity());
    }

    Outcome reference(List<ProducerRecord<byte[], byte[]>> input, UnaryOperator<LeadFlowPipeline.Outputs> outputs)
            throws Exception {
        createTopics();
        redis.flushAll();
        Run run = begin("reference");
        kafka.broker().send(input);
        JobClient job = start(settings(run.groupId()), outputs);
        referenceJob = job.getJobID();
        try {
            awaitConsumed(run, input.size());
        } finally {
            job.cancel().get();
        }
        return outcome(run);
    }

    /** The queue now and the audit actions of {@code run}. */
    Outcome outcome(Run run) {
        return new Outcome(queue(), audit(run.auditFrom()));
    }

    Map<String, List<QueuedLead>> queue() {
        try (HandoffQueue queue = connectQueue()) {
            return queue(queue);
        }
    }

    static Map<String, List<QueuedLead>> queue(HandoffQueue queue) {
        Map<String, List<QueuedLead>> all = new TreeMap<>();
        for (String q : queue.queues()) {
            all.put(q, queue.peek(q, 10_000));
        }
        return all;
    }

    private HandoffQueue connectQueue() {
        return HandoffQueue.connect(RedisConfig.fromUri(redis.uri()), HandoffQueue.Options.defaults());
    }

    /**
     * Waits until the queue equals {@code expected} and returns the milliseconds from {@code sinceNanos}
     * (a {@link System#nanoTime()}) until it was seen equal: the recovery time of a fault scenario.
     */
    long awaitQueueEquals(Map<String, List<QueuedLead>> expected, long sinceNanos) {
        try (HandoffQueue queue = connectQueue()) {
            Await.until(TIMEOUT, Duration.ofMillis(20), "the queue equals the failure-free run's", () -> {
                try {
                    return queue(queue).equals(expected);
                } catch (RuntimeException redisNotBackYet) {
                    return false;
                }
            });
        }
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    /** The audit trail in topic order, from an offset on. */
    List<AuditLine> audit(long fromOffset) {
        AvroWireDeserializer<LeadHandoff> decoder = new AvroWireDeserializer<>(registry, LeadHandoff.class);
        return kafka.broker().readAll(Topics.HANDOFFS).stream()
                .filter(r -> r.offset() >= fromOffset)
                .map(r -> decoder.deserialize(r.value()))
                .map(h -> new AuditLine(h.getEventId(), h.getHandoffId(), h.getLeadId(), h.getAction().name(),
                        h.getQueue(), h.getPriority()))
                .collect(Collectors.toList());
    }

    /**
     * Waits until the run's group has committed its first {@code records} input records: the job
     * commits offsets when a checkpoint completes, so everything before them is in the queue and
     * the audit topic.
     */
    void awaitConsumed(Run run, long records) {
        long offset = run.inputFrom() + records;
        Await.until(TIMEOUT, Duration.ofMillis(20), "group " + run.groupId() + " consumed " + records + " input records",
                () -> committed(run.groupId()) >= offset);
    }

    /** The group's committed clickstream offset, or -1 when it has none (or Kafka does not answer). */
    private long committed(String groupId) {
        try (Admin admin = kafka.broker().admin()) {
            var committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().get(CLICKS);
            return committed == null ? -1 : committed.offset();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Prints the one-line summary of a fault scenario (the figures the table asks for)
     * and returns it.
     */
    static String summary(String scenario, int eventsIn, Outcome reference, Outcome afterFault, String recovery) {
        String line = String.format("%s: %d events in, %d handoffs expected (%d audit actions, %d leads queued),"
                        + " lost %d, duplicated %d, %s",
                scenario, eventsIn, reference.handoffs(), reference.auditActions().size(), reference.queuedLeads(),
                afterFault.lostAgainst(reference), afterFault.duplicatedAgainst(reference), recovery);
        System.out.println(line);
        return line;
    }

    /**
     * Prints the summary, then asserts nothing lost, nothing duplicated, the final queue equal to the
     * reference's and the same set of audit actions (at-least-once audit: a redelivered action
     * repeats its line exactly, so sets are compared).
     */
    static void assertMatchesReference(String scenario, int eventsIn, Outcome reference, Outcome afterFault,
            String recovery) {
        String line = summary(scenario, eventsIn, reference, afterFault, recovery);
        Set<String> missing = new TreeSet<>(reference.auditActions());
        missing.removeAll(afterFault.auditActions());
        Set<String> extra = new TreeSet<>(afterFault.auditActions());
        extra.removeAll(reference.auditActions());
        line += "; audit actions missing " + missing.stream().limit(12).toList()
                + ", not in the reference " + extra.stream().limit(12).toList();
        assertThat(afterFault.lostAgainst(reference)).as("lost; " + line).isZero();
        assertThat(afterFault.duplicatedAgainst(reference)).as("duplicated; " + line).isZero();
        assertThat(afterFault.queue()).as("the queue equals the failure-free run's").isEqualTo(reference.queue());
        assertThat(afterFault.auditActions()).as("every handoff action of the reference is in the audit trail, no other")
                .isEqualTo(reference.auditActions());
    }
}
