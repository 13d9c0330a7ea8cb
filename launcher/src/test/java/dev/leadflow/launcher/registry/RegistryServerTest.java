package dev.leadflow.launcher.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's registry endpoint speaks the Confluent REST API: routes, JSON, error codes, media type. */
class RegistryServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir Path temp;

    @Test
    void answersTheCallsSerializersMakeWithTheRegistrysJsonAndErrors() throws Exception {
        try (RegistryServer server = RegistryServer.start("127.0.0.1", 0, null)) {
            String base = server.url();
            Schema v1 = record(false);
            HttpResponse<String> registered = post(base + "/subjects/orders-value/versions?normalize=false", body(v1));
            assertThat(registered.statusCode()).isEqualTo(200);
            assertThat(registered.headers().firstValue("Content-Type")).hasValue(RegistryServer.MEDIA_TYPE);
            int id = JSON.readTree(registered.body()).get("id").asInt();
            assertThat(id).isEqualTo(1);
            // the same schema again: the same id, no new version
            assertThat(JSON.readTree(post(base + "/subjects/orders-value/versions", body(v1)).body()).get("id").asInt()).isEqualTo(1);

            assertThat(new Schema.Parser().parse(json(get(base + "/schemas/ids/1")).get("schema").asText())).isEqualTo(v1);
            assertThat(json(get(base + "/subjects")).toString()).isEqualTo("[\"orders-value\"]");
            JsonNode latest = json(get(base + "/subjects/orders-value/versions/latest"));
            assertThat(latest.get("subject").asText()).isEqualTo("orders-value");
            assertThat(latest.get("version").asInt()).isEqualTo(1);
            assertThat(latest.get("id").asInt()).isEqualTo(1);
            assertThat(json(get(base + "/config")).get("compatibilityLevel").asText()).isEqualTo("BACKWARD");

            // a new field with a default is compatible and becomes version 2 with id 2
            Schema v2 = record(true);
            assertThat(json(post(base + "/compatibility/subjects/orders-value/versions/latest", body(v2))).get("is_compatible").asBoolean()).isTrue();
            assertThat(JSON.readTree(post(base + "/subjects/orders-value/versions", body(v2)).body()).get("id").asInt()).isEqualTo(2);
            assertThat(json(get(base + "/subjects/orders-value/versions")).toString()).isEqualTo("[1,2]");

            // errors: the registry's codes with the registry's statuses
            assertError(get(base + "/schemas/ids/99"), 404, 40403);
            assertError(get(base + "/subjects/nope-value/versions/latest"), 404, 40401);
            assertError(post(base + "/subjects/orders-value/versions", "{\"schema\": \"{not json\"}"), 422, 42201);
            Schema incompatible = SchemaBuilder.record("Order").namespace("t").fields()
                    .requiredString("id").requiredLong("required_without_default").endRecord();
            assertError(post(base + "/subjects/orders-value/versions", body(incompatible)), 409, 409);
            assertThat(json(post(base + "/compatibility/subjects/orders-value/versions/latest", body(incompatible)))
                    .get("is_compatible").asBoolean()).isFalse();
            assertError(get(base + "/no/such/route"), 404, 404);
        }
    }

    @Test
    void ourRestClientWorksAgainstItAndIdsSurviveARestartOnTheSameFile() throws Exception {
        Path storage = temp.resolve("registry").resolve("schemas.jsonl");
        int id;
        try (RegistryServer server = RegistryServer.start("127.0.0.1", 0, storage)) {
            SchemaRegistryClient client = SchemaRegistryClient.create(RegistryConfig.of(server.url()));
            client.register("other-value", record(false));
            id = client.register("leadflow.clickstream-value", ClickEvent.getClassSchema());
            assertThat(client.getLatest("leadflow.clickstream-value").id()).isEqualTo(id);
        }
        try (RegistryServer again = RegistryServer.start("127.0.0.1", 0, storage)) {
            SchemaRegistryClient client = SchemaRegistryClient.create(RegistryConfig.of(again.url()));
            assertThat(client.getById(id)).isEqualTo(ClickEvent.getClassSchema());
            assertThat(client.register("leadflow.clickstream-value", ClickEvent.getClassSchema())).isEqualTo(id);
        }
    }

    private static Schema record(boolean withNote) {
        var fields = SchemaBuilder.record("Order").namespace("t").fields().requiredString("id");
        if (withNote) {
            fields = fields.name("note").type().stringType().stringDefault("");
        }
        return fields.endRecord();
    }

    private static String body(Schema schema) throws Exception {
        return JSON.writeValueAsString(Map.of("schema", schema.toString()));
    }

    private void assertError(HttpResponse<String> r, int status, int code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.get("error_code").asInt()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
    }

    private JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", RegistryServer.MEDIA_TYPE).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", RegistryServer.MEDIA_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
