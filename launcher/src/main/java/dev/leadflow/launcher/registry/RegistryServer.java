package dev.leadflow.launcher.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.leadflow.schemas.RegisteredSchema;
import dev.leadflow.schemas.SchemaRegistryException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's stand-in for a Confluent Schema Registry: the REST surface that serializers,
 * deserializers and registry clients of any language call, with the registry's JSON, status
 * codes, error codes and media type, over the JDK's HTTP server. Avro only; schema references
 * are refused. The rules (ids, versions, soft and permanent deletes, compatibility levels) live in
 * {@link SubjectStore}.
 *
 * <p>With a storage file, every change (registration, deletion, compatibility level) is appended
 * to it, and a new server on the same file replays them in order, so ids stay what they were
 * (records already in Kafka keep decoding). Production uses a real Confluent Schema Registry.
 *
 * <p>Routes: {@code GET /}; {@code GET|PUT|DELETE /config} and {@code /config/{s}}
 * ({@code ?defaultToGlobal}); {@code GET|PUT /mode} and {@code /mode/{s}} (always READWRITE);
 * {@code GET /subjects} ({@code ?deleted}, {@code ?subjectPrefix}); {@code POST /subjects/{s}}
 * (look up); {@code DELETE /subjects/{s}} ({@code ?permanent}); {@code GET|POST /subjects/{s}/versions};
 * {@code GET|DELETE /subjects/{s}/versions/{v}} ({@code v} a number, {@code latest} or -1) and its
 * {@code /schema} and {@code /referencedby}; {@code GET /schemas/types}; {@code GET /schemas/ids/{id}}
 * and its {@code /schema} and {@code /versions}; {@code POST /compatibility/subjects/{s}/versions}
 * and {@code /versions/{v}}. Other query parameters (normalize, fetchMaxId, ...) are accepted and
 * ignored; any request content type is accepted.
 */
public final class RegistryServer implements AutoCloseable {

    public static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String READWRITE = "READWRITE";
    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final SubjectStore store = new SubjectStore();
    private final Path storage;
    private HttpContext context;

    private RegistryServer(HttpServer server, ExecutorService executor, Path storage) {
        this.server = server;
        this.executor = executor;
        this.storage = storage;
    }

    /**
     * Starts on {@code host:port} (port 0 for any free one).
     *
     * @param storage a file to keep every change in across restarts, or null to keep them in memory
     */
    public static RegistryServer start(String host, int port, Path storage) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "registry-http");
            t.setDaemon(true);
            return t;
        });
        RegistryServer registry = new RegistryServer(http, executor, storage);
        registry.replay();
        if (storage != null) {
            registry.store.journalTo(registry::append);
        }
        registry.context = http.createContext("/", registry::handle);
        http.setExecutor(executor);
        http.start();
        return registry;
    }

    /**
     * From now on every call needs HTTP basic auth with this user and password (401 otherwise), as a
     * Confluent registry with {@code authentication.method=BASIC} does; for tests of clients' credentials.
     */
    public RegistryServer requireBasicAuth(String user, String password) {
        byte[] expected = password.getBytes(StandardCharsets.UTF_8);
        context.setAuthenticator(new BasicAuthenticator("leadflow-registry") {
            @Override
            public boolean checkCredentials(String givenUser, String givenPassword) {
                return user.equals(givenUser)
                        && MessageDigest.isEqual(expected, givenPassword.getBytes(StandardCharsets.UTF_8));
            }
        });
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------

    private void replay() throws IOException {
        if (storage == null || !Files.exists(storage)) {
            return;
        }
        int n = 0;
        for (String line : Files.readAllLines(storage, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode entry = JSON.readTree(line);
            String subject = entry.hasNonNull("subject") ? entry.get("subject").asText() : null;
            switch (entry.path("op").asText("register")) {
                case "register" -> store.register(subject, new Schema.Parser().parse(entry.get("schema").asText()), false);
                case "config" -> store.setLevel(subject, Compatibility.parse(entry.path("compatibility").asText(null)));
                case "delete" -> {
                    boolean permanent = entry.path("permanent").asBoolean();
                    if (entry.has("version")) {
                        store.deleteVersion(subject, entry.get("version").asText(), permanent);
                    } else {
                        store.deleteSubject(subject, permanent);
                    }
                }
                default -> throw new IOException("unknown registry change in " + storage + ": " + line);
            }
            n++;
        }
        LOG.info("Schema registry restored {} changes from {}", n, storage);
    }

    private void append(Map<String, Object> entry) throws IOException {
        Files.createDirectories(storage.toAbsolutePath().getParent());
        Files.writeString(storage, JSON.writeValueAsString(entry) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String rawPath = exchange.getRequestURI().getRawPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                Request request = new Request(method, segments(rawPath), query(exchange.getRequestURI().getRawQuery()), body);
                respond(exchange, 200, route(request));
            } catch (SchemaRegistryException e) {
                respond(exchange, e.httpStatus(), error(e.errorCode(), e.registryMessage()));
            } catch (BadRequest e) {
                respond(exchange, e.status, error(e.code, e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("registry request {} {} failed", method, rawPath, e);
                respond(exchange, 500, error(50001, "Error in the backend data store: " + e.getMessage()));
            }
        }
    }

    /** One call: its method, decoded path segments, query parameters and body. */
    private record Request(String method, String[] path, Map<String, String> query, String body) {

        boolean is(String verb, String... shape) {
            if (!method.equals(verb) || path.length != shape.length) {
                return false;
            }
            for (int i = 0; i < shape.length; i++) {
                if (!shape[i].equals("*") && !shape[i].equals(path[i])) {
                    return false;
                }
            }
            return true;
        }

        boolean flag(String name) {
            return Boolean.parseBoolean(query.get(name));
        }
    }

    /** Path shapes served, {@code *} for a subject, version or id; a known shape with another method is 405. */
    private static final List<String[]> SHAPES = List.of(
            new String[] {}, new String[] {"config"}, new String[] {"config", "*"}, new String[] {"mode"},
            new String[] {"mode", "*"}, new String[] {"subjects"}, new String[] {"subjects", "*"},
            new String[] {"subjects", "*", "versions"}, new String[] {"subjects", "*", "versions", "*"},
            new String[] {"subjects", "*", "versions", "*", "schema"},
            new String[] {"subjects", "*", "versions", "*", "referencedby"},
            new String[] {"schemas", "types"}, new String[] {"schemas", "ids", "*"},
            new String[] {"schemas", "ids", "*", "schema"}, new String[] {"schemas", "ids", "*", "versions"},
            new String[] {"compatibility", "subjects", "*", "versions"},
            new String[] {"compatibility", "subjects", "*", "versions", "*"});

    private Object route(Request r) {
        String[] p = r.path();
        String subject = p.length >= 2 ? p[1] : null;
        // the registry itself and its settings
        if (r.is("GET")) {
            return Map.of();
        }
        if (r.is("GET", "config")) {
            return Map.of("compatibilityLevel", store.globalLevel().name());
        }
        if (r.is("PUT", "config")) {
            Compatibility level = level(r.body());
            store.setLevel(null, level);
            return Map.of("compatibility", level.name());
        }
        if (r.is("DELETE", "config")) {
            return store.setLevel(null, null).name();
        }
        if (r.is("GET", "config", "*")) {
            Compatibility level = store.subjectLevel(subject);
            if (level == null && r.flag("defaultToGlobal")) {
                level = store.globalLevel();
            }
            if (level == null) {
                throw new SchemaRegistryException(404, SubjectStore.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                        "Subject '" + subject + "' does not have subject-level compatibility configured");
            }
            return Map.of("compatibilityLevel", level.name());
        }
        if (r.is("PUT", "config", "*")) {
            Compatibility level = level(r.body());
            store.setLevel(subject, level);
            return Map.of("compatibility", level.name());
        }
        if (r.is("DELETE", "config", "*")) {
            return store.deleteSubjectLevel(subject).name();
        }
        if (r.is("GET", "mode")) {
            return Map.of("mode", READWRITE);
        }
        if (r.is("GET", "mode", "*")) {
            if (!r.flag("defaultToGlobal")) {
                throw new SchemaRegistryException(404, SubjectStore.SUBJECT_MODE_NOT_CONFIGURED,
                        "Subject '" + subject + "' does not have subject-level mode configured");
            }
            return Map.of("mode", READWRITE);
        }
        if (r.is("PUT", "mode") || r.is("PUT", "mode", "*")) {
            String mode = field(r.body(), "mode");
            if (!READWRITE.equalsIgnoreCase(mode)) {
                throw new SchemaRegistryException(422, SubjectStore.INVALID_MODE,
                        "Invalid mode " + mode + ": this registry only runs in READWRITE");
            }
            return Map.of("mode", READWRITE);
        }
        // subjects and versions
        if (r.is("GET", "subjects")) {
            return store.subjects(r.flag("deleted"), r.query().getOrDefault("subjectPrefix", ""));
        }
        if (r.is("POST", "subjects", "*")) {
            return describe(store.lookUp(subject, parse(r.body()), r.flag("deleted")));
        }
        if (r.is("DELETE", "subjects", "*")) {
            return store.deleteSubject(subject, r.flag("permanent"));
        }
        if (r.is("GET", "subjects", "*", "versions")) {
            return store.versionNumbers(subject, r.flag("deleted"));
        }
        if (r.is("POST", "subjects", "*", "versions")) {
            return Map.of("id", store.register(subject, parse(r.body()), true));
        }
        if (r.is("GET", "subjects", "*", "versions", "*")) {
            return describe(store.version(subject, p[3], r.flag("deleted")));
        }
        if (r.is("DELETE", "subjects", "*", "versions", "*")) {
            return store.deleteVersion(subject, p[3], r.flag("permanent"));
        }
        if (r.is("GET", "subjects", "*", "versions", "*", "schema")) {
            return raw(store.version(subject, p[3], r.flag("deleted")).schema());
        }
        if (r.is("GET", "subjects", "*", "versions", "*", "referencedby")) {
            store.version(subject, p[3], true);
            return List.of(); // schema references are not supported, so nothing refers to a version
        }
        // schemas by id
        if (r.is("GET", "schemas", "types")) {
            return List.of("AVRO");
        }
        if (r.is("GET", "schemas", "ids", "*")) {
            return Map.of("schema", store.schema(parseId(p[2])).toString());
        }
        if (r.is("GET", "schemas", "ids", "*", "schema")) {
            return raw(store.schema(parseId(p[2])));
        }
        if (r.is("GET", "schemas", "ids", "*", "versions")) {
            List<Map<String, Object>> uses = new ArrayList<>();
            for (SubjectStore.Version v : store.uses(parseId(p[2]), r.flag("deleted"))) {
                Map<String, Object> use = new LinkedHashMap<>();
                use.put("subject", v.subject());
                use.put("version", v.version());
                uses.add(use);
            }
            return uses;
        }
        // compatibility checks; like Confluent 7+, a subject without versions is simply compatible
        if (r.is("POST", "compatibility", "subjects", "*", "versions")) {
            return Map.of("is_compatible", store.isCompatible(p[2], parse(r.body()), null));
        }
        if (r.is("POST", "compatibility", "subjects", "*", "versions", "*")) {
            return Map.of("is_compatible", store.isCompatible(p[2], parse(r.body()), p[4]));
        }
        for (String[] shape : SHAPES) {
            if (new Request("", p, Map.of(), "").is("", shape)) {
                throw new BadRequest(405, 405, "HTTP 405 Method Not Allowed");
            }
        }
        throw new BadRequest(404, 404, "HTTP 404 Not Found");
    }

    private static Map<String, Object> describe(SubjectStore.Version v) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("subject", v.subject());
        answer.put("version", v.version());
        answer.put("id", v.id());
        answer.put("schema", v.schema().toString());
        return answer;
    }

    /** The schema itself as the body, not a string holding it, as the {@code /schema} routes answer. */
    private static RawJson raw(Schema schema) {
        return new RawJson(schema.toString());
    }

    private record RawJson(String json) {
    }

    /** The subject's newest live version; 40401 as a {@link SchemaRegistryException} if none. */
    public RegisteredSchema latest(String subject) {
        SubjectStore.Version v = store.version(subject, "latest", false);
        return new RegisteredSchema(subject, v.id(), v.version(), v.schema());
    }

    private static int parseId(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(404, SubjectStore.SCHEMA_NOT_FOUND, "Schema " + s + " not found");
        }
    }

    private static Compatibility level(String body) {
        String name = field(body, "compatibility");
        Compatibility level = Compatibility.parse(name);
        if (level == null) {
            throw new SchemaRegistryException(422, SubjectStore.INVALID_COMPATIBILITY, "Invalid compatibility level "
                    + name + ". Valid values are none, backward, forward, full, backward_transitive, "
                    + "forward_transitive, and full_transitive");
        }
        return level;
    }

    private static String field(String body, String name) {
        JsonNode request = json(body);
        return request != null && request.hasNonNull(name) ? request.get(name).asText() : null;
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // as the registry's JSON layer answers a body it cannot parse
            throw new BadRequest(400, 400, "Unrecognized request body: " + e.getOriginalMessage());
        }
    }

    private static Schema parse(String body) {
        JsonNode request = json(body);
        if (request == null || !request.hasNonNull("schema")) {
            throw new BadRequest(422, SubjectStore.INVALID_SCHEMA, "Invalid schema: the request has no \"schema\"");
        }
        String type = request.path("schemaType").asText("AVRO");
        if (!type.equalsIgnoreCase("AVRO")) {
            throw new BadRequest(422, SubjectStore.INVALID_SCHEMA, "Invalid schema: only AVRO schemas are supported here, got " + type);
        }
        if (request.hasNonNull("references") && request.get("references").size() > 0) {
            throw new BadRequest(422, SubjectStore.INVALID_SCHEMA, "Invalid schema: schema references are not supported here");
        }
        try {
            return new Schema.Parser().parse(request.get("schema").asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(422, SubjectStore.INVALID_SCHEMA, "Invalid schema " + e.getMessage());
        }
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery == null) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            query.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    private static String[] segments(String rawPath) {
        String p = rawPath;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return new String[0];
        }
        String[] segments = p.split("/");
        for (int i = 0; i < segments.length; i++) {
            segments[i] = decode(segments[i]);
        }
        return segments;
    }

    /** Percent-decodes one path segment the way a servlet container does: '+' stays '+'. */
    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static ErrorBody error(int code, String message) {
        try {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("error_code", code);
            e.put("message", message);
            return new ErrorBody(JSON.writeValueAsString(e));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private record ErrorBody(String json) {
    }

    private static void respond(HttpExchange exchange, int status, Object answer) throws IOException {
        String text = answer instanceof RawJson raw ? raw.json()
                : answer instanceof ErrorBody e ? e.json() : JSON.writeValueAsString(answer);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", MEDIA_TYPE);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** An answer about the request itself, with the registry's status and error code. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final int code;

        BadRequest(int status, int code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }
}
