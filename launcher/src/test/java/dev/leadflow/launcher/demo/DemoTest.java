package dev.leadflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.job.JobSettings;
import dev.leadflow.launcher.Ports;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueuedLead;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.schemas.Topics;
import dev.leadflow.testkit.redis.RedisServer;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a user runs it, generator off: a hand-raiser produced by hand (a plain Kafka
 * producer, the Confluent wire format, the schema registered through the demo's registry endpoint)
 * shows up as a lead; Ctrl-C leaves no redis-server behind; a second start on the same data
 * directory works and starts whole and empty: Kafka and the job begin empty, so the first run's
 * queue is cleared (and the start says so) rather than kept without state behind it.
 */
class DemoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir Path dataDir;

    @Test
    void aHandRaiserProducedByHandReachesTheQueueAndASecondRunStartsEmptyAndSaysSo() throws Exception {
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
            assertThat(demo.notes()).as("a first start has nothing to clear").isEmpty();
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
        }
        assertThat(ProcessHandle.of(redisPid).map(ProcessHandle::isAlive).orElse(false))
                .as("redis-server stopped with the demo").isFalse();
        assertNoRedisChild();
        // what the first run left in Redis, counted on its own files by a redis-server of the test's
        long left = 0;
        try (RedisServer leftover = RedisServer.start(RedisServer.Options.defaults().withDir(dataDir.resolve("redis"))
                .withAppendOnly(true).withStartupTimeout(Duration.ofSeconds(60)));
                HandoffQueue q = HandoffQueue.connect(RedisConfig.fromUri(leftover.uri()), HandoffQueue.Options.defaults())) {
            assertThat(q.get(queue, leadId)).as("the first run's lead is in its Redis files").isPresent();
            for (String name : q.queues()) {
                left += q.depth(name) + q.claimedCount(name);
            }
        }

        // the second run keeps its state in RocksDB (--state-backend rocksdb)
        Demo.Options rocksdb = new Demo.Options(options.kafkaPort(), options.registryPort(), options.redisPort(), options.apiPort(),
                options.flinkUiPort(), options.collectorPort(), options.sitePort(), options.rate(), false, dataDir, 1, 2, options.checkpointInterval(), JobSettings.StateBackend.ROCKSDB);
        try (Demo again = Demo.start(rocksdb)) {
            // the first run's lead is gone with the Kafka data and job state it came from, and the start says so
            assertThat(again.notes()).singleElement().asString().startsWith("Cleared the " + left + " lead");
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            again.printEndpoints(new PrintStream(printed, true, StandardCharsets.UTF_8));
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Note: Cleared the " + left + " lead");
            try (HandoffQueue q = HandoffQueue.connect(RedisConfig.fromUri(again.redisUri()), HandoffQueue.Options.defaults())) {
                assertThat(q.get(queue, leadId)).isEmpty();
            }
            String second = "lead-demo-" + UUID.randomUUID();
            produceHandRaiser(again, second);
            assertThat(awaitLead(again, second)).as("a hand-raiser scored on RocksDB").isEqualTo("enterprise-na");
            // the backend the JobManager loaded from the job's configuration, as its tasks do
            JsonNode checkpointConfig = JSON.readTree(get(again.flinkUrl() + "/jobs/" + again.job() + "/checkpoints/config", null).body());
            assertThat(checkpointConfig.path("state_backend").asText()).isEqualTo("EmbeddedRocksDBStateBackend");
        }
        assertNoRedisChild();
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
        // register the writer schema through the registry's REST API, like a serializer does
        String body = JSON.writeValueAsString(Map.of("schema", ClickEvent.getClassSchema().toString()));
        HttpResponse<String> registered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(demo.registryUrl() + "/subjects/" + Topics.valueSubject(Topics.CLICKSTREAM) + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        int schemaId = JSON.readTree(registered.body()).get("id").asInt();

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

        Properties p = new Properties();
        p.put("bootstrap.servers", demo.kafkaBootstrap());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ClickEvent e : List.of(identify, demoRequest)) {
                producer.send(new ProducerRecord<>(Topics.CLICKSTREAM, leadId.getBytes(StandardCharsets.UTF_8),
                        wire(schemaId, e))).get();
            }
        }
    }

    private static ClickEvent click(String leadId, ClickType type, String name, Instant at, Map<String, String> traits) {
        return ClickEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(at)
                .setAnonymousId("anon-" + leadId).setLeadId(leadId).setType(type).setName(name).setUrl(null)
                .setProperties(new HashMap<>()).setTraits(new HashMap<>(traits)).build();
    }

    /** 0x00, the 4-byte big-endian schema id, then the Avro binary: the Confluent wire format. */
    private static byte[] wire(int schemaId, ClickEvent e) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(ClickEvent.class).write(e, encoder);
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
