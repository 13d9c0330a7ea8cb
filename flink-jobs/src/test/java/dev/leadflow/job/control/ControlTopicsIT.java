package dev.leadflow.job.control;

import static dev.leadflow.job.Events.buyer;
import static dev.leadflow.job.Events.identify;
import static dev.leadflow.job.Events.page;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ControlCommand;
import dev.leadflow.avro.ControlCommandType;
import dev.leadflow.avro.ErasureConfirmation;
import dev.leadflow.avro.ErasureRequest;
import dev.leadflow.job.CollectingMetricReporter;
import dev.leadflow.job.Events;
import dev.leadflow.job.ItSupport;
import dev.leadflow.job.JobMetrics;
import dev.leadflow.job.JobSettings;
import dev.leadflow.job.LeadFlowJob;
import dev.leadflow.job.LeadFlowPipeline;
import dev.leadflow.job.SavepointState;
import dev.leadflow.job.ScoringModelDocuments;
import dev.leadflow.job.ingest.DeadLetterSerializer;
import dev.leadflow.queue.Claim;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.Outcome;
import dev.leadflow.queue.QueuedLead;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.queue.RedisMentions;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * The control topics against one running job: a scoring model published on
 * {@code leadflow.scoring-model} is applied without restart (a bad one is dead-lettered with its
 * reason and the model in force stays), and after Redis restarts without persistence a
 * {@code REBUILD_QUEUE} command on {@code leadflow.control} rebuilds the queue from the job's state;
 * an erasure request on {@code leadflow.privacy} leaves nothing of the lead in Redis nor in a
 * savepoint of the running job, and is confirmed on {@code leadflow.privacy-confirmations}; a job
 * started again without state, in the same consumer group, scores with the newest model on the topic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class ControlTopicsIT {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = ItSupport.cluster(
            3, CollectingMetricReporter.configure(ItSupport.clusterConfig("control-it-checkpoints"))); // the job takes 2 slots; reading a savepoint runs a job of 1

    private static final String REGISTRY_URL = "mock://control-topics-it";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(2, ChronoUnit.HOURS);
    private static final String V2 = "2026.11-control-it";

    private static SchemaRegistryClient registry;
    private static AvroWireSerializer<ClickEvent> clicks;
    private static HandoffQueue queue;
    private static JobClient job;
    private static int leads;

    @BeforeAll
    static void startJob() throws Exception {
        KAFKA.broker().createTopics(1, Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES, Topics.HANDOFFS, Topics.DLQ,
                Topics.SCORING_MODEL, Topics.CONTROL, Topics.PRIVACY, Topics.PRIVACY_CONFIRMATIONS);
        registry = SchemaRegistryClient.create(RegistryConfig.of(REGISTRY_URL));
        clicks = new AvroWireSerializer<>(registry, Topics.valueSubject(Topics.CLICKSTREAM), ClickEvent.getClassSchema());
        queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
    }

    /**
     * Once, before the first test: the class's cluster is the context environment only from each test's
     * {@code beforeEach} on (from {@code @BeforeAll}, the job would run on a local cluster of its own).
     */
    @BeforeEach
    void startJobOnce() throws Exception {
        if (job == null) {
            job = start("control-topics-it");
        }
    }

    /** The job with the default model on the command line, in consumer group {@code leadflow-scoring}. */
    private static JobClient start(String name) throws Exception {
        JobSettings s = new JobSettings();
        s.bootstrapServers = KAFKA.broker().bootstrapServers();
        s.registryUrl = REGISTRY_URL;
        s.redisUri = REDIS.uri();
        s.checkpointInterval = Duration.ofSeconds(1);
        s.parallelism = 2;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LeadFlowJob.configure(env, s);
        LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s), LeadFlowJob.kafkaOutputs(s),
                ScoringModel.defaults(), s);
        return env.executeAsync(name);
    }

    @AfterAll
    static void stopJob() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
        if (queue != null) {
            queue.close();
        }
    }

    @Test
    @Order(1)
    void aModelPublishedAtRunTimeIsAppliedWithoutRestartAndABadOneIsRejectedWithItsReason() throws Exception {
        assertThat(modelVersionOf(qualify())).isEqualTo(ScoringModelDocuments.DEFAULT_VERSION);

        publishModel(ScoringModelDocuments.edited(V2));
        // The control stream and the events are not ordered with each other: qualify new leads until
        // one is scored with the new model.
        String lead = Await.until(TIMEOUT, "a handoff scored with model " + V2, () -> {
            String next = qualify();
            return V2.equals(modelVersionOf(next)) ? Optional.of(next) : Optional.empty();
        });
        assertThat(lead).isNotNull();
        // every lead-scoring subtask reports the version in force: 1 for V2, 0 for the one before
        String jobId = job.getJobID().toString();
        Await.until(TIMEOUT, "leadflow_scoring_model_in_force 1 for " + V2 + " on both subtasks", () ->
                modelInForce(jobId, V2).equals(List.of(1, 1)));
        assertThat(modelInForce(jobId, ScoringModelDocuments.DEFAULT_VERSION)).containsExactly(0, 0);

        String bad = ScoringModelDocuments.edited("2026.11-broken", "bonusPerEngagedLead: 5", "bonusPerEngagedLead: -5");
        long badOffset = publishModel(bad);
        ConsumerRecord<byte[], byte[]> dead = Await.until(TIMEOUT, "the bad model in the DLQ", () ->
                KAFKA.broker().readAll(Topics.DLQ).stream()
                        .filter(r -> header(r, DeadLetterSerializer.HEADER_TOPIC).equals(Topics.SCORING_MODEL))
                        .filter(r -> header(r, DeadLetterSerializer.HEADER_OFFSET).equals(Long.toString(badOffset)))
                        .findFirst());
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo(bad);
        assertThat(header(dead, DeadLetterSerializer.HEADER_ERROR_MESSAGE)).contains("account.bonusPerEngagedLead");

        // The bad model changed nothing: the next lead is still scored with V2.
        assertThat(modelVersionOf(qualify())).isEqualTo(V2);
    }

    @Test
    @Order(2)
    void afterRedisRestartsWithoutPersistenceARebuildCommandRestoresTheQueueFromTheJobsState() throws Exception {
        List<QueuedLead> before = queue.peek("default", 1000);
        assertThat(before).hasSizeGreaterThanOrEqualTo(3);

        REDIS.server().restart(); // no AOF, no RDB: Redis comes back empty
        assertThat(Await.until(TIMEOUT, "redis back", () -> {
            try {
                return Optional.of(queue.depth("default"));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        })).as("the restart lost the queue").isZero();

        long requested = System.nanoTime();
        AvroWireSerializer<ControlCommand> commands = new AvroWireSerializer<>(registry,
                Topics.valueSubject(Topics.CONTROL), ControlCommand.getClassSchema());
        KAFKA.broker().send(List.of(new ProducerRecord<>(Topics.CONTROL, null,
                commands.serialize(new ControlCommand("rebuild-1", Instant.now(), ControlCommandType.REBUILD_QUEUE, "it")))));
        Await.until(TIMEOUT, "the queue rebuilt", () -> queue.peek("default", 1000).equals(before));
        long rebuildMillis = (System.nanoTime() - requested) / 1_000_000;
        System.out.printf("queue rebuild: %d handoffs restored in %d ms after the command%n", before.size(), rebuildMillis);
        assertThat(queue.peek("default", 1000)).isEqualTo(before);
    }

    @Test
    @Order(3)
    void anErasureLeavesNothingOfTheLeadInRedisNorInTheJobsStateAndIsConfirmed() throws Exception {
        // two people of one account: each handoff tells its lead's story and names the other (the name holds the id)
        String lead = qualify("erase-me-7f3a", "erase-me.io");
        String other = qualify("ctl-colleague-of-erase-me", "erase-me.io");
        modelVersionOf(lead);
        JsonNode colleague = Await.until(TIMEOUT, other + "'s handoff naming " + lead, () -> queue.get("default", other)
                .map(q -> json(q.payload()))
                .filter(p -> p.path("account").path("people").toString().contains("Ada " + lead)));
        assertThat(colleague.path("story").toString()).contains("Demo requested", "Identified (form filled)");
        Claim claim = null;
        for (int i = 0; i < 100 && (claim == null || !claim.leadId().equals(lead)); i++) {
            claim = queue.claim("default", "seller-" + i, Duration.ofMinutes(5)).orElseThrow();
        }
        assertThat(claim.leadId()).as("a seller holds the lead").isEqualTo(lead);

        AvroWireSerializer<ErasureRequest> requests = new AvroWireSerializer<>(registry,
                Topics.valueSubject(Topics.PRIVACY), ErasureRequest.getClassSchema());
        long requested = System.nanoTime();
        KAFKA.broker().send(List.of(new ProducerRecord<>(Topics.PRIVACY, lead.getBytes(StandardCharsets.UTF_8),
                requests.serialize(new ErasureRequest("erasure-1", Instant.now(), lead, "dpo-ticket-12")))));

        AvroWireDeserializer<ErasureConfirmation> confirmations = new AvroWireDeserializer<>(registry, ErasureConfirmation.class);
        ErasureConfirmation confirmed = Await.until(TIMEOUT, "the erasure confirmed", () ->
                KAFKA.broker().readAll(Topics.PRIVACY_CONFIRMATIONS).stream()
                        .map(r -> confirmations.deserialize(r.value()))
                        .filter(c -> c.getRequestId().toString().equals("erasure-1"))
                        .findFirst());
        System.out.printf("erasure: confirmed %d ms after the request%n", (System.nanoTime() - requested) / 1_000_000);
        assertThat(confirmed.getLeadId().toString()).isEqualTo(lead);
        assertThat(confirmed.getRequestedBy().toString()).isEqualTo("dpo-ticket-12");
        assertThat(confirmed.getQueuesPurged()).extracting(CharSequence::toString).contains("default");

        assertThat(mentionsInRedis(lead)).as("Redis keys and values naming the lead").isEmpty();
        assertThat(queue.accept("default", lead, claim.leaseToken())).as("the claim is gone").isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(queue.get("default", other)).as("another lead stays").isPresent();

        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "control-it-savepoints");
        String savepoint = job.triggerSavepoint(dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        SavepointState state = SavepointState.read(savepoint);
        assertThat(state.mentions(text -> text.contains(lead))).as("state naming the lead or its anonymous id").isEmpty();
        assertThat(state.mentions(text -> text.contains(other))).as("the other lead's state is there").isNotEmpty();
    }

    @Test
    @Order(4)
    void aJobStartedWithoutStateScoresWithTheNewestModelOnTheTopicNotItsCommandLineModel() throws Exception {
        // The group has committed offsets past V2 (and the bad document after it): before the
        // scoring-model topic was read from its earliest offset on every start, a job started
        // without state in the same group never saw V2 again and scored with --model for good.
        ItSupport.awaitConsumed(KAFKA.broker(), new JobSettings().groupId, List.of(Topics.SCORING_MODEL), 1, TIMEOUT);
        job.cancel().get();
        job = start("control-topics-it-restarted");
        // Events read before the model topic are scored with --model (docs/scoring-model.md),
        // so wait for the switch rather than expect it of the first lead.
        Await.until(TIMEOUT, "a lead scored with " + V2 + " by the restarted job", () ->
                V2.equals(modelVersionOf(qualify())) ? Optional.of(true) : Optional.empty());
        String jobId = job.getJobID().toString();
        Await.until(TIMEOUT, "the restarted job reports " + V2 + " in force on both subtasks", () ->
                modelInForce(jobId, V2).equals(List.of(1, 1)));
    }

    private static List<String> mentionsInRedis(String text) {
        try (RedisClient redis = RedisConfig.fromUri(REDIS.uri()).connect()) {
            return RedisMentions.of(redis, text);
        }
    }

    private static String qualify() {
        return qualify("ctl-lead-" + (leads + 1));
    }

    private static String qualify(String lead) {
        return qualify(lead, lead + ".io");
    }

    /** Publishes events that hand a new lead (150 people, US: the default queue) off at once; returns its id. */
    private static String qualify(String lead, String domain) {
        leads++;
        String anon = "anon-" + lead;
        Instant at = T0.plus(leads, ChronoUnit.MINUTES);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (ClickEvent e : List.of(identify(lead, anon, at, buyer("Ada", lead, "VP Marketing", domain, "150", "US")),
                Events.track(lead, anon, "demo_requested", at.plusSeconds(1)))) {
            records.add(new ProducerRecord<>(Topics.CLICKSTREAM, lead.getBytes(StandardCharsets.UTF_8), clicks.serialize(e)));
        }
        KAFKA.broker().send(records);
        return lead;
    }

    /** The values of the job's model-in-force gauges for that version, one per lead-scoring subtask. */
    private static List<Integer> modelInForce(String jobId, String version) {
        return CollectingMetricReporter.find(JobMetrics.MODEL_IN_FORCE,
                        Map.of(JobMetrics.MODEL_VERSION, version, "job_id", jobId)).stream()
                .map(r -> ((Number) ((org.apache.flink.metrics.Gauge<?>) r.metric()).getValue()).intValue())
                .toList();
    }

    private static JsonNode json(String payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String modelVersionOf(String lead) {
        QueuedLead queued = Await.until(TIMEOUT, lead + " queued", () -> queue.get("default", lead));
        try {
            JsonNode payload = JSON.readTree(queued.payload());
            return payload.get("modelVersion").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long publishModel(String yaml) throws Exception {
        try (var producer = KAFKA.broker().producer()) {
            return producer.send(new ProducerRecord<>(Topics.SCORING_MODEL,
                    "model".getBytes(StandardCharsets.UTF_8), yaml.getBytes(StandardCharsets.UTF_8))).get().offset();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
