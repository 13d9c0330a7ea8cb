package dev.leadflow.launcher.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of the demo's registry over real HTTP, against the Confluent Schema Registry's API
 * reference: status codes, error codes, bodies and media type.
 */
class RegistryRestSurfaceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MEDIA = RegistryServer.MEDIA_TYPE;

    /** Orders as first written. */
    private static final Schema V1 = SchemaBuilder.record("Order").namespace("t").fields()
            .requiredString("id").endRecord();
    /** V1 plus a field with a default: readable both ways. */
    private static final Schema V2 = SchemaBuilder.record("Order").namespace("t").fields()
            .requiredString("id").name("note").type().stringType().stringDefault("").endRecord();
    /** V2's note without its default: a V3 reader can read V2 data but not V1 data. */
    private static final Schema V3 = SchemaBuilder.record("Order").namespace("t").fields()
            .requiredString("id").requiredString("note").endRecord();
    /** A required field nobody wrote: no reader on it can read V1 or V2 data. */
    private static final Schema BREAKING = SchemaBuilder.record("Order").namespace("t").fields()
            .requiredString("id").requiredLong("amount").endRecord();

    private final HttpClient http = HttpClient.newHttpClient();
    private RegistryServer server;
    private String base;

    @TempDir Path temp;

    @BeforeEach
    void start() throws Exception {
        server = RegistryServer.start("127.0.0.1", 0, null);
        base = server.url();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void rootSchemaTypesAndMode() throws Exception {
        assertThat(ok("GET", "/", null).toString()).isEqualTo("{}");
        assertThat(ok("GET", "/schemas/types", null).toString()).isEqualTo("[\"AVRO\"]");
        assertThat(ok("GET", "/mode", null).toString()).isEqualTo("{\"mode\":\"READWRITE\"}");
        assertError(call("GET", "/mode/orders-value", null), 404, 40409);
        assertThat(ok("GET", "/mode/orders-value?defaultToGlobal=true", null).get("mode").asText()).isEqualTo("READWRITE");
        assertThat(ok("PUT", "/mode", "{\"mode\":\"READWRITE\"}").get("mode").asText()).isEqualTo("READWRITE");
        assertError(call("PUT", "/mode", "{\"mode\":\"READONLY\"}"), 422, 42204);
    }

    /**
     * The sequence {@code @kafkajs/confluent-schema-registry} makes (see NodeRegistryClientIT, which
     * runs the client itself where Node.js is installed): on a new subject the level lookup answers
     * 404, the client registers and then sets the level, which the endpoint used to answer with 404.
     */
    @Test
    void theCallsOfANodeClientRegisteringANewSubject() throws Exception {
        assertThat(call("GET", "/config/signup-value", null).statusCode()).isEqualTo(404);
        int id = register("signup-value", V1);
        assertThat(ok("PUT", "/config/signup-value", "{\"compatibility\":\"BACKWARD\"}").get("compatibility").asText())
                .isEqualTo("BACKWARD");
        // the next registration compares the subject's level with the client's own
        assertThat(ok("GET", "/config/signup-value", null).get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(register("signup-value", V1)).isEqualTo(id);
        assertThat(ok("GET", "/subjects/signup-value/versions/latest", null).get("id").asInt()).isEqualTo(id);
        assertThat(ok("GET", "/subjects/signup-value/versions/1", null).get("id").asInt()).isEqualTo(id);
        assertThat(ok("POST", "/subjects/signup-value", body(V1)).get("id").asInt()).isEqualTo(id);
        assertThat(parse(ok("GET", "/schemas/ids/" + id, null).get("schema").asText())).isEqualTo(V1);
    }

    @Test
    void globalAndSubjectCompatibilityLevels() throws Exception {
        assertThat(ok("GET", "/config", null).toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(ok("PUT", "/config", "{\"compatibility\":\"full\"}").toString()).isEqualTo("{\"compatibility\":\"FULL\"}");
        assertThat(ok("GET", "/config", null).get("compatibilityLevel").asText()).isEqualTo("FULL");
        assertError(call("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
        assertError(call("PUT", "/config", "{}"), 422, 42203);
        assertThat(ok("DELETE", "/config", null).asText()).isEqualTo("FULL");
        assertThat(ok("GET", "/config", null).get("compatibilityLevel").asText()).isEqualTo("BACKWARD");

        // a subject without a level of its own: 40408, unless the global one is asked for
        assertError(call("GET", "/config/orders-value", null), 404, 40408);
        assertThat(ok("GET", "/config/orders-value?defaultToGlobal=true", null).get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");
        assertError(call("DELETE", "/config/orders-value", null), 404, 40401);
        // a level may be set before the subject has versions (clients do so right after registering)
        assertThat(ok("PUT", "/config/orders-value", "{\"compatibility\":\"NONE\"}").toString())
                .isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(ok("GET", "/config/orders-value", null).toString()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        assertThat(ok("GET", "/config", null).get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(ok("DELETE", "/config/orders-value", null).asText()).isEqualTo("NONE");
        assertError(call("GET", "/config/orders-value", null), 404, 40408);

        register("orders-value", V1);
        assertError(call("DELETE", "/config/orders-value", null), 404, 40408);
    }

    @Test
    void registerIsIdempotentAndIdsAreGlobal() throws Exception {
        HttpResponse<String> first = call("POST", "/subjects/orders-value/versions?normalize=false", body(V1));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).toString()).isEqualTo("{\"id\":1}");
        assertThat(register("orders-value", V1)).isEqualTo(1);
        // the same schema under another subject: the same id, that subject's version 1
        assertThat(register("refunds-value", V1)).isEqualTo(1);
        assertThat(register("orders-value", V2)).isEqualTo(2);
        assertThat(ok("GET", "/subjects", null).toString()).isEqualTo("[\"orders-value\",\"refunds-value\"]");
        assertThat(ok("GET", "/subjects?subjectPrefix=ref", null).toString()).isEqualTo("[\"refunds-value\"]");
        assertThat(ok("GET", "/subjects/orders-value/versions", null).toString()).isEqualTo("[1,2]");
        assertThat(ok("GET", "/subjects/refunds-value/versions", null).toString()).isEqualTo("[1]");

        JsonNode one = ok("GET", "/subjects/orders-value/versions/1", null);
        assertThat(one.get("subject").asText()).isEqualTo("orders-value");
        assertThat(one.get("version").asInt()).isEqualTo(1);
        assertThat(one.get("id").asInt()).isEqualTo(1);
        assertThat(parse(one.get("schema").asText())).isEqualTo(V1);
        for (String latest : new String[] {"latest", "-1"}) {
            JsonNode newest = ok("GET", "/subjects/orders-value/versions/" + latest, null);
            assertThat(newest.get("version").asInt()).isEqualTo(2);
            assertThat(newest.get("id").asInt()).isEqualTo(2);
        }
        // /schema answers the schema itself, not a string holding it
        HttpResponse<String> raw = call("GET", "/subjects/orders-value/versions/2/schema", null);
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(parse(raw.body())).isEqualTo(V2);
        assertThat(ok("GET", "/subjects/orders-value/versions/2/referencedby", null).toString()).isEqualTo("[]");

        assertError(call("GET", "/subjects/orders-value/versions/3", null), 404, 40402);
        assertError(call("GET", "/subjects/orders-value/versions/0", null), 422, 42202);
        assertError(call("GET", "/subjects/orders-value/versions/two", null), 422, 42202);
        assertError(call("GET", "/subjects/nope-value/versions", null), 404, 40401);
        assertError(call("GET", "/subjects/nope-value/versions/latest", null), 404, 40401);
        assertError(call("GET", "/subjects/nope-value/versions/1/schema", null), 404, 40401);
    }

    @Test
    void lookUpAndSchemasById() throws Exception {
        register("orders-value", V1);
        register("orders-value", V2);
        register("refunds-value", V1);

        JsonNode found = ok("POST", "/subjects/orders-value", body(V1));
        assertThat(found.get("subject").asText()).isEqualTo("orders-value");
        assertThat(found.get("version").asInt()).isEqualTo(1);
        assertThat(found.get("id").asInt()).isEqualTo(1);
        assertThat(parse(found.get("schema").asText())).isEqualTo(V1);
        assertError(call("POST", "/subjects/refunds-value", body(V2)), 404, 40403);
        assertError(call("POST", "/subjects/nope-value", body(V1)), 404, 40401);

        assertThat(parse(ok("GET", "/schemas/ids/2", null).get("schema").asText())).isEqualTo(V2);
        assertThat(parse(call("GET", "/schemas/ids/1/schema", null).body())).isEqualTo(V1);
        assertThat(ok("GET", "/schemas/ids/1/versions", null).toString())
                .isEqualTo("[{\"subject\":\"orders-value\",\"version\":1},{\"subject\":\"refunds-value\",\"version\":1}]");
        assertError(call("GET", "/schemas/ids/99", null), 404, 40403);
        assertError(call("GET", "/schemas/ids/99/schema", null), 404, 40403);
        assertError(call("GET", "/schemas/ids/99/versions", null), 404, 40403);
    }

    @Test
    void compatibilityLevelsDecideRegistration() throws Exception {
        register("orders-value", V1);
        // a subject without versions is compatible with anything
        assertThat(ok("POST", "/compatibility/subjects/fresh-value/versions/latest", body(BREAKING))
                .get("is_compatible").asBoolean()).isTrue();
        assertThat(ok("POST", "/compatibility/subjects/orders-value/versions/latest", body(V2))
                .get("is_compatible").asBoolean()).isTrue();
        assertThat(ok("POST", "/compatibility/subjects/orders-value/versions/1", body(BREAKING))
                .get("is_compatible").asBoolean()).isFalse();
        assertError(call("POST", "/compatibility/subjects/orders-value/versions/7", body(V2)), 404, 40402);
        assertError(call("POST", "/subjects/orders-value/versions", body(BREAKING)), 409, 409);

        register("orders-value", V2);
        // V3 reads V2 data but not V1 data: BACKWARD (newest only) accepts, BACKWARD_TRANSITIVE does not
        ok("PUT", "/config/orders-value", "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
        assertThat(ok("POST", "/compatibility/subjects/orders-value/versions", body(V3))
                .get("is_compatible").asBoolean()).isFalse();
        assertError(call("POST", "/subjects/orders-value/versions", body(V3)), 409, 409);
        ok("PUT", "/config/orders-value", "{\"compatibility\":\"BACKWARD\"}");
        assertThat(register("orders-value", V3)).isEqualTo(3);

        // FORWARD: the old reader must read new data; dropping V3's required note breaks that
        register("forward-value", V3);
        ok("PUT", "/config/forward-value", "{\"compatibility\":\"FORWARD\"}");
        assertError(call("POST", "/subjects/forward-value/versions", body(V1)), 409, 409);
        assertThat(register("forward-value", V2)).isEqualTo(2);
        // NONE takes anything
        ok("PUT", "/config/orders-value", "{\"compatibility\":\"NONE\"}");
        assertThat(register("orders-value", BREAKING)).isEqualTo(4);
        assertThat(ok("GET", "/subjects/orders-value/versions", null).toString()).isEqualTo("[1,2,3,4]");
    }

    @Test
    void softAndPermanentDeletes() throws Exception {
        register("orders-value", V1);
        register("orders-value", V2);
        register("refunds-value", V1);

        assertError(call("DELETE", "/subjects/orders-value/versions/1?permanent=true", null), 404, 40407);
        assertThat(ok("DELETE", "/subjects/orders-value/versions/1", null).asInt()).isEqualTo(1);
        assertError(call("DELETE", "/subjects/orders-value/versions/1", null), 404, 40406);
        assertError(call("DELETE", "/subjects/orders-value/versions/9", null), 404, 40402);
        assertError(call("DELETE", "/subjects/nope-value/versions/1", null), 404, 40401);
        assertThat(ok("GET", "/subjects/orders-value/versions", null).toString()).isEqualTo("[2]");
        assertThat(ok("GET", "/subjects/orders-value/versions?deleted=true", null).toString()).isEqualTo("[1,2]");
        assertError(call("GET", "/subjects/orders-value/versions/1", null), 404, 40402);
        assertThat(ok("GET", "/subjects/orders-value/versions/1?deleted=true", null).get("id").asInt()).isEqualTo(1);
        assertThat(ok("GET", "/schemas/ids/1/versions", null).toString())
                .isEqualTo("[{\"subject\":\"refunds-value\",\"version\":1}]");
        assertThat(ok("GET", "/schemas/ids/1/versions?deleted=true", null).size()).isEqualTo(2);
        assertThat(ok("DELETE", "/subjects/orders-value/versions/1?permanent=true", null).asInt()).isEqualTo(1);
        assertThat(ok("GET", "/subjects/orders-value/versions?deleted=true", null).toString()).isEqualTo("[2]");
        // registering V1 again makes a new version with V1's id
        assertThat(register("orders-value", V1)).isEqualTo(1);
        assertThat(ok("GET", "/subjects/orders-value/versions", null).toString()).isEqualTo("[2,3]");

        ok("PUT", "/config/refunds-value", "{\"compatibility\":\"NONE\"}");
        assertError(call("DELETE", "/subjects/refunds-value?permanent=true", null), 404, 40405);
        assertThat(ok("DELETE", "/subjects/refunds-value", null).toString()).isEqualTo("[1]");
        assertError(call("DELETE", "/subjects/refunds-value", null), 404, 40404);
        assertError(call("GET", "/config/refunds-value", null), 404, 40408);
        assertThat(ok("GET", "/subjects", null).toString()).isEqualTo("[\"orders-value\"]");
        assertThat(ok("GET", "/subjects?deleted=true", null).toString()).isEqualTo("[\"orders-value\",\"refunds-value\"]");
        assertError(call("GET", "/subjects/refunds-value/versions", null), 404, 40401);
        assertError(call("POST", "/subjects/refunds-value", body(V1)), 404, 40401);
        assertThat(ok("POST", "/subjects/refunds-value?deleted=true", body(V1)).get("version").asInt()).isEqualTo(1);
        assertThat(ok("DELETE", "/subjects/refunds-value?permanent=true", null).toString()).isEqualTo("[1]");
        assertThat(ok("GET", "/subjects?deleted=true", null).toString()).isEqualTo("[\"orders-value\"]");
        assertError(call("DELETE", "/subjects/refunds-value", null), 404, 40401);

        // a schema stays readable by id while a version, even soft-deleted, refers to it
        ok("DELETE", "/subjects/orders-value", null);
        assertThat(parse(ok("GET", "/schemas/ids/2", null).get("schema").asText())).isEqualTo(V2);
        ok("DELETE", "/subjects/orders-value?permanent=true", null);
        assertError(call("GET", "/schemas/ids/2", null), 404, 40403);
        assertThat(ok("GET", "/subjects?deleted=true", null).toString()).isEqualTo("[]");
        // after a permanent delete the subject starts again from version 1; the schema keeps its id
        assertThat(register("orders-value", V2)).isEqualTo(2);
        assertThat(ok("GET", "/subjects/orders-value/versions", null).toString()).isEqualTo("[1]");
    }

    @Test
    void requestErrorsMediaTypeAndEncodedSubjects() throws Exception {
        assertError(call("POST", "/subjects/orders-value/versions", "{not json"), 400, 400);
        assertError(call("POST", "/subjects/orders-value/versions", "{}"), 422, 42201);
        assertError(call("POST", "/subjects/orders-value/versions", "{\"schema\": \"{not avro\"}"), 422, 42201);
        assertError(call("POST", "/subjects/orders-value/versions",
                "{\"schemaType\": \"PROTOBUF\", \"schema\": \"syntax = \\\"proto3\\\";\"}"), 422, 42201);
        assertError(call("GET", "/no/such/route", null), 404, 404);
        assertError(call("PUT", "/subjects", "{}"), 405, 405);
        assertError(call("GET", "/subjects/orders-value/versions/1/schema/more", null), 404, 404);

        // a subject with characters that travel percent-encoded
        assertThat(register("team a/orders+value", V1)).isEqualTo(1);
        assertThat(ok("GET", "/subjects", null).toString()).isEqualTo("[\"team a/orders+value\"]");
        assertThat(ok("GET", "/subjects/team%20a%2Forders+value/versions/latest", null).get("subject").asText())
                .isEqualTo("team a/orders+value");

        // the media types clients send are accepted, and every answer carries the registry's
        for (String type : new String[] {MEDIA, "application/vnd.schemaregistry+json", "application/json"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/subjects/typed-value/versions"))
                    .header("Content-Type", type).header("Accept", type)
                    .POST(HttpRequest.BodyPublishers.ofString(body(V1))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(type).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue(MEDIA);
        }
        assertThat(call("GET", "/nope", null).headers().firstValue("Content-Type")).hasValue(MEDIA);
    }

    @Test
    void levelsAndDeletesSurviveARestartOnTheSameFile() throws Exception {
        Path storage = temp.resolve("schemas.jsonl");
        try (RegistryServer first = RegistryServer.start("127.0.0.1", 0, storage)) {
            use(first);
            register("orders-value", V1);
            register("orders-value", V2);
            register("refunds-value", V1);
            ok("PUT", "/config", "{\"compatibility\":\"FULL\"}");
            ok("PUT", "/config/orders-value", "{\"compatibility\":\"NONE\"}");
            ok("DELETE", "/subjects/orders-value/versions/1", null);
            ok("DELETE", "/subjects/refunds-value", null);
            ok("DELETE", "/subjects/refunds-value?permanent=true", null);
        }
        try (RegistryServer again = RegistryServer.start("127.0.0.1", 0, storage)) {
            use(again);
            assertThat(ok("GET", "/config", null).get("compatibilityLevel").asText()).isEqualTo("FULL");
            assertThat(ok("GET", "/config/orders-value", null).get("compatibilityLevel").asText()).isEqualTo("NONE");
            assertThat(ok("GET", "/subjects?deleted=true", null).toString()).isEqualTo("[\"orders-value\"]");
            assertThat(ok("GET", "/subjects/orders-value/versions", null).toString()).isEqualTo("[2]");
            assertThat(ok("GET", "/subjects/orders-value/versions?deleted=true", null).toString()).isEqualTo("[1,2]");
            assertThat(register("orders-value", BREAKING)).isEqualTo(3);
            assertThat(ok("GET", "/subjects/orders-value/versions", null).toString()).isEqualTo("[2,3]");
        }
    }

    // ---------------------------------------------------------------------------------------

    private void use(RegistryServer other) {
        base = other.url();
    }

    private int register(String subject, Schema schema) throws Exception {
        String path = "/subjects/" + subject.replace("%", "%25").replace(" ", "%20").replace("/", "%2F") + "/versions";
        return ok("POST", path, body(schema)).get("id").asInt();
    }

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    private static String body(Schema schema) throws Exception {
        return JSON.writeValueAsString(Map.of("schema", schema.toString()));
    }

    private void assertError(HttpResponse<String> r, int status, int code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(MEDIA);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.get("error_code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
    }

    private JsonNode ok(String method, String path, String body) throws Exception {
        HttpResponse<String> r = call(method, path, body);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(MEDIA);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", MEDIA)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", MEDIA);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
