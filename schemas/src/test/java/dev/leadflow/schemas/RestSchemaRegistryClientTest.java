package dev.leadflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.SalesActivity;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Base64;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {

    private static final String SUBJECT = Topics.valueSubject(Topics.CLICKSTREAM);
    private static final String VERSIONS = "/subjects/leadflow.clickstream-value/versions";
    private static final Schema CLICK = ClickEvent.getClassSchema();

    private FakeRegistryServer server;
    private SchemaRegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = new FakeRegistryServer();
        client = SchemaRegistryClient.create(RegistryConfig.of(server.url()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void createPicksTheRestClientForHttpUrls() {
        assertThat(client).isInstanceOf(RestSchemaRegistryClient.class);
    }

    @Test
    void registerPostsTheSchemaAsAJsonString() throws IOException {
        int id = client.register(SUBJECT, CLICK);

        assertThat(id).isEqualTo(1);
        FakeRegistryServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo(VERSIONS);
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.accept()).isEqualTo("application/vnd.schemaregistry.v1+json");
        JsonNode body = new ObjectMapper().readTree(request.body());
        assertThat(body.get("schema").isTextual()).isTrue();
        assertThat(new Schema.Parser().parse(body.get("schema").textValue())).isEqualTo(CLICK);
    }

    @Test
    void getByIdAndLatestReturnWhatWasRegistered() {
        int clicks = client.register(SUBJECT, CLICK);
        int sales = client.register(Topics.valueSubject(Topics.SALES), SalesActivity.getClassSchema());
        SchemaRegistryClient other = SchemaRegistryClient.create(RegistryConfig.of(server.url()));

        assertThat(other.getById(sales)).isEqualTo(SalesActivity.getClassSchema());
        assertThat(other.getLatest(SUBJECT)).isEqualTo(new RegisteredSchema(SUBJECT, clicks, 1, CLICK));
        assertThat(server.count("GET", "/subjects/leadflow.clickstream-value/versions/latest")).isEqualTo(1);
    }

    @Test
    void registeringTheSameSchemaAgainIsServedFromTheCache() {
        int first = client.register(SUBJECT, CLICK);
        int second = client.register(SUBJECT, new Schema.Parser().parse(CLICK.toString()));

        assertThat(second).isEqualTo(first);
        assertThat(server.count("POST", VERSIONS)).isEqualTo(1);
        // the registered schema is known by id without asking
        assertThat(client.getById(first)).isEqualTo(CLICK);
        assertThat(server.count("GET", "/schemas/ids/" + first)).isZero();
    }

    @Test
    void schemasByIdAreFetchedOnce() {
        int id = SchemaRegistryClient.create(RegistryConfig.of(server.url())).register(SUBJECT, CLICK);

        assertThat(client.getById(id)).isEqualTo(CLICK);
        assertThat(client.getById(id)).isEqualTo(CLICK);
        assertThat(server.count("GET", "/schemas/ids/" + id)).isEqualTo(1);
    }

    @Test
    void compatibilityIsAskedOfTheRegistry() {
        client.register(SUBJECT, CLICK);
        Schema withNewRequiredField = SchemaBuilder.record("ClickEvent").namespace("dev.leadflow.avro").fields()
                .requiredString("event_id").requiredString("tenant").endRecord();

        assertThat(client.isCompatible(SUBJECT, CLICK)).isTrue();
        assertThat(client.isCompatible(SUBJECT, withNewRequiredField)).isFalse();
        assertThat(server.count("POST", "/compatibility/subjects/leadflow.clickstream-value/versions/latest"))
                .isEqualTo(2);
    }

    @Test
    void aSubjectWithoutVersionsIsCompatibleWhicheverWayTheRegistrySaysIt() {
        // Confluent 7+: {"is_compatible": true}
        assertThat(client.isCompatible("new-subject", CLICK)).isTrue();

        // older registries: 40401; Karapace: 40402
        server.stub("POST", "/compatibility/subjects/old/versions/latest", 404,
                "{\"error_code\":40401,\"message\":\"Subject 'old' not found.\"}");
        server.stub("POST", "/compatibility/subjects/karapace/versions/latest", 404,
                "{\"error_code\":40402,\"message\":\"Version latest not found.\"}");
        assertThat(client.isCompatible("old", CLICK)).isTrue();
        assertThat(client.isCompatible("karapace", CLICK)).isTrue();
    }

    @Test
    void basicAuthHeaderIsSent() {
        server.requireBasicAuth("svc-leadflow", "s3cr+t:pw");
        SchemaRegistryClient authed = SchemaRegistryClient.create(
                RegistryConfig.of(server.url()).withBasicAuth("svc-leadflow", "s3cr+t:pw"));

        assertThat(authed.register(SUBJECT, CLICK)).isEqualTo(1);
        String expected = "Basic " + Base64.getEncoder().encodeToString("svc-leadflow:s3cr+t:pw".getBytes());
        assertThat(server.requests()).allSatisfy(r -> assertThat(r.authorization()).isEqualTo(expected));

        SchemaRegistryException anonymous = failure(() -> client.getLatest(SUBJECT));
        assertThat(anonymous.httpStatus()).isEqualTo(401);
        assertThat(anonymous.isRetriable()).isFalse();
    }

    @Test
    void subjectsAreEncodedAsOnePathSegment() {
        String subject = "odd subject/with+signs";

        client.register(subject, CLICK);

        assertThat(server.requests().get(0).rawPath()).isEqualTo("/subjects/odd%20subject%2Fwith%2Bsigns/versions");
        assertThat(client.getLatest(subject).subject()).isEqualTo(subject);
    }

    @Test
    void registryErrorCodesAreExposed() {
        SchemaRegistryException subject = failure(() -> client.getLatest("nobody"));
        assertThat(subject.isSubjectNotFound()).isTrue();
        assertThat(subject.httpStatus()).isEqualTo(404);
        assertThat(subject.registryMessage()).isEqualTo("Subject 'nobody' not found.");
        assertThat(subject.getMessage()).contains("40401");

        SchemaRegistryException schema = failure(() -> client.getById(77));
        assertThat(schema.isSchemaNotFound()).isTrue();
        assertThat(schema.isRetriable()).isFalse();

        server.stub("POST", "/subjects/bad/versions", 422,
                "{\"error_code\":42201,\"message\":\"Invalid schema: default value does not match\"}");
        SchemaRegistryException invalid = failure(() -> client.register("bad", CLICK));
        assertThat(invalid.isInvalidSchema()).isTrue();
        assertThat(invalid.httpStatus()).isEqualTo(422);
        assertThat(invalid.isRetriable()).isFalse();
    }

    @Test
    void anIncompatibleRegistrationIs409() {
        client.register(SUBJECT, CampaignEngagement.getClassSchema());

        SchemaRegistryException e = failure(() -> client.register(SUBJECT, CLICK));

        assertThat(e.httpStatus()).isEqualTo(409);
        assertThat(e.isIncompatible()).isTrue();
        assertThat(e.isRetriable()).isFalse();
    }

    @Test
    void serverErrorsAreRetriable() {
        server.stub("GET", "/schemas/ids/5", 500,
                "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");
        SchemaRegistryException backend = failure(() -> client.getById(5));
        assertThat(backend.errorCode()).isEqualTo(50001);
        assertThat(backend.isRetriable()).isTrue();

        server.stub("GET", "/schemas/ids/6", 502, "<html><body>Bad Gateway</body></html>");
        SchemaRegistryException proxy = failure(() -> client.getById(6));
        assertThat(proxy.errorCode()).isEqualTo(502);
        assertThat(proxy.registryMessage()).contains("Bad Gateway");
        assertThat(proxy.isRetriable()).isTrue();

        server.stub("GET", "/schemas/ids/7", 429, "{\"error_code\":429,\"message\":\"Rate limit exceeded\"}");
        assertThat(failure(() -> client.getById(7)).isRetriable()).isTrue();
    }

    @Test
    void failedLookupsAreNotCached() {
        server.stub("GET", "/schemas/ids/1", 503, "{\"error_code\":50003,\"message\":\"Error while forwarding\"}");
        failure(() -> client.getById(1));

        assertThat(failure(() -> client.getById(1)).errorCode()).isEqualTo(50003);
        assertThat(server.count("GET", "/schemas/ids/1")).isEqualTo(2);
    }

    @Test
    void noResponseIsRetriable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SchemaRegistryClient unreachable = SchemaRegistryClient.create(RegistryConfig.of("http://127.0.0.1:" + closedPort));

        SchemaRegistryException refused = failure(() -> unreachable.getById(1));
        assertThat(refused.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
        assertThat(refused.isRetriable()).isTrue();

        server.stubSlow("GET", "/schemas/ids/9", Duration.ofSeconds(5));
        SchemaRegistryClient impatient = SchemaRegistryClient.create(
                RegistryConfig.of(server.url()).withTimeout(Duration.ofMillis(200)));
        long start = System.nanoTime();
        SchemaRegistryException timedOut = failure(() -> impatient.getById(9));
        assertThat(timedOut.isRetriable()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void unexpectedSuccessBodiesAreReported() {
        server.stub("GET", "/schemas/ids/3", 200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
        assertThat(failure(() -> client.getById(3)).getMessage()).contains("PROTOBUF");

        server.stub("POST", VERSIONS, 200, "{\"unexpected\":true}");
        assertThat(failure(() -> client.register(SUBJECT, CLICK)).getMessage()).contains("'id'");
    }

    private static SchemaRegistryException failure(ThrowingCallable call) {
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, call);
        assertThat(e).as("expected a SchemaRegistryException").isNotNull();
        return e;
    }
}
