package dev.leadflow.job;

import static dev.leadflow.job.Events.buyer;
import static dev.leadflow.job.Events.identify;
import static dev.leadflow.job.Events.track;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueuedLead;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.FakeRegistryServer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, the checkpoint policy: a schema-registry outage longer than the checkpoint timeout. A
 * record with a schema id the job has not cached waits (retried) in its source subtask, which then
 * cannot take a checkpoint; the checkpoints expire one after the other. Those failures are
 * tolerated (--tolerable-checkpoint-failures), so the job does not restart — a restart would only
 * restore the source in front of the same record — and once the registry is back every record
 * arrives and checkpoints complete again. The cluster restarts quickly and often, so that a
 * restart would show in numRestarts instead of failing the job.
 */
class CheckpointTimeoutIT {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = ItSupport.cluster(2,
            CollectingMetricReporter.configure(ItSupport.restartingOften(ItSupport.clusterConfig("checkpoint-timeout-it-checkpoints"))));

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CHECKPOINT_TIMEOUT = Duration.ofSeconds(2);
    /** Expired checkpoints the outage lasts for: longer than the timeout several times over. */
    private static final int EXPIRED_DURING_OUTAGE = 3;
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(3, ChronoUnit.HOURS);
    private static final List<String> INPUTS = List.of(Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES);
    private static final String GROUP = "checkpoint-timeout-it";

    private static FakeRegistryServer server;
    private static SchemaRegistryClient registry;
    private static HandoffQueue queue;

    @BeforeAll
    static void setUp() throws Exception {
        server = new FakeRegistryServer();
        registry = SchemaRegistryClient.create(RegistryConfig.of(server.url()));
        KAFKA.broker().createTopics(1, INPUTS.toArray(String[]::new));
        KAFKA.broker().createTopics(1, Topics.HANDOFFS, Topics.DLQ);
        queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
    }

    @AfterAll
    static void tearDown() {
        if (queue != null) {
            queue.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anOutageLongerThanTheCheckpointTimeoutNeitherRestartsTheJobNorLosesRecords() throws Exception {
        var clicks = new AvroWireSerializer<ClickEvent>(registry, Topics.valueSubject(Topics.CLICKSTREAM), ClickEvent.getClassSchema());
        var clicksV2 = new AvroWireSerializer<ClickEvent>(registry, Topics.valueSubject(Topics.CLICKSTREAM),
                withDoc(ClickEvent.getClassSchema(), "ClickEvent, version 2"));
        assertThat(clicksV2.schemaId()).as("a second id").isNotEqualTo(clicks.schemaId());
        KAFKA.broker().send(List.of(
                on("lead-a", clicks.serialize(identify("lead-a", "anon-a", T0, senior("lead-a")))),
                on("lead-a", clicks.serialize(track("lead-a", "anon-a", "demo_requested", T0.plus(1, ChronoUnit.MINUTES))))));

        JobSettings settings = ItSupport.settings(KAFKA.broker(), server.url(), REDIS.uri(), GROUP, 1);
        settings.checkpointTimeout = CHECKPOINT_TIMEOUT;
        JobClient job = ItSupport.start(settings.validate(), "checkpoint-timeout-it");
        Map<String, String> ofJob = Map.of("job_id", job.getJobID().toString());
        try {
            Await.until(TIMEOUT, "lead-a queued (the v1 id cached)", () -> queuedLeads().containsKey("lead-a"));
            Await.until(TIMEOUT, "a checkpoint completed", () -> gauge("numberOfCompletedCheckpoints", ofJob) >= 1);

            // The registry goes away; a record with the new id waits, and records behind it on the
            // same partition wait with it.
            server.stop();
            KAFKA.broker().send(List.of(
                    on("lead-n", clicksV2.serialize(identify("lead-n", "anon-n", T0.plus(10, ChronoUnit.MINUTES), senior("lead-n")))),
                    on("lead-n", clicks.serialize(track("lead-n", "anon-n", "demo_requested", T0.plus(11, ChronoUnit.MINUTES)))),
                    on("lead-b", clicks.serialize(identify("lead-b", "anon-b", T0.plus(12, ChronoUnit.MINUTES), senior("lead-b")))),
                    on("lead-b", clicks.serialize(track("lead-b", "anon-b", "demo_requested", T0.plus(13, ChronoUnit.MINUTES))))));
            Await.until(TIMEOUT, "the new id retried",
                    () -> CollectingMetricReporter.counter(JobMetrics.REGISTRY_RETRIES, ofJob) >= 1);
            long failedBefore = gauge("numberOfFailedCheckpoints", ofJob);
            Await.until(TIMEOUT, EXPIRED_DURING_OUTAGE + " checkpoints expired during the outage",
                    () -> gauge("numberOfFailedCheckpoints", ofJob) >= failedBefore + EXPIRED_DURING_OUTAGE);
            assertThat(gauge("numRestarts", ofJob)).as("expired checkpoints are tolerated: no restart").isZero();
            assertThat(queuedLeads()).doesNotContainKeys("lead-n", "lead-b");

            // Back: every waiting record arrives, checkpoints complete again, still no restart.
            server.restart();
            long completedAtReturn = gauge("numberOfCompletedCheckpoints", ofJob);
            Await.until(TIMEOUT, "lead-n and lead-b queued after the registry returned",
                    () -> queuedLeads().keySet().containsAll(List.of("lead-a", "lead-n", "lead-b")));
            Await.until(TIMEOUT, "checkpoints complete again", () -> gauge("numberOfCompletedCheckpoints", ofJob) > completedAtReturn);
            ItSupport.awaitConsumed(KAFKA.broker(), GROUP, INPUTS, 1, TIMEOUT);

            assertThat(new ObjectMapper().readTree(queuedLeads().get("lead-n")).get("email").asText())
                    .as("the identify written with the new id was read").isEqualTo("lead-n@co-lead-n.com");
            assertThat(KAFKA.broker().readAll(Topics.DLQ)).as("nothing dead-lettered for the outage").isEmpty();
            assertThat(gauge("numRestarts", ofJob)).isZero();
        } finally {
            job.cancel().get();
        }
    }

    private static long gauge(String name, Map<String, String> labels) {
        Object v = CollectingMetricReporter.gauge(name, labels);
        return v == null ? 0 : ((Number) v).longValue();
    }

    private static Schema withDoc(Schema schema, String doc) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = (ObjectNode) json.readTree(schema.toString());
        node.put("doc", doc);
        return new Schema.Parser().parse(json.writeValueAsString(node));
    }

    private static Map<String, String> senior(String lead) {
        return buyer(lead, "Lead", "VP Sales", "co-" + lead + ".com", "5000", "US");
    }

    private static ProducerRecord<byte[], byte[]> on(String key, byte[] value) {
        return new ProducerRecord<>(Topics.CLICKSTREAM, 0, key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** Every queued lead with its payload, all queues together. */
    private static Map<String, String> queuedLeads() {
        Map<String, String> all = new TreeMap<>();
        for (String q : queue.queues()) {
            for (QueuedLead l : queue.peek(q, 100)) {
                all.put(l.leadId(), l.payload());
            }
        }
        return all;
    }
}
