package dev.leadflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueueAction;
import dev.leadflow.queue.QueueChange;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Response targets, escalation and webhooks end to end: two seller API instances on one real redis-server
 * (one restarted half-way), a webhook receiver on a local HTTP server, leads put in the queue as the job
 * puts them. Targets are seconds long; every wait is on a condition with a deadline.
 */
class SpeedToLeadTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String Q = "team-a";
    private static final String OVERFLOW = "team-a-overflow";
    private static final String FLAKY = "team-a-flaky";
    private static final String ENQUEUED = "team-a-enqueued";
    private static final String SECRET = "a-webhook-secret-of-some-length";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final double RAISE = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static HttpServer receiver;
    private static final List<Received> received = new CopyOnWriteArrayList<>();
    private static final AtomicInteger flakyFailuresLeft = new AtomicInteger(2);
    private static HandoffQueue queue;
    private static SellerApiConfig config;

    record Received(String path, String body, String signature, String timestamp, String delivery) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(path, body, exchange.getRequestHeaders().getFirst("X-LeadFlow-Signature"),
                    exchange.getRequestHeaders().getFirst("X-LeadFlow-Timestamp"),
                    exchange.getRequestHeaders().getFirst("X-LeadFlow-Delivery")));
            int status = path.equals("/flaky") && flakyFailuresLeft.getAndDecrement() > 0 ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort();
        Path queues = Files.writeString(dir.resolve("queues.yaml"), """
                %s:
                  targets:
                    - kind: hand-raiser
                      signals: ["track:demo_requested"]
                      target: 2s
                    - kind: other
                      target: 1h
                  escalation:
                    - after: 0s
                      raisePriority: %s
                      notify: true
                    - after: 3s
                      overflowTo: %s
                      notify: true
                  webhook: {url: "%s/hook", secret: "%s", format: json}
                %s:
                  targets:
                    - {kind: any, target: 1s}
                  escalation:
                    - {after: 0s, notify: true}
                  webhook: {url: "%s/flaky", secret: "%s", format: slack, firstRetry: 200ms, maxAttempts: 5}
                %s:
                  targets:
                    - {kind: hand-raiser, signals: ["track:demo_requested"], target: 1h, notifyOnEnqueue: true}
                    - {kind: other, target: 1h}
                  webhook: {url: "%s/enqueued", secret: "%s"}
                """.formatted(Q, RAISE, OVERFLOW, hook, SECRET, FLAKY, hook, SECRET, ENQUEUED, hook, SECRET));
        config = SellerApiConfig.defaults(TestUsers.write(dir)).withPort(0).withRedisUri(REDIS.uri())
                .withKafka("localhost:1", Map.of()).withRegistry("mock://speed-to-lead-test", null, null)
                .withQueues(queues).withEscalationInterval(Duration.ofMillis(100));
        queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.stop(0);
        }
        if (queue != null) {
            queue.close();
        }
    }

    @Test
    void eachLeadEscalatesOncePerStepAcrossTwoInstancesAndARestart() throws Exception {
        SellerApi first = SellerApi.start(config);
        SellerApi second = SellerApi.start(config);
        try {
            long now = System.currentTimeMillis();
            Map<String, Double> priorities = new HashMap<>();
            for (int i = 0; i < 12; i++) {
                String lead = "hr-" + i;
                priorities.put(lead, 10.0 + i);
                enqueue(lead, 10 + i, now, "track:demo_requested");
            }
            enqueue("calm-1", 50, now, "page:pricing");
            List<String> fresh = List.copyOf(priorities.keySet());
            // leads waiting for an hour already: both steps are due at once, and the two instances race for them
            for (int i = 0; i < 6; i++) {
                String lead = "late-" + i;
                priorities.put(lead, 30.0 + i);
                enqueue(lead, 30 + i, now - 3_600_000, "track:demo_requested");
            }

            // step 1 (the breach): every hand-raiser's priority is raised once
            await(() -> fresh.stream().allMatch(l -> queue.get(Q, l).map(x -> x.escalations() == 1)
                    .orElse(false)), "every hand-raiser breached");
            // restart one instance between the steps
            second.close();
            second = SellerApi.start(config);

            // step 2: each moves to the overflow queue, keeping the raise
            await(() -> priorities.keySet().stream().allMatch(l -> queue.get(OVERFLOW, l).isPresent()),
                    "every hand-raiser in the overflow queue");
            for (Map.Entry<String, Double> e : priorities.entrySet()) {
                assertThat(queue.get(OVERFLOW, e.getKey()).orElseThrow().priority()).as(e.getKey())
                        .isEqualTo(e.getValue() + RAISE);
                assertThat(queue.get(Q, e.getKey())).isEmpty();
            }
            // a marker lead enqueued after all of that: once it has escalated twice, every tick that could
            // have repeated an earlier step has run
            enqueue("marker", 1, System.currentTimeMillis(), "track:demo_requested");
            await(() -> queue.get(OVERFLOW, "marker").isPresent(), "the marker moved");
            await(() -> notes("/hook", "marker").size() == 2, "both notes of the marker");

            Map<String, Long> escalateChanges = queue.changes(Q, null, 10_000).stream()
                    .filter(c -> c.type() == QueueChange.Type.ESCALATE)
                    .collect(Collectors.groupingBy(QueueChange::leadId, Collectors.counting()));
            for (String lead : priorities.keySet()) {
                assertThat(escalateChanges.get(lead)).as("breach steps of " + lead).isEqualTo(1);
                List<JsonNode> notes = notes("/hook", lead);
                assertThat(notes).as("notes of " + lead).extracting(n -> n.path("step").asInt())
                        .containsExactlyInAnyOrder(1, 2);
                assertThat(notes).extracting(n -> n.path("event").asText())
                        .containsExactlyInAnyOrder("lead.breached", "lead.escalated");
                assertThat(notes.stream().filter(n -> n.path("step").asInt() == 2).findFirst().orElseThrow()
                        .path("movedTo").asText()).isEqualTo(OVERFLOW);
            }
            assertThat(escalateChanges).doesNotContainKey("calm-1");
            assertThat(queue.get(Q, "calm-1").orElseThrow().priority()).isEqualTo(50);
            assertThat(queue.get(Q, "calm-1").orElseThrow().targetAt()).isGreaterThan(now + 3_000_000);

            // every request carries a valid signature, computed here independently
            for (Received r : received.stream().filter(r -> r.path().equals("/hook")).toList()) {
                assertThat(r.signature()).isEqualTo("sha256=" + hmac(SECRET, r.timestamp() + "." + r.body()));
                assertThat(r.delivery()).isEqualTo(r.json().path("deliveryId").asText());
                assertThat(r.json().has("email")).as("no contact fields in a notification").isFalse();
            }
            assertThat(received.stream().filter(r -> r.path().equals("/hook")).map(Received::delivery).distinct().count())
                    .isEqualTo(received.stream().filter(r -> r.path().equals("/hook")).count());

            // the job's withdraw of an overflowed lead takes it from both queues
            queue.apply(QueueAction.withdraw(Q, "hr-0", "hr-0-1", 2));
            assertThat(queue.get(OVERFLOW, "hr-0")).isEmpty();
            assertThat(queue.get(Q, "hr-0")).isEmpty();

            // breaches and escalations are on /metrics (the restarted instance counts from its start)
            String metrics = scrape(first) + scrape(second);
            assertThat(metrics).contains("leadflow_api_sla_breaches_total{kind=\"hand-raiser\",queue=\"team-a\"}",
                    "leadflow_api_sla_target_seconds{kind=\"hand-raiser\",queue=\"team-a\"} 2.0");
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aFailingWebhookIsRetriedWithBackoffAndFailuresAreCounted() throws Exception {
        try (SellerApi api = SellerApi.start(config)) {
            queue.apply(QueueAction.enqueue(FLAKY, "flaky-1", "flaky-1-1", 1, 5,
                    payload(FLAKY, "flaky-1", 5, System.currentTimeMillis(), "page:pricing"), System.currentTimeMillis()));

            await(() -> received.stream().filter(r -> r.path().equals("/flaky")).count() == 3, "two failures, then success");
            List<Received> attempts = received.stream().filter(r -> r.path().equals("/flaky")).toList();
            assertThat(attempts).extracting(Received::delivery).as("one notification, sent three times").containsOnly(
                    attempts.get(0).delivery());
            for (Received r : attempts) {
                assertThat(r.signature()).isEqualTo("sha256=" + hmac(SECRET, r.timestamp() + "." + r.body()));
                assertThat(r.json().path("text").asText()).as("Slack format: text only").contains("flaky-1");
                assertThat(r.json().size()).isEqualTo(1);
            }
            await(() -> scrape(api).contains("leadflow_api_webhook_deliveries_total{queue=\"team-a-flaky\",result=\"delivered\"} 1.0"),
                    "the delivery counted");
            assertThat(scrape(api)).contains("leadflow_api_webhook_deliveries_total{queue=\"team-a-flaky\",result=\"failed\"} 2.0");
        }
    }

    @Test
    void aHandRaiserIsAnnouncedWhenQueuedWhereConfigured() throws Exception {
        try (SellerApi api = SellerApi.start(config)) {
            long now = System.currentTimeMillis();
            queue.apply(QueueAction.enqueue(ENQUEUED, "calm-e", "calm-e-1", 1, 5,
                    payload(ENQUEUED, "calm-e", 5, now, "page:pricing"), now));
            queue.apply(QueueAction.enqueue(ENQUEUED, "hr-e", "hr-e-1", 1, 5,
                    payload(ENQUEUED, "hr-e", 5, now, "track:demo_requested"), now));
            await(() -> !notes("/enqueued", "hr-e").isEmpty(), "the hand-raiser announced");
            JsonNode note = notes("/enqueued", "hr-e").get(0);
            assertThat(note.path("event").asText()).isEqualTo("lead.enqueued");
            assertThat(note.path("kind").asText()).isEqualTo("hand-raiser");
            assertThat(note.path("text").asText()).contains("within 1 h");
            // the other lead was scheduled too (its target is set), but not announced
            await(() -> queue.get(ENQUEUED, "calm-e").orElseThrow().targetAt() > 0, "the other lead scheduled");
            assertThat(notes("/enqueued", "calm-e")).isEmpty();
        }
    }

    private static void enqueue(String lead, double priority, long at, String signal) {
        queue.apply(QueueAction.enqueue(Q, lead, lead + "-1", 1, priority, payload(Q, lead, priority, at, signal), at));
    }

    static String payload(String q, String lead, double priority, long at, String signal) {
        ObjectNode n = (ObjectNode) readTree(TestLeads.payload(q, lead, priority, at));
        ((ObjectNode) n.path("reasons").get(0)).put("signal", signal);
        return n.toString();
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<JsonNode> notes(String path, String lead) {
        List<JsonNode> notes = new ArrayList<>();
        for (Received r : received) {
            if (r.path().equals(path) && r.json().path("leadId").asText().equals(lead)) {
                notes.add(r.json());
            }
        }
        return notes;
    }

    private static String scrape(SellerApi api) {
        ApiClient.Response r = new ApiClient(api.port()).get("/metrics", TestUsers.OPS);
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    static String hmac(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        assertThat(MessageDigest.isEqual(expected, expected)).isTrue();
        return HexFormat.of().formatHex(expected);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(50);
        }
    }
}
