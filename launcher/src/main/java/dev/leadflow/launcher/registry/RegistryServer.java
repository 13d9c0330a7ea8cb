package dev.leadflow.launcher.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.leadflow.schemas.MockSchemaRegistryClient;
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
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's stand-in for a Confluent Schema Registry: the REST calls that serializers and
 * deserializers of any language make, with the registry's JSON, error codes and media type, over
 * the JDK's HTTP server. Schemas live in a {@link MockSchemaRegistryClient} scope (global ids from
 * 1, versions per subject, BACKWARD compatibility checked on registration).
 *
 * <p>With a storage file, every new registration is appended to it, and a new server on the same
 * file replays them in order, so ids stay what they were (records already in Kafka keep decoding).
 * Production uses a real Confluent Schema Registry.
 *
 * <p>Routes: {@code POST /subjects/{s}/versions}, {@code POST /subjects/{s}} (look up),
 * {@code GET /subjects}, {@code GET /subjects/{s}/versions}, {@code GET /subjects/{s}/versions/latest},
 * {@code GET /schemas/ids/{id}}, {@code POST /compatibility/subjects/{s}/versions/latest},
 * {@code GET /config}. Query parameters (normalize, fetchMaxId, ...) are accepted and ignored.
 */
public final class RegistryServer implements AutoCloseable {

    public static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final String scope = "leadflow-registry-" + UUID.randomUUID();
    private final MockSchemaRegistryClient store = MockSchemaRegistryClient.forScope(scope);
    /** Subjects in registration order with their version ids, mirroring the store's own bookkeeping. */
    private final Map<String, List<Integer>> versions = new LinkedHashMap<>();
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
     * @param storage a file to keep registrations in across restarts, or null to keep them in memory
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
        MockSchemaRegistryClient.dropScope(scope);
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
            register(entry.get("subject").asText(), new Schema.Parser().parse(entry.get("schema").asText()), false);
            n++;
        }
        LOG.info("Schema registry restored {} registrations from {}", n, storage);
    }

    private synchronized int register(String subject, Schema schema, boolean persist) throws IOException {
        int id = store.register(subject, schema);
        List<Integer> ids = versions.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!ids.contains(id)) {
            ids.add(id);
            if (persist && storage != null) {
                Map<String, String> entry = new LinkedHashMap<>();
                entry.put("subject", subject);
                entry.put("schema", schema.toString());
                Files.createDirectories(storage.toAbsolutePath().getParent());
                Files.writeString(storage, JSON.writeValueAsString(entry) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
        return id;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String rawPath = exchange.getRequestURI().getRawPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                respond(exchange, 200, route(method, segments(rawPath), body));
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

    private Object route(String method, String[] p, String body) throws IOException {
        if (method.equals("GET") && p.length == 1 && p[0].equals("config")) {
            return Map.of("compatibilityLevel", "BACKWARD");
        }
        if (method.equals("GET") && p.length == 1 && p[0].equals("subjects")) {
            synchronized (this) {
                return new ArrayList<>(versions.keySet());
            }
        }
        if (p.length >= 2 && p[0].equals("subjects")) {
            String subject = decode(p[1]);
            if (method.equals("POST") && p.length == 3 && p[2].equals("versions")) {
                return Map.of("id", register(subject, parse(body), true));
            }
            if (method.equals("POST") && p.length == 2) {
                return lookUp(subject, parse(body));
            }
            if (method.equals("GET") && p.length == 3 && p[2].equals("versions")) {
                List<Integer> numbers = new ArrayList<>();
                for (int v = 1; v <= versionIds(subject).size(); v++) {
                    numbers.add(v);
                }
                return numbers;
            }
            if (method.equals("GET") && p.length == 4 && p[2].equals("versions")) {
                return version(subject, p[3]);
            }
        }
        if (method.equals("GET") && p.length == 3 && p[0].equals("schemas") && p[1].equals("ids")) {
            return Map.of("schema", store.getById(parseId(p[2])).toString());
        }
        if (method.equals("POST") && p.length == 5 && p[0].equals("compatibility") && p[1].equals("subjects")
                && p[3].equals("versions") && p[4].equals("latest")) {
            // Like Confluent 7+, a subject without versions is simply compatible.
            return Map.of("is_compatible", store.isCompatible(decode(p[2]), parse(body)));
        }
        throw new BadRequest(404, 404, "HTTP 404 Not Found");
    }

    private Map<String, Object> version(String subject, String which) {
        List<Integer> ids = versionIds(subject);
        int index;
        if (which.equals("latest") || which.equals("-1")) {
            index = ids.size();
        } else {
            try {
                index = Integer.parseInt(which);
            } catch (NumberFormatException e) {
                throw new BadRequest(422, 42202, "The specified version '" + which + "' is not a valid version id. "
                        + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
            }
        }
        if (index < 1 || index > ids.size()) {
            throw new SchemaRegistryException(404, SchemaRegistryException.VERSION_NOT_FOUND, "Version " + which + " not found.");
        }
        int id = ids.get(index - 1);
        return describe(subject, index, id);
    }

    private Map<String, Object> lookUp(String subject, Schema schema) {
        List<Integer> ids = versionIds(subject);
        String json = schema.toString();
        for (int i = 0; i < ids.size(); i++) {
            if (store.getById(ids.get(i)).toString().equals(json)) {
                return describe(subject, i + 1, ids.get(i));
            }
        }
        throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found");
    }

    private Map<String, Object> describe(String subject, int version, int id) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("subject", subject);
        answer.put("version", version);
        answer.put("id", id);
        answer.put("schema", store.getById(id).toString());
        return answer;
    }

    private synchronized List<Integer> versionIds(String subject) {
        List<Integer> ids = versions.get(subject);
        if (ids == null || ids.isEmpty()) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found.");
        }
        return List.copyOf(ids);
    }

    /** Sanity check of what {@link RegisteredSchema} the store reports as latest; used by tests. */
    public RegisteredSchema latest(String subject) {
        return store.getLatest(subject);
    }

    private static int parseId(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + s + " not found");
        }
    }

    private static Schema parse(String body) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            throw new BadRequest(422, 42201, "Invalid schema: the request body is not JSON");
        }
        if (request == null || !request.hasNonNull("schema")) {
            throw new BadRequest(422, 42201, "Invalid schema: the request has no \"schema\"");
        }
        String type = request.path("schemaType").asText("AVRO");
        if (!type.equalsIgnoreCase("AVRO")) {
            throw new BadRequest(422, 42201, "Invalid schema: only AVRO schemas are supported here, got " + type);
        }
        if (request.hasNonNull("references") && request.get("references").size() > 0) {
            throw new BadRequest(422, 42201, "Invalid schema: schema references are not supported here");
        }
        try {
            return new Schema.Parser().parse(request.get("schema").asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema " + e.getMessage());
        }
    }

    private static String[] segments(String rawPath) {
        String p = rawPath;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/");
    }

    /** Percent-decodes one path segment the way a servlet container does: '+' stays '+'. */
    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String error(int code, String message) {
        try {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("error_code", code);
            e.put("message", message);
            return JSON.writeValueAsString(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void respond(HttpExchange exchange, int status, Object answer) throws IOException {
        byte[] bytes = (answer instanceof String s ? s : JSON.writeValueAsString(answer)).getBytes(StandardCharsets.UTF_8);
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
