package dev.leadflow.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client for the Confluent Schema Registry REST API (v1 media type), Avro schemas only; schema
 * references are not supported.
 *
 * <p>Caching: registering the same schema under the same subject calls the registry once, and a
 * schema fetched by id is kept forever because the registry never reassigns an id. Latest
 * versions and compatibility answers change over time, so those always go to the registry.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_BODY_CHARS = 300;

    private final String baseUrl;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;
    private final ConcurrentMap<SubjectSchema, Integer> registeredIds = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public RestSchemaRegistryClient(RegistryConfig config) {
        if (config.isMock()) {
            throw new IllegalArgumentException("mock:// URLs need SchemaRegistryClient.create, not the REST client");
        }
        this.baseUrl = config.url();
        this.authorization = config.hasBasicAuth() ? basicAuth(config.username(), config.password()) : null;
        this.timeout = config.timeout();
        this.http = HttpClient.newBuilder()
                // Plain HTTP/1.1: an h2c upgrade attempt buys nothing for a few small calls and
                // some proxies in front of registries mishandle it.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    @Override
    public int register(String subject, Schema schema) {
        Objects.requireNonNull(subject, "subject");
        SubjectSchema key = new SubjectSchema(subject, schema.toString());
        Integer cached = registeredIds.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode response = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(key.schemaJson()));
        int id = intField(response, "id");
        registeredIds.putIfAbsent(key, id);
        schemasById.putIfAbsent(id, schema);
        LOG.info("Schema {} is id {} under subject {}", schema.getFullName(), id, subject);
        return id;
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        Schema schema = parseSchema(id, send("GET", "/schemas/ids/" + id, null));
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
        Objects.requireNonNull(subject, "subject");
        JsonNode response = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        int id = intField(response, "id");
        Schema schema = schemasById.computeIfAbsent(id, unused -> parseSchema(id, response));
        return new RegisteredSchema(subject, id, intField(response, "version"), schema);
    }

    /**
     * Registries before Confluent 7 (and Karapace) answer 40401 or 40402 for a subject without
     * versions, where newer ones answer {@code is_compatible: true}. Both mean there is nothing
     * to be incompatible with, so both return true here: callers see one behaviour everywhere.
     */
    @Override
    public boolean isCompatible(String subject, Schema schema) {
        Objects.requireNonNull(subject, "subject");
        try {
            JsonNode response = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema.toString()));
            JsonNode verdict = response.get("is_compatible");
            if (verdict == null || !verdict.isBoolean()) {
                throw unexpected(response, "is_compatible");
            }
            return verdict.booleanValue();
        } catch (SchemaRegistryException e) {
            if (e.isSubjectNotFound() || e.isVersionNotFound()) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "RestSchemaRegistryClient{url=" + baseUrl + "}";
    }

    private JsonNode send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", MEDIA_TYPE)
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", MEDIA_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw SchemaRegistryException.noResponse(method + " " + baseUrl + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Retriable on purpose: an interrupted lookup says nothing about the record, which must
            // not be dead-lettered because its task was being cancelled.
            throw SchemaRegistryException.noResponse(method + " " + baseUrl + path + " interrupted", e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw errorFrom(status, response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(status, SchemaRegistryException.NO_ERROR_CODE,
                    "registry answered " + method + " " + path + " with a body that is not JSON: "
                            + abbreviate(response.body()), e);
        }
    }

    /** Maps the registry's {"error_code": n, "message": "..."}; proxies may answer with HTML instead. */
    private static SchemaRegistryException errorFrom(int status, String body) {
        try {
            JsonNode error = JSON.readTree(body);
            if (error != null && error.path("error_code").isInt()) {
                return new SchemaRegistryException(status, error.get("error_code").intValue(),
                        error.path("message").asText(""));
            }
        } catch (JsonProcessingException e) {
            // not the registry's JSON: fall through and report the raw body
        }
        return new SchemaRegistryException(status, status, abbreviate(body));
    }

    private static Schema parseSchema(int id, JsonNode response) {
        String type = response.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new SchemaRegistryException(200, SchemaRegistryException.NO_ERROR_CODE,
                    "schema " + id + " is " + type + ", not AVRO");
        }
        JsonNode text = response.get("schema");
        if (text == null || !text.isTextual()) {
            throw unexpected(response, "schema");
        }
        try {
            return new Schema.Parser().parse(text.textValue());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(200, SchemaRegistryException.NO_ERROR_CODE,
                    "registry returned an unparseable Avro schema for id " + id + ": " + e.getMessage(), e);
        }
    }

    private static int intField(JsonNode response, String field) {
        JsonNode value = response.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
            throw unexpected(response, field);
        }
        return value.intValue();
    }

    private static SchemaRegistryException unexpected(JsonNode response, String field) {
        return new SchemaRegistryException(200, SchemaRegistryException.NO_ERROR_CODE,
                "registry response lacks '" + field + "': " + abbreviate(response.toString()));
    }

    private static String schemaBody(String schemaJson) {
        try {
            // The schema travels as a JSON string inside JSON, hence the second encoding.
            return JSON.writeValueAsString(Map.of("schema", schemaJson));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a string as JSON", e);
        }
    }

    /** Path-segment encoding: URLEncoder is for forms, so its '+' for space is turned into %20. */
    static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String basicAuth(String username, String password) {
        String credentials = username + ":" + password;
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static String abbreviate(String text) {
        if (text == null || text.isBlank()) {
            return "(empty body)";
        }
        return text.length() <= MAX_ERROR_BODY_CHARS ? text : text.substring(0, MAX_ERROR_BODY_CHARS) + "...";
    }

    private record SubjectSchema(String subject, String schemaJson) {
    }
}
