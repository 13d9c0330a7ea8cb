package dev.leadflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.embedded.redis.RedisServer;
import dev.leadflow.job.JobSettings;
import dev.leadflow.launcher.Ports;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueuedLead;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a user runs it, generator off: a hand-raiser produced by hand (a plain Kafka
 * producer, the Confluent wire format, the schema registered through the demo's registry endpoint)
 * shows up as a lead; Ctrl-C leaves no redis-server behind; a second start on the same data
 * directory resumes whole (Kafka's topics, the queue, the job's state from its checkpoint: a call
 * withdraws the resumed lead); a start that finds no checkpoint begins empty and says what it cleared.
 */
class DemoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir Path dataDir;

    @Test
    void aHandRaiserReachesTheQueueASecondStartResumesWholeAndAStartWithoutCheckpointBeginsEmpty() throws Exception {
        String leadId = "lead-demo-" + UUID.randomUUID();
        Demo.Options options = options();
        String queue;
        long redisPid;
        try (Demo demo = Demo.start(options)) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            demo.printEndpoints(new PrintStream(printed, true, StandardCharsets.UTF_8));
            String text = printed.toString(StandardCharsets.UTF_8);
            assertThat(text).contains(demo.kafkaBootstrap(), demo.registryUrl(), demo.redisUri(), demo.flinkUrl());
            for (SellerApiLauncher.DemoUser u : demo.users()) {
                assertThat(text).contains(u.token());
            }
            assertThat(text).contains(demo.collectorUrl(), demo.siteUrl(), demo.writeKey());
            assertThat(demo.notes()).as("a first start has nothing to resume or clear").isEmpty();
            redisPid = demo.redisPid();
            assertThat(redisPid).isPositive();

            produceHandRaiser(demo, leadId);
            queue = awaitLead(demo, leadId);
            assertThat(queue).isEqualTo("enterprise-na");
            // the Flink web UI answers
            HttpResponse<String> overview = get(demo.flinkUrl() + "/jobs/overview", null);
            assertThat(overview.body()).contains("RUNNING");

            // `leadflow generate` produces into the demo like any external producer
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = dev.leadflow.launcher.Main.run(new String[] {"generate", "--bootstrap-servers", demo.kafkaBootstrap(),
                "--registry-url", demo.registryUrl(), "--count", "300", "--rate", "0", "--seed", "5"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("Sent 300 events; acknowledged 300");
            // the model in force is on the model topic, as with a deployed job: `leadflow model show` reads it
            ByteArrayOutputStream model = new ByteArrayOutputStream();
            code = dev.leadflow.launcher.Main.run(new String[] {"model", "show", "--bootstrap-servers", demo.kafkaBootstrap()},
                    new PrintStream(model, true, StandardCharsets.UTF_8), new PrintStream(model, true, StandardCharsets.UTF_8));
            assertThat(code).as(model.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(model.toString(StandardCharsets.UTF_8)).contains(ScoringModel.defaults().version());
            awaitCompletedCheckpoint(demo);
        }
        assertThat(ProcessHandle.of(redisPid).map(ProcessHandle::isAlive).orElse(false))
                .as("redis-server stopped with the demo").isFalse();
        assertNoRedisChild();

        // a second start resumes all of it: Kafka's topics, the queue, and the job's state from its checkpoint
        try (Demo again = Demo.start(options)) {
            assertThat(again.notes()).singleElement().asString().startsWith("Resumed the previous run");
            JsonNode checkpoints = JSON.readTree(get(again.flinkUrl() + "/jobs/" + again.job() + "/checkpoints", null).body());
            assertThat(checkpoints.path("latest").path("restored").path("external_path").asText())
                    .as("the job restored from the first run's checkpoint").contains(dataDir.resolve("flink").toString());
            assertThat(awaitLead(again, leadId)).isEqualTo(queue);
            // the job knows the lead is queued: a seller's call withdraws it (a job without that state would not)
            produce(again, Topics.SALES, leadId, SalesActivity.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setOccurredAt(Instant.now()).setLeadId(leadId).setAccountDomain(null).setSellerId("ada")
                    .setType(SalesActivityType.CALL).setReason(null).build());
            awaitGone(again, queue, leadId);
            // the topics keep what the first run wrote: the 2 clicks by hand and the 300 generated events
            assertThat(countRecords(again, Topics.CLICKSTREAM) + countRecords(again, Topics.CAMPAIGN)
                    + countRecords(again, Topics.SALES)).as("the first run's events").isGreaterThanOrEqualTo(302);
        }
        assertNoRedisChild();

        // without a checkpoint (a run stopped before its first one) nothing can resume: the start clears the
        // queue the previous run left, counted here on its own files by a redis-server of the test's
        Demo.deleteRecursively(dataDir.resolve("flink"));
        long left = 0;
        try (RedisServer leftover = RedisServer.start(RedisServer.Options.defaults().withDir(dataDir.resolve("redis"))
                .withAppendOnly(true).withStartupTimeout(Duration.ofSeconds(60)));
                HandoffQueue q = HandoffQueue.connect(RedisConfig.fromUri(leftover.uri()), HandoffQueue.Options.defaults())) {
            for (String name : q.queues()) {
                left += q.depth(name) + q.claimedCount(name);
            }
        }
        assertThat(left).as("the generated leads the second run left").isPositive();

        // the third run keeps its state in RocksDB (--state-backend rocksdb)
        Demo.Options rocksdb = new Demo.Options(options.kafkaPort(), options.registryPort(), options.redisPort(), options.apiPort(),
                options.flinkUiPort(), options.collectorPort(), options.sitePort(), options.rate(), false, dataDir, 1, 2,
                options.checkpointInterval(), JobSettings.StateBackend.ROCKSDB);
        try (Demo third = Demo.start(rocksdb)) {
            assertThat(third.notes()).singleElement().asString().startsWith("Cleared the " + left + " lead").contains("no checkpoint");
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            third.printEndpoints(new PrintStream(printed, true, StandardCharsets.UTF_8));
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Note: Cleared the " + left + " lead");
            try (HandoffQueue q = HandoffQueue.connect(RedisConfig.fromUri(third.redisUri()), HandoffQueue.Options.defaults())) {
                for (String name : q.queues()) {
                    assertThat(q.depth(name) + q.claimedCount(name)).as("queue " + name).isZero();
                }
            }
            assertThat(countRecords(third, Topics.CLICKSTREAM)).as("Kafka begins empty too").isZero();
            String second = "lead-demo-" + UUID.randomUUID();
            produceHandRaiser(third, second);
            assertThat(awaitLead(third, second)).as("a hand-raiser scored on RocksDB").isEqualTo("enterprise-na");
            // the backend the JobManager loaded from the job's configuration, as its tasks do
            JsonNode checkpointConfig = JSON.readTree(get(third.flinkUrl() + "/jobs/" + third.job() + "/checkpoints/config", null).body());
            assertThat(checkpointConfig.path("state_backend").asText()).isEqualTo("EmbeddedRocksDBStateBackend");
        }
        assertNoRedisChild();
    }

    private static void awaitCompletedCheckpoint(Demo demo) throws Exception {
        await("a completed checkpoint", () -> {
            try {
                JsonNode c = JSON.readTree(get(demo.flinkUrl() + "/jobs/" + demo.job() + "/checkpoints", null).body());
                return c.path("counts").path("completed").asInt() > 0 ? Optional.of(true) : Optional.empty();
            } catch (Exception e) {
                return Optional.empty();
            }
        });
    }

    private static void awaitGone(Demo demo, String queue, String leadId) throws Exception {
        try (HandoffQueue q = HandoffQueue.connect(RedisConfig.fromUri(demo.redisUri()), HandoffQueue.Options.defaults())) {
            await("lead " + leadId + " withdrawn from " + queue, () -> q.get(queue, leadId).isEmpty() ? Optional.of(true) : Optional.empty());
        }
    }

    /** How many records a topic holds, from its first offsets to its end. */
    private static long countRecords(Demo demo, String topic) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", demo.kafkaBootstrap());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> earliest = new HashMap<>();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            for (var info : partitions) {
                var tp = new org.apache.kafka.common.TopicPartition(topic, info.partition());
                earliest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.earliest());
                latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            var first = admin.listOffsets(earliest).all().get();
            var end = admin.listOffsets(latest).all().get();
            long n = 0;
            for (var tp : end.keySet()) {
                n += end.get(tp).offset() - first.get(tp).offset();
            }
            return n;
        }
    }

    @Test
    void aPortInUseIsNamedWithItsFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Demo.Options d = options();
            Demo.Options clash = new Demo.Options(d.kafkaPort(), d.registryPort(), taken.getLocalPort(), d.apiPort(),
                    d.flinkUiPort(), d.collectorPort(), d.sitePort(), d.rate(), false, dataDir, 1, 1, Duration.ofSeconds(5), JobSettings.StateBackend.HASHMAP);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Demo.start(clash))
                    .hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageContaining("--redis-port");
        }
    }

    private Demo.Options options() {
        return new Demo.Options(Ports.anyFree(), Ports.anyFree(), Ports.anyFree(), Ports.anyFree(), Ports.anyFree(),
                Ports.anyFree(), Ports.anyFree(), 20, false, dataDir, 1, 2, Duration.ofSeconds(2), JobSettings.StateBackend.HASHMAP);
    }

    /** IDENTIFY and a demo request, as any Confluent-compatible producer would send them. */
    private void produceHandRaiser(Demo demo, String leadId) throws Exception {
        Instant now = Instant.now();
        Map<String, String> traits = new HashMap<>();
        traits.put("email", "ada@bigcorp-demo.com");
        traits.put("first_name", "Ada");
        traits.put("last_name", "Lovelace");
        traits.put("title", "VP Engineering");
        traits.put("company", "BigCorp");
        traits.put("company_domain", "bigcorp-demo.com");
        traits.put("company_size", "5000");
        traits.put("industry", "Software");
        traits.put("country", "US");
        ClickEvent identify = click(leadId, ClickType.IDENTIFY, "identify", now, traits);
        ClickEvent demoRequest = click(leadId, ClickType.TRACK, "demo_requested", now.plusMillis(1), Map.of());

        for (ClickEvent e : List.of(identify, demoRequest)) {
            produce(demo, Topics.CLICKSTREAM, leadId, e);
        }
    }

    /** One record in the Confluent wire format, its writer schema registered through the demo's registry endpoint. */
    private static void produce(Demo demo, String topic, String key, SpecificRecord record) throws Exception {
        String body = JSON.writeValueAsString(Map.of("schema", record.getSchema().toString()));
        HttpResponse<String> registered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(demo.registryUrl() + "/subjects/" + Topics.valueSubject(topic) + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        int schemaId = JSON.readTree(registered.body()).get("id").asInt();
        Properties p = new Properties();
        p.put("bootstrap.servers", demo.kafkaBootstrap());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), wire(schemaId, record))).get();
        }
    }

    private static ClickEvent click(String leadId, ClickType type, String name, Instant at, Map<String, String> traits) {
        return ClickEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(at)
                .setAnonymousId("anon-" + leadId).setLeadId(leadId).setType(type).setName(name).setUrl(null)
                .setProperties(new HashMap<>()).setTraits(new HashMap<>(traits)).build();
    }

    /** 0x00, the 4-byte big-endian schema id, then the Avro binary: the Confluent wire format. */
    @SuppressWarnings("unchecked")
    private static byte[] wire(int schemaId, SpecificRecord e) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>((Class<SpecificRecord>) e.getClass()).write(e, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Waits for the lead through the seller API when the demo has one, else in the queue itself. */
    private String awaitLead(Demo demo, String leadId) throws Exception {
        if (demo.apiUrl() != null) {
            String token = demo.users().get(0).token();
            return await("lead " + leadId + " through the seller API", () -> {
                try {
                    JsonNode queues = JSON.readTree(get(demo.apiUrl() + "/api/v1/queues", token).body());
                    for (JsonNode q : queues.has("queues") ? queues.get("queues") : queues) {
                        String name = q.get("name").asText();
                        JsonNode leads = JSON.readTree(get(demo.apiUrl() + "/api/v1/queues/" + name + "/leads?limit=100", token).body());
                        for (JsonNode l : leads.has("leads") ? leads.get("leads") : leads) {
                            if (l.get("leadId").asText().equals(leadId)) {
                                return Optional.of(name);
                            }
                        }
                    }
                    return Optional.empty();
                } catch (Exception e) {
                    return Optional.empty();
                }
            });
        }
        try (HandoffQueue q = HandoffQueue.connect(RedisConfig.fromUri(demo.redisUri()), HandoffQueue.Options.defaults())) {
            return await("lead " + leadId + " in a Redis queue", () -> {
                for (String name : q.queues()) {
                    for (QueuedLead l : q.peek(name, 1000)) {
                        if (l.leadId().equals(leadId)) {
                            return Optional.of(name);
                        }
                    }
                }
                return Optional.empty();
            });
        }
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertNoRedisChild() {
        assertThat(ProcessHandle.current().descendants()
                .filter(p -> p.isAlive() && p.info().command().orElse("").contains("redis-server")))
                .as("no redis-server child process left").isEmpty();
    }
}
