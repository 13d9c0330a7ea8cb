package dev.leadflow.job.ingest;

import static dev.leadflow.job.Events.buyer;
import static dev.leadflow.job.Events.campaign;
import static dev.leadflow.job.Events.identify;
import static dev.leadflow.job.Events.sales;
import static dev.leadflow.job.Events.track;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.Channel;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.EngagementAction;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.job.AuditTrail;
import dev.leadflow.job.CollectingMetricReporter;
import dev.leadflow.job.ItSupport;
import dev.leadflow.job.JobMetrics;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 5 of issue 6, the schema registry unreachable, against a real HTTP registry endpoint
 * that is stopped (connection refused), restarted on the same port answering 503 for the new id,
 * then healthy again:
 * records whose schema ids the job has cached keep flowing on every topic; a record with a new id
 * waits (retried with backoff, counted, not dead-lettered, no restart) and is scored once the
 * registry is back; a definite "not found" (40403) still goes to the DLQ.
 */
public class RegistryOutageIT {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = ItSupport.cluster(2,
            CollectingMetricReporter.configure(ItSupport.restartingOften(ItSupport.clusterConfig("registry-outage-it-checkpoints"))));

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(3, ChronoUnit.HOURS);
    private static final List<String> INPUTS = List.of(Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES);
    private static final String GROUP = "registry-outage-it";

    private static FakeRegistryServer server;
    private static SchemaRegistryClient registry;
    private static HandoffQueue queue;

    @BeforeAll
    static void setUp() throws Exception {
        server = new FakeRegistryServer();
        registry = SchemaRegistryClient.create(RegistryConfig.of(server.url()));
        KAFKA.broker().createTopics(2, INPUTS.toArray(String[]::new));
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
    void cachedIdsFlowNewIdsWaitForTheRegistryAndUnknownIdsAreDeadLettered() throws Exception {
        var clicks = new AvroWireSerializer<ClickEvent>(registry, Topics.valueSubject(Topics.CLICKSTREAM), ClickEvent.getClassSchema());
        var campaigns = new AvroWireSerializer<CampaignEngagement>(registry, Topics.valueSubject(Topics.CAMPAIGN),
                CampaignEngagement.getClassSchema());
        var salesActivities = new AvroWireSerializer<SalesActivity>(registry, Topics.valueSubject(Topics.SALES),
                SalesActivity.getClassSchema());
        // A second version of the click schema (same fields, new doc: a new id), registered while
        // the registry is up, but no record written with it reaches the job before the outage.
        var clicksV2 = new AvroWireSerializer<ClickEvent>(registry, Topics.valueSubject(Topics.CLICKSTREAM), withDoc(
                ClickEvent.getClassSchema(), "ClickEvent, version 2"));
        int newId = clicksV2.schemaId();
        int events = 0;

        // 1. Registry up: every source split (both partitions of each topic) sees a record and
        // caches its topic's schema id. lead-a0 and lead-a1 raise hands; lead-c is queued too.
        List<ProducerRecord<byte[], byte[]>> warmUp = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            String lead = "lead-a" + p;
            warmUp.add(on(Topics.CLICKSTREAM, p, lead, clicks.serialize(identify(lead, "anon-a" + p, T0, senior(lead)))));
            warmUp.add(on(Topics.CLICKSTREAM, p, lead, clicks.serialize(track(lead, "anon-a" + p, "demo_requested", T0.plus(1, ChronoUnit.MINUTES)))));
            warmUp.add(on(Topics.CAMPAIGN, p, lead, campaigns.serialize(
                    campaign(lead, Channel.EMAIL, EngagementAction.OPENED, T0.plus(2, ChronoUnit.MINUTES)))));
            warmUp.add(on(Topics.SALES, p, "lead-x" + p, salesActivities.serialize(
                    sales("lead-x" + p, SalesActivityType.CLOSED_LOST, "s1", T0))));
        }
        warmUp.add(on(Topics.CLICKSTREAM, 0, "lead-c", clicks.serialize(identify("lead-c", "anon-c", T0, senior("lead-c")))));
        warmUp.add(on(Topics.CLICKSTREAM, 0, "lead-c", clicks.serialize(track("lead-c", "anon-c", "contact_sales", T0.plus(1, ChronoUnit.MINUTES)))));
        KAFKA.broker().send(warmUp);
        events += warmUp.size();

        JobClient job = ItSupport.start(ItSupport.settings(KAFKA.broker(), server.url(), REDIS.uri(), GROUP, 2), "registry-outage-it");
        String jobId = job.getJobID().toString();
        try {
            Await.until(TIMEOUT, "the warm-up leads queued", () -> queuedLeads().keySet().containsAll(List.of("lead-a0", "lead-a1", "lead-c")));
            ItSupport.awaitConsumed(KAFKA.broker(), GROUP, INPUTS, 2, TIMEOUT);

            // 2. The registry goes away (connection refused). Records whose ids are cached need
            // no registry: they keep flowing on every topic.
            server.stop();
            List<ProducerRecord<byte[], byte[]>> during = new ArrayList<>();
            during.add(on(Topics.CLICKSTREAM, 1, "lead-b", clicks.serialize(identify("lead-b", "anon-b", T0.plus(10, ChronoUnit.MINUTES), senior("lead-b")))));
            during.add(on(Topics.CLICKSTREAM, 1, "lead-b", clicks.serialize(track("lead-b", "anon-b", "trial_started", T0.plus(11, ChronoUnit.MINUTES)))));
            during.add(on(Topics.CAMPAIGN, 0, "lead-b", campaigns.serialize(
                    campaign("lead-b", Channel.WEBINAR, EngagementAction.ATTENDED, T0.plus(12, ChronoUnit.MINUTES)))));
            during.add(on(Topics.SALES, 1, "lead-c", salesActivities.serialize(
                    sales("lead-c", SalesActivityType.CALL, "s9", T0.plus(13, ChronoUnit.MINUTES)))));
            KAFKA.broker().send(during);
            events += during.size();
            Await.until(TIMEOUT, "cached ids flow during the outage: lead-b queued with its webinar, lead-c withdrawn after a call",
                    () -> {
                        Map<String, String> q = queuedLeads();
                        return q.containsKey("lead-b") && q.get("lead-b").contains("campaign:WEBINAR:ATTENDED") && !q.containsKey("lead-c");
                    });
            assertThat(retries(jobId)).as("no lookup was needed").isZero();

            // 3. Still down: a record with the new id waits on clickstream partition 0 (retried
            // with backoff, not dead-lettered), as does the record behind it. An id nobody
            // registered cannot be told from a new one while the registry is down, so it waits too.
            byte[] unknown = clicks.serialize(track("lead-u", "anon-u", "demo_requested", T0.plus(14, ChronoUnit.MINUTES)));
            ByteBuffer.wrap(unknown).putInt(1, 987_654);
            long unknownOffset;
            try (var producer = KAFKA.broker().producer()) {
                producer.send(on(Topics.CLICKSTREAM, 0, "lead-n", clicksV2.serialize(
                        identify("lead-n", "anon-n", T0.plus(10, ChronoUnit.MINUTES), senior("lead-n"))))).get();
                producer.send(on(Topics.CLICKSTREAM, 0, "lead-n", clicks.serialize(
                        track("lead-n", "anon-n", "demo_requested", T0.plus(11, ChronoUnit.MINUTES))))).get();
                unknownOffset = producer.send(on(Topics.CLICKSTREAM, 1, "lead-u", unknown)).get().offset();
            }
            events += 3;
            Await.until(TIMEOUT, "connection refused retried", () -> retries(jobId) >= 3);
            assertThat(KAFKA.broker().readAll(Topics.DLQ)).as("nothing dead-lettered for the outage").isEmpty();

            // A call for lead-a0 arrives while those wait. It may have to wait too: the stateful
            // operators also read the broadcast control stream, and Flink aligns checkpoint barriers
            // on broadcast inputs, so once a checkpoint starts they hold the other inputs until the
            // waiting source passes its barrier. It must not be lost: the final queue (below) has
            // lead-a0 withdrawn.
            KAFKA.broker().send(List.of(on(Topics.SALES, 0, "lead-a0", salesActivities.serialize(
                    sales("lead-a0", SalesActivityType.CALL, "s9", T0.plus(15, ChronoUnit.MINUTES))))));
            events += 1;
            assertThat(retries(jobId)).as("the new id is still being retried").isGreaterThanOrEqualTo(3);

            // 4. Back on the same port but answering 503 for the new id: still retried.
            server.stub("GET", "/schemas/ids/" + newId, 503, FakeRegistryServer.error(50301, "Service unavailable"));
            server.restart();
            Await.until(TIMEOUT, "the 503 retried", () -> server.count("GET", "/schemas/ids/" + newId) >= 2);
            assertThat(queuedLeads()).as("the new-id lead waits").doesNotContainKey("lead-n");
            // (the unknown id may already be dead-lettered: the registry answers 40403 for it now)
            assertThat(KAFKA.broker().readAll(Topics.DLQ)).as("only a definite not-found is dead-lettered")
                    .allSatisfy(r -> assertThat(header(r, DeadLetterSerializer.HEADER_ERROR_MESSAGE)).contains("40403"));
            assertThat(CollectingMetricReporter.gauge("numRestarts", Map.of("job_id", jobId))).isEqualTo(0L);

            // 5. Healthy again: the waiting records flow; the unknown id is now a definite 40403
            // and goes to the DLQ with its position.
            server.unstub("GET", "/schemas/ids/" + newId);
            long back = System.nanoTime();
            Await.until(TIMEOUT, "lead-n scored after the registry returned", () -> queuedLeads().containsKey("lead-n"));
            long recoveryMs = (System.nanoTime() - back) / 1_000_000;
            List<ConsumerRecord<byte[], byte[]>> dlq = KAFKA.broker().readUntil(Topics.DLQ, r -> !r.isEmpty(), TIMEOUT);
            ItSupport.awaitConsumed(KAFKA.broker(), GROUP, INPUTS, 2, TIMEOUT);

            assertThat(dlq).hasSize(1);
            assertThat(header(dlq.get(0), DeadLetterSerializer.HEADER_TOPIC)).isEqualTo(Topics.CLICKSTREAM);
            assertThat(header(dlq.get(0), DeadLetterSerializer.HEADER_PARTITION)).isEqualTo("1");
            assertThat(header(dlq.get(0), DeadLetterSerializer.HEADER_OFFSET)).isEqualTo(Long.toString(unknownOffset));
            assertThat(header(dlq.get(0), DeadLetterSerializer.HEADER_ERROR_MESSAGE)).contains("error code 40403");

            Map<String, String> finalQueue = queuedLeads();
            assertThat(finalQueue).containsOnlyKeys("lead-a1", "lead-b", "lead-n");
            assertThat(new ObjectMapper().readTree(finalQueue.get("lead-n")).get("email").asText())
                    .as("the identify written with the new id was read: the lead has its traits").isEqualTo("lead-n@co-lead-n.com");
            List<LeadHandoff> audit = AuditTrail.read(KAFKA.broker(), registry);
            assertThat(AuditTrail.openHandoffs(audit)).containsOnlyKeys("lead-a1", "lead-b", "lead-n");
            assertThat(AuditTrail.duplicated(audit)).isZero();
            assertThat(CollectingMetricReporter.gauge("numRestarts", Map.of("job_id", jobId))).isEqualTo(0L);
            assertThat(CollectingMetricReporter.counter(JobMetrics.DLQ_RECORDS, Map.of("job_id", jobId))).isEqualTo(1);
            System.out.printf("registry outage: %d events in, handoffs expected 5 (3 queued, 2 withdrawn), lost 0,"
                    + " duplicated %d, registry retries %d, recovery (registry back -> new-id lead queued) %d ms%n",
                    events, AuditTrail.duplicated(audit), retries(jobId), recoveryMs);
        } finally {
            job.cancel().get();
        }
    }

    // ---------------------------------------------------------------------------------------

    private static Map<String, String> senior(String lead) {
        return buyer(lead, "Lead", "VP Sales", "co-" + lead + ".com", "5000", "US");
    }

    private static Schema withDoc(Schema schema, String doc) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = (ObjectNode) json.readTree(schema.toString());
        node.put("doc", doc);
        return new Schema.Parser().parse(json.writeValueAsString(node));
    }

    private static ProducerRecord<byte[], byte[]> on(String topic, int partition, String key, byte[] value) {
        return new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static long retries(String jobId) {
        return CollectingMetricReporter.counter(JobMetrics.REGISTRY_RETRIES, Map.of("job_id", jobId));
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

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
