package dev.leadflow.launcher.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trigger: a new user producing with the widely used Node.js client
 * {@code @kafkajs/confluent-schema-registry} (pinned in {@code src/test/node/registry-client}). On a
 * new subject it registers and then sets the subject's compatibility, which used to answer 404.
 * The script registers, looks up, encodes and decodes; what it encodes is decoded here with plain
 * Avro, and it decodes a record the project's own serializer wrote.
 *
 * <p>Needs {@code node} and {@code npm} on the PATH and the npm registry reachable once (the
 * package is installed under {@code target/}); without them the test is skipped, saying why.
 */
class NodeRegistryClientIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SOURCES = Path.of("src/test/node/registry-client");
    private static final Path WORK = Path.of("target/node-registry-client");
    private static final Instant T0 = Instant.parse("2026-03-02T09:15:00Z");

    @BeforeAll
    static void installTheClient() throws Exception {
        assumeTrue(runs("node", "--version"), "node is not installed: the Node.js registry client is not tried");
        assumeTrue(runs("npm", "--version"), "npm is not installed: the Node.js registry client is not tried");
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "check.js")) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(WORK.resolve("node_modules/@kafkajs/confluent-schema-registry"))) {
            Result install = run(WORK, 300, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts");
            assumeTrue(install.exit == 0, "npm could not install the client (is the npm registry reachable?): " + install.err);
        }
    }

    @Test
    void aNodeProducerRegistersANewSubjectSetsItsLevelAndEncodesBothWays() throws Exception {
        try (RegistryServer server = RegistryServer.start("127.0.0.1", 0, null)) {
            SchemaRegistryClient client = SchemaRegistryClient.create(RegistryConfig.of(server.url()));
            ClickEvent click = ClickEvent.newBuilder().setEventId("e-1").setOccurredAt(T0).setAnonymousId("anon-7")
                    .setLeadId("lead-3").setType(ClickType.PAGE).setName("pricing").setUrl("https://example.com/pricing")
                    .setProperties(Map.of("referrer", "search")).setTraits(Map.of()).build();
            byte[] written = new AvroWireSerializer<ClickEvent>(client, "leadflow.clickstream-value", ClickEvent.getClassSchema())
                    .serialize(click);

            Result node = run(WORK, 120, "node", "check.js", server.url(), HexFormat.of().formatHex(written));
            assertThat(node.exit).as(node.err).isZero();
            JsonNode seen = JSON.readTree(node.out);

            int id = seen.get("id").asInt();
            assertThat(id).isEqualTo(server.latest("website.signup-value").id()).isNotEqualTo(1);
            for (String same : List.of("again", "latestId", "versionOneId", "bySchemaId", "fullId")) {
                assertThat(seen.get(same).asInt()).as(same).isEqualTo(id);
            }
            // the client's calls after registering reached the registry: the levels are set
            assertThat(get(server, "/config/website.signup-value").get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
            assertThat(get(server, "/config/website.full-value").get("compatibilityLevel").asText()).isEqualTo("FULL");
            assertThat(seen.get("mismatch").asText()).isEqualTo("ConfluentSchemaRegistryCompatibilityError");
            assertThat(get(server, "/subjects/website.signup-value/versions").toString()).isEqualTo("[1]");

            // what Node wrote is the Confluent wire format: magic 0, the id, Avro binary
            ByteBuffer wire = ByteBuffer.wrap(HexFormat.of().parseHex(seen.get("encodedHex").asText()));
            assertThat(wire.get()).isZero();
            assertThat(wire.getInt()).isEqualTo(id);
            byte[] avro = new byte[wire.remaining()];
            wire.get(avro);
            var schema = client.getById(id);
            GenericRecord signup = new GenericDatumReader<GenericRecord>(schema)
                    .read(null, DecoderFactory.get().binaryDecoder(avro, null));
            assertThat(signup.get("email").toString()).isEqualTo("ada@example.com");
            assertThat(signup.get("plan").toString()).isEqualTo("team");
            assertThat(signup.get("seats")).isEqualTo(12);
            assertThat(signup.get("referrer").toString()).isEqualTo("newsletter");
            assertThat(seen.get("roundTrip").toString())
                    .isEqualTo("{\"email\":\"ada@example.com\",\"plan\":\"team\",\"seats\":12,\"referrer\":\"newsletter\"}");

            // and it read what the project's serializer wrote, with the schema fetched by id
            JsonNode fromJava = seen.get("javaDecoded");
            assertThat(fromJava.get("event_id").asText()).isEqualTo("e-1");
            assertThat(fromJava.get("occurred_at").asLong()).isEqualTo(T0.toEpochMilli());
            assertThat(fromJava.get("anonymous_id").asText()).isEqualTo("anon-7");
            assertThat(fromJava.get("lead_id").asText()).isEqualTo("lead-3");
            assertThat(fromJava.get("type").asText()).isEqualTo("PAGE");
            assertThat(fromJava.get("properties").get("referrer").asText()).isEqualTo("search");
        }
    }

    private static JsonNode get(RegistryServer server, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private record Result(int exit, String out, String err) {
    }

    private static boolean runs(String... command) {
        try {
            return run(Path.of("."), 30, command).exit == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Result run(Path dir, int timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("node-out", ".txt");
        Path err = Files.createTempFile("node-err", ".txt");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Result(-1, Files.readString(out), "timed out after " + timeoutSeconds + " s: " + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
