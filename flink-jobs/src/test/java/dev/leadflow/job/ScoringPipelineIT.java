package dev.leadflow.job;

import static dev.leadflow.job.Events.buyer;
import static dev.leadflow.job.Events.campaign;
import static dev.leadflow.job.Events.identify;
import static dev.leadflow.job.Events.page;
import static dev.leadflow.job.Events.sales;
import static dev.leadflow.job.Events.track;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.Channel;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.EngagementAction;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.embedded.kafka.KafkaBroker;
import dev.leadflow.job.ingest.DeadLetterSerializer;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with real components: a KRaft Kafka broker, a redis-server and a Flink
 * MiniCluster. Scenario streams in the Confluent wire format go in; the Redis queue, the audit
 * topic and the DLQ are checked.
 */
public class ScoringPipelineIT {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = ItSupport.cluster(2,
            CollectingMetricReporter.configure(ItSupport.clusterConfig("it-checkpoints")));

    private static final String REGISTRY_URL = "mock://scoring-pipeline-it";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** Scenario time: a few hours ago, so every event is recent and nothing has decayed much. */
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(3, ChronoUnit.HOURS);

    @TempDir static java.nio.file.Path checkpoints;

    private static SchemaRegistryClient registry;
    private static HandoffQueue queue;

    @BeforeAll
    static void setUp() {
        KAFKA.broker().createTopics(2, Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES);
        KAFKA.broker().createTopics(1, Topics.HANDOFFS, Topics.DLQ);
        registry = SchemaRegistryClient.create(RegistryConfig.of(REGISTRY_URL));
        queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
    }

    @AfterAll
    static void tearDown() {
        if (queue != null) {
            queue.close();
        }
    }

    @Test
    void scenarioStreamsEndInTheExpectedQueueAndReplayIsIdempotent() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();

        // A VP at a large US software company: pricing three times, a webinar, then asks for a demo.
        click(records, identify("lead-hot", "anon-hot", T0, buyer("Ada", "Lovelace", "VP Marketing", "acme.io", "5000", "US")));
        for (int i = 1; i <= 3; i++) {
            click(records, page("lead-hot", "anon-hot", "pricing", T0.plus(i, ChronoUnit.MINUTES)));
        }
        campaignEvent(records, campaign("lead-hot", Channel.WEBINAR, EngagementAction.ATTENDED, T0.plus(5, ChronoUnit.MINUTES)));
        click(records, track("lead-hot", "anon-hot", "demo_requested", T0.plus(10, ChronoUnit.MINUTES)));

        // Her colleague reads the docs and attends the webinar: engaged, not ready, but a second
        // member of the buying committee raises the account's priority.
        click(records, identify("lead-colleague", "anon-col", T0, buyer("Grace", "Hopper", "Engineer", "acme.io", "5000", "US")));
        for (int i = 1; i <= 4; i++) {
            click(records, page("lead-colleague", "anon-col", "docs", T0.plus(i, ChronoUnit.MINUTES)));
        }
        campaignEvent(records, campaign("lead-colleague", Channel.WEBINAR, EngagementAction.ATTENDED, T0.plus(6, ChronoUnit.MINUTES)));

        // Browses pricing anonymously, then identifies and asks sales to call: the anonymous
        // visits count for the lead with their original times.
        for (int i = 1; i <= 3; i++) {
            click(records, page(null, "anon-stitch", "pricing", T0.plus(i, ChronoUnit.MINUTES)));
        }
        click(records, identify("lead-stitched", "anon-stitch", T0.plus(20, ChronoUnit.MINUTES),
                buyer("Alan", "Turing", "Director of IT", "initech.com", "1500", "US")));
        click(records, track("lead-stitched", "anon-stitch", "contact_sales", T0.plus(21, ChronoUnit.MINUTES)));

        // A free-mail-only hand-raiser is not handed off; a one-page visitor is not ready.
        Map<String, String> gmail = new HashMap<>(buyer("Joe", "Doe", "Consultant", "gmail.com", "1", "US"));
        gmail.remove("company_domain");
        gmail.remove("company");
        click(records, identify("lead-freemail", "anon-free", T0, gmail));
        click(records, track("lead-freemail", "anon-free", "demo_requested", T0.plus(1, ChronoUnit.MINUTES)));
        click(records, identify("lead-cold", "anon-cold", T0, buyer("Tim", "Cold", "Analyst", "globex.com", "50", "US")));
        click(records, page("lead-cold", "anon-cold", "blog", T0.plus(1, ChronoUnit.MINUTES)));

        // A lead with an owner goes to the owner's own queue.
        salesEvent(records, sales("lead-owned", SalesActivityType.OWNER_ASSIGNED, "s42", T0));
        click(records, identify("lead-owned", "anon-own", T0, buyer("Kay", "Owned", "CTO", "hooli.com", "3000", "US")));
        click(records, track("lead-owned", "anon-own", "trial_started", T0.plus(2, ChronoUnit.MINUTES)));

        // Poison on every input topic, between valid records.
        byte[] valid = AvroWireSerializerHolder.bytes(registry, Topics.CLICKSTREAM,
                page("lead-cold", "anon-cold", "blog", T0.plus(2, ChronoUnit.MINUTES)));
        for (String topic : List.of(Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES)) {
            records.add(poison(topic, "garbage".getBytes(StandardCharsets.UTF_8)));
            byte[] wrongMagic = valid.clone();
            wrongMagic[0] = 1;
            records.add(poison(topic, wrongMagic));
            byte[] unknownId = valid.clone();
            ByteBuffer.wrap(unknownId).putInt(1, 987_654);
            records.add(poison(topic, unknownId));
            records.add(poison(topic, Arrays.copyOf(valid, valid.length / 2)));
        }
        kafka.send(records);

        JobClient first = startJob("it-run-1");
        awaitConsumed("it-run-1");

        Map<String, List<QueuedLead>> queued = snapshot();
        ScoringModel model = ScoringModel.defaults();
        // Routing: large US companies go to enterprise-na, the owned lead to its owner's queue;
        // the free-mail hand-raiser, the one-page visitor and the colleague are not queued.
        assertThat(queued).containsOnlyKeys("enterprise-na", "owner-s42");
        assertThat(queued.get("owner-s42")).extracting(QueuedLead::leadId).containsExactly("lead-owned");
        // Both are hand-raisers with similar readiness; the two-member buying committee puts
        // lead-hot first.
        assertThat(queued.get("enterprise-na")).extracting(QueuedLead::leadId).containsExactly("lead-hot", "lead-stitched");

        JsonNode hot = leadJson("lead-hot");
        assertThat(hot.get("account").get("domain").asText()).isEqualTo("acme.io");
        assertThat(hot.get("account").get("engagedLeads").asInt()).isEqualTo(2);
        assertThat(hot.get("priority").asDouble()).isEqualTo(
                hot.get("readiness").asInt() + model.committeeBonusPerLead() + model.handRaiserBoost());
        assertThat(signals(hot)).containsExactly("track:demo_requested", "page:pricing", "campaign:WEBINAR:ATTENDED");
        assertThat(hot.get("reasons").get(1).get("detail").asText()).isEqualTo("Viewed pricing 3 times in the last 24 h, +24");
        assertThat(hot.get("email").asText()).isEqualTo("ada@acme.io");
        assertThat(hot.get("modelVersion").asText()).isEqualTo(model.version());

        JsonNode stitched = leadJson("lead-stitched");
        assertThat(signals(stitched)).as("anonymous pricing visits count for the stitched lead, once")
                .contains("page:pricing");
        assertThat(stitched.get("reasons").get(1).get("detail").asText()).isEqualTo("Viewed pricing 3 times in the last 24 h, +24");
        String hotQueue = hot.get("queue").asText();

        // Poison: all twelve records are in the DLQ with their positions; every valid record
        // around them was scored (the leads above).
        List<ConsumerRecord<byte[], byte[]>> dlq = kafka.readUntil(Topics.DLQ, r -> r.size() >= 12, TIMEOUT);
        assertThat(dlq).hasSize(12);
        Map<String, Long> perTopic = dlq.stream().collect(Collectors.groupingBy(
                r -> header(r, DeadLetterSerializer.HEADER_TOPIC), Collectors.counting()));
        assertThat(perTopic).containsOnlyKeys(Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES).allSatisfy((t, n) -> assertThat(n).isEqualTo(4L));
        assertThat(dlq).allSatisfy(r -> {
            assertThat(header(r, DeadLetterSerializer.HEADER_OFFSET)).matches("\\d+");
            assertThat(header(r, DeadLetterSerializer.HEADER_PARTITION)).matches("\\d+");
            assertThat(header(r, DeadLetterSerializer.HEADER_ERROR_CLASS)).isNotBlank();
        });

        // The audit topic tells the same story as the queue.
        List<LeadHandoff> audit = readAudit();
        assertThat(audit).extracting(h -> h.getLeadId() + ":" + h.getAction())
                .contains("lead-hot:ENQUEUE", "lead-stitched:ENQUEUE", "lead-owned:ENQUEUE");

        // A seller calls lead-hot: the owner is working it, so it leaves the queue.
        kafka.send(List.of(record(Topics.SALES, "lead-hot",
                sales("lead-hot", SalesActivityType.CALL, "s7", T0.plus(30, ChronoUnit.MINUTES)))));
        Await.until(TIMEOUT, "lead-hot withdrawn after a sales call", () -> queue.get(hotQueue, "lead-hot").isEmpty());
        awaitConsumed("it-run-1");
        assertThat(readAudit()).extracting(h -> h.getLeadId() + ":" + h.getAction()).contains("lead-hot:WITHDRAW");
        Map<String, List<QueuedLead>> afterRun1 = snapshot();

        // The same input delivered again (a producer retrying, a replayed topic): every event id
        // is known, so nothing is written and the queue stays byte-identical.
        kafka.send(records);
        awaitConsumed("it-run-1");
        assertThat(snapshot()).isEqualTo(afterRun1);
        first.cancel().get();

        // The job's own metrics, as the reporter sees them (labels are Flink user variables). The
        // scenario went in twice; the sales call once.
        // Only this job's: other IT classes in the same JVM register metrics of the same names.
        String run1 = first.getJobID().toString();
        long clicksIn = records.stream().filter(r -> r.topic().equals(Topics.CLICKSTREAM)).count();
        assertThat(CollectingMetricReporter.counter(JobMetrics.EVENTS_IN, Map.of("stream", "clickstream", "job_id", run1)))
                .isEqualTo(2 * clicksIn);
        for (String stream : List.of("clickstream", "campaign-engagement", "sales-activity")) {
            assertThat(CollectingMetricReporter.counter(JobMetrics.DLQ_RECORDS, Map.of("stream", stream, "job_id", run1)))
                    .as("dead letters of " + stream).isEqualTo(8);
        }
        assertThat(CollectingMetricReporter.counter(JobMetrics.DUPLICATE_EVENTS, Map.of("job_id", run1)))
                .as("every valid re-sent event is recognised").isEqualTo(records.size() - 12);
        // How many actions it took depends on arrival order across topics (lead-owned may be queued
        // before its OWNER_ASSIGNED arrives, then moved), but every enqueue is matched by a withdraw
        // except for the leads still queued.
        long enqueues = CollectingMetricReporter.counter(JobMetrics.HANDOFF_ACTIONS, Map.of("action", "enqueue", "job_id", run1));
        long withdraws = CollectingMetricReporter.counter(JobMetrics.HANDOFF_ACTIONS, Map.of("action", "withdraw", "job_id", run1));
        assertThat(enqueues).isGreaterThanOrEqualTo(3);
        assertThat(withdraws).isGreaterThanOrEqualTo(1);
        assertThat(enqueues - withdraws).isEqualTo(afterRun1.values().stream().mapToInt(List::size).sum());
        assertThat(CollectingMetricReporter.histogramCount(JobMetrics.EVENT_TO_QUEUE_MS)).isPositive();

        // A fresh job over the same input, into the same Redis: the same leads in the same queues,
        // order, priorities, scores and reasons. Only a handoff's place-in-line time may differ:
        // events of one person reach the job from several partitions (anonymous and identified
        // keys), and the arrival order decides at which event the lead first qualified.
        JobClient second = startJob("it-run-2");
        awaitConsumed("it-run-2");
        ItSupport.assertStateBackend(FLINK, second.getJobID(), stateBackend());
        second.cancel().get();
        assertThat(withoutArrivalOrder(snapshot())).isEqualTo(withoutArrivalOrder(afterRun1));
    }

    /** Where the job keeps its state (see {@link ScoringPipelineRocksDbIT}). */
    JobSettings.StateBackend stateBackend() {
        return JobSettings.StateBackend.HASHMAP;
    }

    private JobClient startJob(String groupId) throws Exception {
        JobSettings s = new JobSettings();
        s.stateBackend = stateBackend();
        s.bootstrapServers = KAFKA.broker().bootstrapServers();
        s.groupId = groupId;
        s.registryUrl = REGISTRY_URL;
        s.redisUri = REDIS.uri();
        s.checkpointInterval = Duration.ofMillis(500);
        // keep event time where the scenario put it: no wall-clock drift during the test
        s.idleAfter = Duration.ofHours(1);
        s.parallelism = 2;
        s.validate();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LeadFlowJob.configure(env, s);
        LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s), LeadFlowJob.kafkaOutputs(s),
                ScoringModel.defaults(), s);
        return env.executeAsync("scoring-it-" + groupId);
    }

    /**
     * Waits until the job's group has committed the end offsets of every input topic. Offsets
     * are committed when a checkpoint completes, and the queue sink flushes before every
     * checkpoint, so by then every input record has reached Redis.
     */
    private void awaitConsumed(String groupId) {
        try (Admin admin = KAFKA.broker().admin()) {
            Await.until(TIMEOUT, "group " + groupId + " consumed every input record", () -> {
                try {
                    Map<TopicPartition, OffsetAndMetadata> committed =
                            admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    for (String t : List.of(Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES)) {
                        for (int p = 0; p < 2; p++) {
                            latest.put(new TopicPartition(t, p), OffsetSpec.latest());
                        }
                    }
                    var ends = admin.listOffsets(latest).all().get();
                    return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                            || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset()));
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private static Map<String, List<QueuedLead>> snapshot() {
        Map<String, List<QueuedLead>> all = new TreeMap<>();
        for (String q : queue.queues()) {
            List<QueuedLead> leads = queue.peek(q, 1000);
            if (!leads.isEmpty()) {
                all.put(q, leads);
            }
        }
        return all;
    }

    /** Queue contents with the arrival-order-dependent parts (version, enqueue time) removed. */
    private static Map<String, List<String>> withoutArrivalOrder(Map<String, List<QueuedLead>> queues) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        for (Map.Entry<String, List<QueuedLead>> e : queues.entrySet()) {
            List<String> leads = new ArrayList<>();
            for (QueuedLead l : e.getValue()) {
                com.fasterxml.jackson.databind.node.ObjectNode payload =
                        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(l.payload());
                payload.remove("enqueuedAt");
                leads.add(l.leadId() + " " + l.priority() + " " + payload);
            }
            out.put(e.getKey(), leads);
        }
        return out;
    }

    private static JsonNode leadJson(String leadId) throws Exception {
        for (List<QueuedLead> leads : snapshot().values()) {
            for (QueuedLead l : leads) {
                if (l.leadId().equals(leadId)) {
                    return JSON.readTree(l.payload());
                }
            }
        }
        throw new AssertionError(leadId + " is not queued");
    }

    private List<LeadHandoff> readAudit() {
        AvroWireDeserializer<LeadHandoff> decoder = new AvroWireDeserializer<>(registry, LeadHandoff.class);
        return KAFKA.broker().readAll(Topics.HANDOFFS).stream().map(r -> decoder.deserialize(r.value()))
                .collect(Collectors.toList());
    }


    private static List<String> signals(JsonNode lead) {
        List<String> out = new ArrayList<>();
        lead.get("reasons").forEach(r -> out.add(r.get("signal").asText()));
        return out;
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void click(List<ProducerRecord<byte[], byte[]>> out, ClickEvent e) {
        String key = e.getLeadId() != null ? e.getLeadId() : e.getAnonymousId();
        out.add(record(Topics.CLICKSTREAM, key, e));
    }

    private static void campaignEvent(List<ProducerRecord<byte[], byte[]>> out, CampaignEngagement e) {
        out.add(record(Topics.CAMPAIGN, e.getLeadId(), e));
    }

    private static void salesEvent(List<ProducerRecord<byte[], byte[]>> out, SalesActivity e) {
        out.add(record(Topics.SALES, e.getLeadId(), e));
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, SpecificRecord value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                AvroWireSerializerHolder.bytes(registry, topic, value));
    }

    private static ProducerRecord<byte[], byte[]> poison(String topic, byte[] value) {
        return new ProducerRecord<>(topic, "poison".getBytes(StandardCharsets.UTF_8), value);
    }

    /** Serializes with one cached serializer per topic, as a producer would. */
    static final class AvroWireSerializerHolder {
        private static final Map<String, AvroWireSerializer<SpecificRecord>> BY_TOPIC = new HashMap<>();

        static synchronized byte[] bytes(SchemaRegistryClient registry, String topic, SpecificRecord value) {
            return BY_TOPIC.computeIfAbsent(topic, t -> new AvroWireSerializer<>(registry,
                    Topics.valueSubject(t), value.getSchema())).serialize(value);
        }
    }
}
