package dev.leadflow.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * An HTTP server that answers the registry endpoints the client uses the way Confluent Schema
 * Registry does, storing schemas in a private mock scope. It records every request, and canned
 * answers ("stubs") override a route to simulate ids, errors and slow responses. It can stop
 * listening (callers then get "connection refused") and listen again on the same port with the
 * same schemas, like a registry that restarts.
 *
 * <p>Shared with other modules' tests through this module's test-jar.
 */
public final class FakeRegistryServer implements AutoCloseable {

    public record Request(String method, String rawPath, String contentType, String accept, String authorization,
                   String body) {
    }

    private record Stub(int status, String body, Duration delay) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-registry");
        t.setDaemon(true);
        return t;
    });
    private final String scope = "fake-registry-" + UUID.randomUUID();
    private final MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(scope);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Stub> stubs = new ConcurrentHashMap<>();
    private final int port;
    private volatile String requiredAuthorization;
    private HttpServer server;

    /** Starts on a free loopback port. */
    public FakeRegistryServer() throws IOException {
        server = listen(0);
        port = server.getAddress().getPort();
    }

    private HttpServer listen(int onPort) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
        http.createContext("/", this::handle);
        http.setExecutor(executor);
        http.start();
        return http;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops listening; schemas are kept. Until {@link #restart()} connections are refused. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again on the same port, with the schemas registered before. */
    public synchronized void restart() throws IOException {
        if (server == null) {
            server = listen(port);
        }
    }

    /** The registry behind the endpoint, to register or look up schemas without HTTP. */
    public MockSchemaRegistryClient registry() {
        return registry;
    }

    void requireBasicAuth(String user, String password) {
        requiredAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** From now on, answers {@code method rawPath} with this status and body. */
    public void stub(String method, String rawPath, int status, String body) {
        stubs.put(method + " " + rawPath, new Stub(status, body, Duration.ZERO));
    }

    void stubSlow(String method, String rawPath, Duration delay) {
        stubs.put(method + " " + rawPath, new Stub(200, "{}", delay));
    }

    /** Answers {@code method rawPath} from the registry again. */
    public void unstub(String method, String rawPath) {
        stubs.remove(method + " " + rawPath);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public long count(String method, String rawPath) {
        return requests.stream().filter(r -> r.method().equals(method) && r.rawPath().equals(rawPath)).count();
    }

    @Override
    public void close() {
        stop();
        executor.shutdownNow();
        MockSchemaRegistryClient.dropScope(scope);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(new Request(method, rawPath, exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Accept"), authorization, body));

            if (requiredAuthorization != null && !requiredAuthorization.equals(authorization)) {
                respond(exchange, 401, error(401, "Unauthorized"));
                return;
            }
            Stub stub = stubs.get(method + " " + rawPath);
            if (stub != null) {
                Thread.sleep(stub.delay().toMillis());
                respond(exchange, stub.status(), stub.body());
                return;
            }
            try {
                respond(exchange, 200, route(method, rawPath.substring(1).split("/"), body));
            } catch (SchemaRegistryException e) {
                respond(exchange, e.httpStatus(), error(e.errorCode(), e.registryMessage()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String route(String method, String[] path, String body) throws IOException {
        Map<String, Object> answer = new LinkedHashMap<>();
        if (method.equals("POST") && path.length == 3 && path[0].equals("subjects") && path[2].equals("versions")) {
            answer.put("id", registry.register(decode(path[1]), parse(body)));
        } else if (method.equals("GET") && path.length == 3 && path[0].equals("schemas") && path[1].equals("ids")) {
            answer.put("schema", registry.getById(Integer.parseInt(path[2])).toString());
        } else if (method.equals("GET") && path.length == 4 && path[0].equals("subjects")
                && path[2].equals("versions") && path[3].equals("latest")) {
            RegisteredSchema latest = registry.getLatest(decode(path[1]));
            answer.put("subject", latest.subject());
            answer.put("version", latest.version());
            answer.put("id", latest.id());
            answer.put("schema", latest.schema().toString());
        } else if (method.equals("POST") && path.length == 5 && path[0].equals("compatibility")
                && path[1].equals("subjects") && path[3].equals("versions") && path[4].equals("latest")) {
            // Like Confluent 7+, a subject without versions is simply compatible.
            answer.put("is_compatible", registry.isCompatible(decode(path[2]), parse(body)));
        } else {
            throw new SchemaRegistryException(404, 404, "HTTP 404 Not Found");
        }
        return JSON.writeValueAsString(answer);
    }

    private static Schema parse(String body) throws IOException {
        JsonNode request = JSON.readTree(body);
        try {
            return new Schema.Parser().parse(request.path("schema").asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema " + e.getMessage());
        }
    }

    /** Percent-decodes one path segment the way a servlet container does: '+' stays '+'. */
    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public static String error(int code, String message) throws IOException {
        return JSON.writeValueAsString(Map.of("error_code", code, "message", message));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", RestSchemaRegistryClient.MEDIA_TYPE);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
