package dev.leadflow.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.MockSchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.embedded.kafka.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A collector on a real broker with a mock registry, its keys, and plain HTTP calls to it as any client makes them. */
final class Harness implements AutoCloseable {

    static final String WEBSITE_KEY = "wk-website-" + UUID.randomUUID();
    static final String SERVER_KEY = "wk-server-" + UUID.randomUUID();
    static final String CRM_KEY = "wk-crm-" + UUID.randomUUID();
    static final String SLOW_KEY = "wk-slow-" + UUID.randomUUID();
    static final ObjectMapper MAPPER = new ObjectMapper();

    record Response(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    final KafkaBroker broker;
    final String registryScope = "collector-" + UUID.randomUUID();
    final Collector collector;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    Harness(KafkaBroker broker, Path dir, Duration ackTimeout) {
        this.broker = broker;
        broker.createTopics(2, Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES);
        Path keys = dir.resolve("keys.yaml");
        try {
            Files.writeString(keys, "keys:\n"
                    + "  - {name: website, kind: tracking, sha256: " + WriteKeys.hash(WEBSITE_KEY) + "}\n"
                    + "  - {name: backend, kind: tracking, sha256: " + WriteKeys.hash(SERVER_KEY) + "}\n"
                    + "  - {name: crm, kind: crm, sha256: " + WriteKeys.hash(CRM_KEY) + "}\n"
                    + "  - {name: slow, kind: tracking, sha256: " + WriteKeys.hash(SLOW_KEY)
                    + ", eventsPerSecond: 1, burst: 3}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CollectorConfig config = CollectorConfig.defaults(keys).withPort(0)
                .withKafka(broker.bootstrapServers(), Map.of())
                .withRegistry("mock://" + registryScope)
                .withAllowedOrigins(List.of("https://www.leadflow.example"))
                .withAckTimeout(ackTimeout);
        this.collector = Collector.start(config);
    }

    Response post(String path, String key, String contentType, String body) {
        return post(path, key == null ? null : basic(key), contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    Response post(String path, String authorization, String contentType, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder r = request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        headers.forEach(r::header);
        return send(r);
    }

    Response get(String path) {
        return send(request(path).GET());
    }

    Response send(HttpRequest.Builder r) {
        try {
            HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + collector.port() + path))
                .timeout(Duration.ofSeconds(60));
    }

    static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    /** Every record of a topic decoded with the registry the collector wrote with, until {@code done} holds. */
    <T extends SpecificRecord> List<Decoded<T>> read(String topic, Class<T> type, Predicate<List<Decoded<T>>> done) {
        AvroWireDeserializer<T> decoder = new AvroWireDeserializer<>(MockSchemaRegistryClient.forScope(registryScope), type);
        List<Decoded<T>> decoded = new ArrayList<>();
        broker.readUntil(topic, records -> {
            decoded.clear();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                decoded.add(new Decoded<>(new String(r.key(), StandardCharsets.UTF_8), decoder.deserialize(r.value())));
            }
            return done.test(decoded);
        }, Duration.ofSeconds(30));
        return decoded;
    }

    /** The clicks whose anonymous or lead id is {@code id}, once there are {@code count} of them. */
    List<Decoded<ClickEvent>> clicks(String id, int count) {
        return read(Topics.CLICKSTREAM, ClickEvent.class, all -> matching(all, id).size() >= count).stream()
                .filter(d -> id.equals(d.value().getAnonymousId()) || id.equals(d.value().getLeadId())).toList();
    }

    List<Decoded<CampaignEngagement>> campaign(String leadId, int count) {
        return read(Topics.CAMPAIGN, CampaignEngagement.class,
                all -> all.stream().filter(d -> leadId.equals(d.value().getLeadId())).count() >= count).stream()
                .filter(d -> leadId.equals(d.value().getLeadId())).toList();
    }

    List<Decoded<SalesActivity>> sales(String leadId, int count) {
        return read(Topics.SALES, SalesActivity.class,
                all -> all.stream().filter(d -> leadId.equals(d.value().getLeadId())).count() >= count).stream()
                .filter(d -> leadId.equals(d.value().getLeadId())).toList();
    }

    private static List<Decoded<ClickEvent>> matching(List<Decoded<ClickEvent>> all, String id) {
        return all.stream().filter(d -> id.equals(d.value().getAnonymousId()) || id.equals(d.value().getLeadId())).toList();
    }

    record Decoded<T>(String key, T value) {
    }

    @Override
    public void close() {
        collector.close();
        MockSchemaRegistryClient.dropScope(registryScope);
    }
}
