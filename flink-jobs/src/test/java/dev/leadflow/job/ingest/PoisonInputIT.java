package dev.leadflow.job.ingest;

import static dev.leadflow.job.Events.buyer;
import static dev.leadflow.job.Events.campaign;
import static dev.leadflow.job.Events.click;
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
import dev.leadflow.avro.ClickType;
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
import dev.leadflow.schemas.MockSchemaRegistryClient;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.schemas.WireFormat;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 4 of issue 6, poison input on every input topic: on both partitions of each topic,
 * between valid events, nine kinds of bad record — garbage bytes, a wrong magic byte, an unknown
 * schema id, truncated Avro, a writer schema registered under the subject (compatibility NONE)
 * that cannot be read into the reader schema, a tombstone (null value), a 1 MiB value, and two
 * well-formed events of lead-0 whose occurred_at cannot be true (issue 12: one dated 2099, one
 * in 1970 as when seconds are sent as milliseconds). Every
 * one lands in {@code leadflow.dlq} with its exact source position and a clear error, the job
 * never restarts, and every valid event around them is scored (the exact queue content): let
 * through, the future-dated events would have moved lead-0's clock past all its later events.
 */
public class PoisonInputIT {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = ItSupport.cluster(2,
            CollectingMetricReporter.configure(ItSupport.restartingOften(ItSupport.clusterConfig("poison-it-checkpoints"))));

    private static final String SCOPE = "poison-input-it";
    private static final String REGISTRY_URL = "mock://" + SCOPE;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(3, ChronoUnit.HOURS);
    private static final List<String> INPUTS = List.of(Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES);
    private static final int ONE_MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A kind of poison and the words its DLQ error message must contain. */
    private enum Kind {
        GARBAGE("unknown magic byte 0x67"),
        WRONG_MAGIC("unknown magic byte 0x01"),
        UNKNOWN_SCHEMA_ID("Schema 987654 not found"),
        TRUNCATED("corrupt or truncated Avro data"),
        UNREADABLE_WRITER_SCHEMA("cannot be read as dev.leadflow.avro."),
        TOMBSTONE("tombstone: the value is null"),
        ONE_MIB_VALUE("exceeds the 262144-byte limit for one event"),
        EVENT_TIME_IN_THE_FUTURE("years after the record's timestamp"),
        EVENT_TIME_BEFORE_2000("is before 2000-01-01T00:00:00Z");

        final String error;

        Kind(String error) {
            this.error = error;
        }
    }

    private record Sent(String topic, int partition, long offset) {}

    @Test
    void everyPoisonRecordIsDeadLetteredWithItsPositionAndEverythingAroundItIsScored() throws Exception {
        createTopics();
        SchemaRegistryClient registry = SchemaRegistryClient.create(RegistryConfig.of(REGISTRY_URL));
        Map<String, AvroWireSerializer<SpecificRecord>> serializers = new HashMap<>();
        Map<String, byte[]> unreadable = new HashMap<>();
        for (String topic : INPUTS) {
            unreadable.put(topic, unreadableWriterSchemaValue(registry, topic, serializers));
        }

        // Four hand-raising leads, each with events on all three topics: an owner (sales), an
        // identity and three pricing visits (clicks), a webinar (campaign) and a demo request.
        // The first half of every lead's events goes in before the poison, the rest after it.
        List<ProducerRecord<byte[], byte[]>> before = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> after = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String lead = "lead-" + i;
            String anon = "anon-" + i;
            before.add(valid(serializers, Topics.SALES, lead, sales(lead, SalesActivityType.OWNER_ASSIGNED, "s" + i, T0)));
            before.add(valid(serializers, Topics.CLICKSTREAM, lead,
                    identify(lead, anon, T0, buyer("P" + i, "L" + i, "VP Sales", "co" + i + ".com", "5000", "US"))));
            before.add(valid(serializers, Topics.CLICKSTREAM, lead, page(lead, anon, "pricing", T0.plus(1, ChronoUnit.MINUTES))));
            after.add(valid(serializers, Topics.CLICKSTREAM, lead, page(lead, anon, "pricing", T0.plus(2, ChronoUnit.MINUTES))));
            after.add(valid(serializers, Topics.CLICKSTREAM, lead, page(lead, anon, "pricing", T0.plus(3, ChronoUnit.MINUTES))));
            after.add(valid(serializers, Topics.CAMPAIGN, lead,
                    campaign(lead, Channel.WEBINAR, EngagementAction.ATTENDED, T0.plus(4, ChronoUnit.MINUTES))));
            after.add(valid(serializers, Topics.CLICKSTREAM, lead, track(lead, anon, "demo_requested", T0.plus(5, ChronoUnit.MINUTES))));
        }
        // Valid records on both partitions of every topic, so poison sits between valid events everywhere.
        for (String topic : INPUTS) {
            for (int p = 0; p < 2; p++) {
                before.add(withPartition(valid(serializers, topic, "filler", filler(topic, "filler-" + topic + "-" + p)), p));
                after.add(withPartition(valid(serializers, topic, "filler", filler(topic, "filler-after-" + topic + "-" + p)), p));
            }
        }

        Map<Sent, Kind> poison = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = largeRecordProducer()) {
            sendAll(producer, before);
            for (String topic : INPUTS) {
                byte[] valid = serializers.get(topic).serialize(filler(topic, "template"));
                for (int p = 0; p < 2; p++) {
                    for (Kind kind : Kind.values()) {
                        byte[] value = poisonValue(kind, valid, unreadable.get(topic), serializers, topic);
                        RecordMetadata m = producer.send(new ProducerRecord<>(topic, p,
                                ("poison-" + kind).getBytes(StandardCharsets.UTF_8), value)).get();
                        poison.put(new Sent(topic, m.partition(), m.offset()), kind);
                    }
                }
            }
            sendAll(producer, after);
        }
        long validCount = before.size() + after.size();

        JobClient job = ItSupport.start(ItSupport.settings(KAFKA.broker(), REGISTRY_URL, REDIS.uri(), "poison-it", 2), "poison-it");
        String jobId = job.getJobID().toString();
        try {
            ItSupport.awaitConsumed(KAFKA.broker(), "poison-it", INPUTS, 2, TIMEOUT);
            List<ConsumerRecord<byte[], byte[]>> dlq =
                    KAFKA.broker().readUntil(Topics.DLQ, r -> r.size() >= poison.size(), TIMEOUT);

            // Every poison record, and nothing else, is in the DLQ at its exact position with its error.
            assertThat(dlq).hasSize(poison.size());
            Map<Sent, ConsumerRecord<byte[], byte[]>> byPosition = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : dlq) {
                byPosition.put(new Sent(header(r, DeadLetterSerializer.HEADER_TOPIC),
                        Integer.parseInt(header(r, DeadLetterSerializer.HEADER_PARTITION)),
                        Long.parseLong(header(r, DeadLetterSerializer.HEADER_OFFSET))), r);
            }
            assertThat(byPosition.keySet()).containsExactlyInAnyOrderElementsOf(poison.keySet());
            poison.forEach((at, kind) -> {
                ConsumerRecord<byte[], byte[]> r = byPosition.get(at);
                assertThat(header(r, DeadLetterSerializer.HEADER_ERROR_MESSAGE)).as(kind + " at " + at).contains(kind.error);
                assertThat(header(r, DeadLetterSerializer.HEADER_ERROR_CLASS)).as(kind + " at " + at).isNotBlank();
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("poison-" + kind);
                if (kind == Kind.EVENT_TIME_IN_THE_FUTURE || kind == Kind.EVENT_TIME_BEFORE_2000) {
                    assertThat(header(r, DeadLetterSerializer.HEADER_ERROR_CLASS)).as(kind + " at " + at)
                            .isEqualTo(InputDeserializer.EventTimeOutOfRangeException.class.getName());
                }
                if (kind == Kind.TOMBSTONE) {
                    assertThat(r.value()).isNull();
                    assertThat(header(r, DeadLetterSerializer.HEADER_VALUE_BYTES)).isNull();
                } else if (kind == Kind.ONE_MIB_VALUE) {
                    assertThat(r.value()).hasSize(DeadLetter.MAX_VALUE_BYTES);
                    assertThat(header(r, DeadLetterSerializer.HEADER_VALUE_BYTES)).isEqualTo(Integer.toString(ONE_MIB));
                    assertThat(header(r, DeadLetterSerializer.HEADER_VALUE_TRUNCATED)).isEqualTo("true");
                } else {
                    assertThat(header(r, DeadLetterSerializer.HEADER_VALUE_TRUNCATED)).isNull();
                    assertThat(header(r, DeadLetterSerializer.HEADER_VALUE_BYTES)).isEqualTo(Integer.toString(r.value().length));
                }
            });

            // Every valid event around the poison was scored: each lead in its owner's queue (sales),
            // with three pricing visits (clicks), the webinar (campaign), the demo request and the
            // identity's e-mail.
            Map<String, List<String>> queued = new TreeMap<>();
            Map<String, JsonNode> payloads = new HashMap<>();
            try (HandoffQueue queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults())) {
                Await.until(TIMEOUT, "four leads queued", () -> queue.queues().stream()
                        .mapToInt(q -> queue.peek(q, 100).size()).sum() >= 4);
                for (String q : queue.queues()) {
                    for (QueuedLead l : queue.peek(q, 100)) {
                        queued.computeIfAbsent(q, k -> new ArrayList<>()).add(l.leadId());
                        payloads.put(l.leadId(), JSON.readTree(l.payload()));
                    }
                }
            }
            assertThat(queued).isEqualTo(Map.of("owner-s0", List.of("lead-0"), "owner-s1", List.of("lead-1"),
                    "owner-s2", List.of("lead-2"), "owner-s3", List.of("lead-3")));
            payloads.forEach((lead, p) -> {
                List<String> signals = new ArrayList<>();
                p.get("reasons").forEach(r -> signals.add(r.get("signal").asText()));
                assertThat(signals).as(lead).containsExactly("track:demo_requested", "page:pricing", "campaign:WEBINAR:ATTENDED");
                assertThat(p.get("reasons").get(1).get("detail").asText()).as(lead)
                        .isEqualTo("Viewed pricing 3 times in the last 24 h, +24");
                assertThat(p.get("email").asText()).isEqualTo("p" + lead.substring(5) + "@co" + lead.substring(5) + ".com");
            });
            List<LeadHandoff> audit = AuditTrail.read(KAFKA.broker(), registry);
            assertThat(AuditTrail.openHandoffs(audit)).containsOnlyKeys("lead-0", "lead-1", "lead-2", "lead-3");
            assertThat(AuditTrail.duplicated(audit)).isZero();

            // Counted per stream, and no restart.
            for (String topic : INPUTS) {
                Map<String, String> labels = Map.of("stream", InputDeserializer.streamName(topic), "job_id", jobId);
                assertThat(CollectingMetricReporter.counter(JobMetrics.DLQ_RECORDS, labels)).as(topic).isEqualTo(18);
                assertThat(CollectingMetricReporter.counter(JobMetrics.EVENT_TIME_OUT_OF_RANGE, labels)).as(topic).isEqualTo(4);
            }
            assertThat(CollectingMetricReporter.counter(JobMetrics.EVENTS_IN, Map.of("job_id", jobId)))
                    .isEqualTo(validCount + poison.size());
            assertThat(CollectingMetricReporter.gauge("numRestarts", Map.of("job_id", jobId)))
                    .as("the job never restarted").isEqualTo(0L);
            System.out.printf("poison input: %d events in (%d valid, %d poison), handoffs expected 4, queued %d,"
                    + " dead-lettered %d, lost 0, duplicated %d, restarts 0%n", validCount + poison.size(), validCount,
                    poison.size(), queued.size(), dlq.size(), AuditTrail.duplicated(audit));
        } finally {
            job.cancel().get();
        }
    }

    // ---------------------------------------------------------------------------------------

    /** Input topics that accept a 1 MiB record (the broker's default limit is 1 MiB in all). */
    private static void createTopics() throws Exception {
        try (Admin admin = KAFKA.broker().admin()) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : INPUTS) {
                topics.add(new NewTopic(t, 2, (short) 1).configs(Map.of("max.message.bytes", Integer.toString(2 * ONE_MIB))));
            }
            admin.createTopics(topics).all().get();
        }
        KAFKA.broker().createTopics(1, Topics.HANDOFFS, Topics.DLQ);
    }

    private static KafkaProducer<byte[], byte[]> largeRecordProducer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 * ONE_MIB));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void sendAll(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : records) {
            acks.add(producer.send(r));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get();
        }
    }

    private static byte[] poisonValue(Kind kind, byte[] valid, byte[] unreadable,
            Map<String, AvroWireSerializer<SpecificRecord>> serializers, String topic) {
        switch (kind) {
            case GARBAGE:
                return "garbage".getBytes(StandardCharsets.UTF_8);
            case WRONG_MAGIC: {
                byte[] v = valid.clone();
                v[0] = 1;
                return v;
            }
            case UNKNOWN_SCHEMA_ID: {
                byte[] v = valid.clone();
                ByteBuffer.wrap(v).putInt(1, 987_654);
                return v;
            }
            case TRUNCATED:
                return Arrays.copyOf(valid, valid.length / 2);
            case UNREADABLE_WRITER_SCHEMA:
                return unreadable;
            case TOMBSTONE:
                return null;
            case EVENT_TIME_IN_THE_FUTURE:
                return serializers.get(topic).serialize(ofLead0(topic, Instant.parse("2099-01-01T00:00:00Z")));
            case EVENT_TIME_BEFORE_2000:
                return serializers.get(topic).serialize(ofLead0(topic, Instant.ofEpochMilli(T0.getEpochSecond())));
            default:
                return oneMibValue(serializers, topic);
        }
    }

    /** A well-formed event of lead-0 at {@code at}: a pricing visit, a webinar, a call. */
    private static SpecificRecord ofLead0(String topic, Instant at) {
        return switch (topic) {
            case Topics.CLICKSTREAM -> page("lead-0", "anon-0", "pricing", at);
            case Topics.CAMPAIGN -> campaign("lead-0", Channel.WEBINAR, EngagementAction.ATTENDED, at);
            default -> sales("lead-0", SalesActivityType.CALL, "s0", at);
        };
    }

    /**
     * Exactly 1 MiB in the wire format: for clicks a well-formed page view of lead-0's pricing page
     * with a huge property (decoded, it would count as a fourth pricing visit), elsewhere a valid
     * header and record padded with bytes.
     */
    private static byte[] oneMibValue(Map<String, AvroWireSerializer<SpecificRecord>> serializers, String topic) {
        if (topic.equals(Topics.CLICKSTREAM)) {
            ClickEvent big = click("lead-0", "anon-0", ClickType.PAGE, "pricing", T0.plus(6, ChronoUnit.MINUTES), Map.of());
            big.getProperties().put("blob", "");
            int overhead = serializers.get(topic).serialize(big).length;
            // the string's length prefix grows from 1 to 3 varint bytes
            big.getProperties().put("blob", "x".repeat(ONE_MIB - overhead - 2));
            byte[] bytes = serializers.get(topic).serialize(big);
            assertThat(bytes).hasSize(ONE_MIB);
            return bytes;
        }
        return Arrays.copyOf(serializers.get(topic).serialize(filler(topic, "huge")), ONE_MIB);
    }

    /**
     * A value written with a schema registered under the topic's subject (set to compatibility
     * NONE, as a careless producer team might) that the job's reader schema cannot resolve:
     * {@code event_id} changed from string to long and every other required field missing.
     */
    private static byte[] unreadableWriterSchemaValue(SchemaRegistryClient registry, String topic,
            Map<String, AvroWireSerializer<SpecificRecord>> serializers) throws IOException {
        String subject = Topics.valueSubject(topic);
        serializer(serializers, registry, topic).schemaId(); // the subject has the real schema first
        MockSchemaRegistryClient.forScope(SCOPE).setCompatibility(subject, MockSchemaRegistryClient.Compatibility.NONE);
        String name = switch (topic) {
            case Topics.CLICKSTREAM -> "ClickEvent";
            case Topics.CAMPAIGN -> "CampaignEngagement";
            default -> "SalesActivity";
        };
        Schema broken = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"" + name
                + "\",\"namespace\":\"dev.leadflow.avro\",\"fields\":[{\"name\":\"event_id\",\"type\":\"long\"}]}");
        int id = registry.register(subject, broken);
        GenericRecord datum = new GenericData.Record(broken);
        datum.put("event_id", 42L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, id);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(broken).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static AvroWireSerializer<SpecificRecord> serializer(Map<String, AvroWireSerializer<SpecificRecord>> serializers,
            SchemaRegistryClient registry, String topic) {
        Schema schema = switch (topic) {
            case Topics.CLICKSTREAM -> ClickEvent.getClassSchema();
            case Topics.CAMPAIGN -> CampaignEngagement.getClassSchema();
            default -> SalesActivity.getClassSchema();
        };
        return serializers.computeIfAbsent(topic, t -> new AvroWireSerializer<>(registry, Topics.valueSubject(t), schema));
    }

    private static ProducerRecord<byte[], byte[]> valid(Map<String, AvroWireSerializer<SpecificRecord>> serializers,
            String topic, String key, SpecificRecord event) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), serializers.get(topic).serialize(event));
    }

    private static ProducerRecord<byte[], byte[]> withPartition(ProducerRecord<byte[], byte[]> r, int partition) {
        return new ProducerRecord<>(r.topic(), partition, r.key(), r.value());
    }

    /** A valid event of the topic's type for a lead that never qualifies. */
    private static SpecificRecord filler(String topic, String lead) {
        return switch (topic) {
            case Topics.CLICKSTREAM -> page(lead, "anon-" + lead, "blog", T0);
            case Topics.CAMPAIGN -> campaign(lead, Channel.EMAIL, EngagementAction.OPENED, T0);
            default -> sales(lead, SalesActivityType.CALL, "s-filler", T0);
        };
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
