package dev.leadflow.api;

import dev.leadflow.testkit.Await;
import static dev.leadflow.api.ApiClient.lease;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.Topics;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claim, accept, reject and release against a real redis-server and a real Kafka broker: what the seller
 * gets back, what the queue holds afterwards and the SalesActivity that lands on the topic.
 */
class OutcomesTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String REGISTRY = "mock://outcomes-test";
    private static final String Q = "team-a";

    @TempDir
    static Path dir;
    private static SellerApi api;
    private static ApiClient client;
    private static HandoffQueue queue;
    private static AvroWireDeserializer<SalesActivity> decoder;

    @BeforeAll
    static void start() {
        KAFKA.broker().createTopics(1, Topics.SALES);
        api = SellerApi.start(config(dir));
        client = new ApiClient(api.port());
        queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
        decoder = new AvroWireDeserializer<>(RegistryConfig.of(REGISTRY), SalesActivity.class);
    }

    static SellerApiConfig config(Path dir) {
        return SellerApiConfig.defaults(TestUsers.write(dir)).withPort(0).withRedisUri(REDIS.uri())
                .withKafka(KAFKA.broker().bootstrapServers(), Map.of()).withRegistry(REGISTRY, null, null);
    }

    @AfterAll
    static void stop() {
        api.close();
        queue.close();
    }

    @BeforeEach
    void clean() {
        REDIS.flushAll();
    }

    @Test
    void claimThenAcceptHandsTheLeadOverAndTellsTheJob() {
        long enqueuedAt = System.currentTimeMillis() - 90_000;
        TestLeads.enqueue(queue, Q, "lead-low", 10);
        TestLeads.enqueue(queue, Q, "lead-top", 80, enqueuedAt);

        ApiClient.Response claim = client.claim(Q, TestUsers.A1);
        assertThat(claim.status()).isEqualTo(200);
        JsonNode lead = claim.json().path("lead");
        assertThat(lead.path("leadId").asText()).isEqualTo("lead-top");
        assertThat(lead.path("email").asText()).isEqualTo(TestLeads.email("lead-top"));
        assertThat(lead.path("name").asText()).isEqualTo("Person lead-top");
        assertThat(lead.path("reasons").get(0).path("detail").asText()).startsWith("Viewed pricing");
        assertThat(lead.path("enqueuedAt").asText()).isEqualTo(Instant.ofEpochMilli(enqueuedAt).toString());
        String token = claim.json().path("leaseToken").asText();
        Instant expires = Instant.parse(claim.json().path("leaseExpiresAt").asText());
        assertThat(expires).isBetween(Instant.now().plus(Duration.ofMinutes(14)), Instant.now().plus(Duration.ofMinutes(16)));

        Instant before = Instant.now();
        ApiClient.Response accepted = client.settle("lead-top", "accept", TestUsers.A1, lease(token));

        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.json().path("outcome").asText()).isEqualTo("accepted");
        assertThat(queue.get(Q, "lead-top")).isEmpty();
        assertThat(queue.peek(Q, 10)).extracting(l -> l.leadId()).containsExactly("lead-low");

        ConsumerRecord<byte[], byte[]> record = activityOf("lead-top");
        SalesActivity activity = decoder.deserialize(record.value());
        assertThat(activity.getType()).isEqualTo(SalesActivityType.HANDOFF_ACCEPTED);
        assertThat(activity.getLeadId()).isEqualTo("lead-top");
        assertThat(activity.getSellerId()).isEqualTo("a1");
        assertThat(activity.getAccountDomain()).isEqualTo("acme.example");
        assertThat(activity.getReason()).isNull();
        assertThat(activity.getEventId()).isEqualTo(accepted.json().path("eventId").asText())
                .startsWith("seller-api-accepted-").doesNotContain(token.substring(token.indexOf('.') + 1));
        assertThat(activity.getOccurredAt()).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(record.value()[0]).as("Confluent magic byte").isZero();
    }

    @Test
    void rejectNeedsAReasonFromTheListAndPublishesItWithTheNote() {
        TestLeads.enqueue(queue, Q, "lead-1", 50);
        String token = client.claim(Q, TestUsers.A1).json().path("leaseToken").asText();

        assertThat(client.settle("lead-1", "reject", TestUsers.A1, lease(token)).json().path("message").asText())
                .isEqualTo("reason: required");
        ApiClient.Response unknown = client.settle("lead-1", "reject", TestUsers.A1,
                "{\"leaseToken\":\"" + token + "\",\"reason\":\"too-busy\"}");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.json().path("message").asText()).startsWith("reason: must be one of not-decision-maker");
        ApiClient.Response otherWithoutNote = client.settle("lead-1", "reject", TestUsers.A1,
                "{\"leaseToken\":\"" + token + "\",\"reason\":\"other\"}");
        assertThat(otherWithoutNote.status()).isEqualTo(422);
        assertThat(otherWithoutNote.json().path("message").asText()).isEqualTo("note: required when the reason is \"other\"");
        assertThat(queue.get(Q, "lead-1").orElseThrow().claimedBy()).as("refusals change nothing").isEqualTo("a1");

        ApiClient.Response rejected = client.settle("lead-1", "reject", TestUsers.A1,
                "{\"leaseToken\":\"" + token + "\",\"reason\":\"no-budget\",\"note\":\"budget frozen until Q3\"}");

        assertThat(rejected.status()).isEqualTo(200);
        assertThat(rejected.json().path("outcome").asText()).isEqualTo("rejected");
        assertThat(queue.get(Q, "lead-1")).isEmpty();
        SalesActivity activity = decoder.deserialize(activityOf("lead-1").value());
        assertThat(activity.getType()).isEqualTo(SalesActivityType.HANDOFF_REJECTED);
        assertThat(activity.getSellerId()).isEqualTo("a1");
        assertThat(activity.getReason()).isEqualTo("no-budget: budget frozen until Q3");
        assertThat(queue.changes(Q, null, 10)).last().extracting(c -> c.reason()).isEqualTo("no-budget: budget frozen until Q3");
    }

    @Test
    void releasePutsTheLeadBackInItsPlaceAndPublishesNothing() {
        TestLeads.enqueue(queue, Q, "lead-r", 50);
        String token = client.claim(Q, TestUsers.A1).json().path("leaseToken").asText();
        assertThat(queue.depth(Q)).isZero();

        ApiClient.Response released = client.settle("lead-r", "release", TestUsers.A1, lease(token));

        assertThat(released.status()).isEqualTo(200);
        assertThat(released.json().has("eventId")).isFalse();
        assertThat(queue.peek(Q, 10)).extracting(l -> l.leadId()).containsExactly("lead-r");
        assertThat(KAFKA.broker().readAll(Topics.SALES)).noneMatch(r -> key(r).equals("lead-r"));
    }

    @Test
    void staleAndForeignLeasesGet409AndChangeNothing() {
        TestLeads.enqueue(queue, Q, "lead-s", 50);
        TestLeads.enqueue(queue, Q, "lead-t", 40);
        String first = client.claim(Q, TestUsers.A1).json().path("leaseToken").asText();

        // a teammate with the claimant's own token, and with a made-up token of the same queue
        ApiClient.Response teammate = client.settle("lead-s", "accept", TestUsers.A2, lease(first));
        assertThat(teammate.status()).isEqualTo(409);
        assertThat(teammate.error()).isEqualTo("foreign_lease");
        assertThat(client.settle("lead-s", "accept", TestUsers.A2, lease(Q + ".AAAAAAAAAAAAAAAAAAAAAA")).error())
                .isEqualTo("foreign_lease");
        // a token for another lead of the queue
        String other = client.claim(Q, TestUsers.A1).json().path("leaseToken").asText();
        assertThat(client.settle("lead-s", "accept", TestUsers.A1, lease(other)).error()).isEqualTo("foreign_lease");

        // released, then the old token is stale; claimed again, the old token is someone else's lease
        assertThat(client.settle("lead-s", "release", TestUsers.A1, lease(first)).status()).isEqualTo(200);
        ApiClient.Response stale = client.settle("lead-s", "accept", TestUsers.A1, lease(first));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.error()).isEqualTo("stale_lease");
        String second = client.claim(Q, TestUsers.A2).json().path("leaseToken").asText();
        assertThat(client.settle("lead-s", "reject", TestUsers.A1,
                "{\"leaseToken\":\"" + first + "\",\"reason\":\"duplicate\"}").status()).isEqualTo(409);

        assertThat(queue.get(Q, "lead-s").orElseThrow().claimedBy()).isEqualTo("a2");
        assertThat(KAFKA.broker().readAll(Topics.SALES)).noneMatch(r -> key(r).equals("lead-s"));
        // and the rightful holder still can
        assertThat(client.settle("lead-s", "accept", TestUsers.A2, lease(second)).status()).isEqualTo(200);
        assertThat(client.settle("lead-s", "accept", TestUsers.A2, lease(second)).status())
                .as("the lead has left the queue").isEqualTo(404);
    }

    @Test
    void requestsAreValidatedAndErrorsNameTheProblem() {
        TestLeads.enqueue(queue, Q, "lead-v", 50);
        String path = "/api/v1/leads/lead-v/accept";

        assertError(client.post(path, TestUsers.A1, "{\"leaseToken\": "), 400, "malformed_request", "not valid JSON");
        assertError(client.post(path, TestUsers.A1, null), 400, "malformed_request", "was empty");
        assertError(client.post(path, TestUsers.A1, "[1]"), 400, "malformed_request", "must be a JSON object");
        assertError(client.post(path, TestUsers.A1, "{\"leaseToken\":\"x\",\"leaseToken\":\"y\"}"), 400,
                "malformed_request", "Duplicate field");
        assertError(client.post(path, TestUsers.A1, "{}"), 422, "invalid_field", "leaseToken: required");
        assertError(client.post(path, TestUsers.A1, "{\"leaseToken\": 7}"), 422, "invalid_field",
                "leaseToken: must be a string");
        assertError(client.post(path, TestUsers.A1, "{\"leaseToken\": \"nodot\"}"), 422, "invalid_field",
                "leaseToken: is not a lease token");
        String huge = "{\"leaseToken\":\"" + "x".repeat(SellerApiConfig.DEFAULT_BODY_LIMIT) + "\"}";
        assertError(client.post(path, TestUsers.A1, huge), 413, "body_too_large", "larger than 16384 bytes");
        assertError(client.get("/api/v1/queues/" + Q + "/leads?limit=0", TestUsers.A1), 422, "invalid_field",
                "limit: must be a whole number from 1 to 500");
        assertError(client.get("/api/v1/queues/team-a-nowhere/leads", TestUsers.A1), 404, "not_found",
                "no queue named team-a-nowhere");
        assertError(client.get("/api/v1/queues/" + Q + "/leads/nobody", TestUsers.A1), 404, "not_found",
                "lead nobody is not in queue team-a");
        assertError(client.get("/api/v1/queues", null), 401, "unauthorized", "Bearer");
        assertError(client.get("/api/v1/queues", "not-a-user"), 401, "unauthorized", "unknown");
        assertError(client.get("/api/v1/nothing-here", TestUsers.A1), 404, "not_found", "");
        assertThat(client.get("/api/v1/queues", null).raw().headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(client.get("/health", null).json().path("status").asText()).isEqualTo("ok");
        assertThat(queue.depth(Q)).isEqualTo(1);
    }

    @Test
    void anOversizedBodyIsReadToItsEndSoTheClientGetsThe413() {
        // far more than the server reads ahead by itself: the client is still sending when the handler refuses
        String huge = "{\"leaseToken\":\"" + "x".repeat(256 * 1024) + "\"}";

        ApiClient.Response r = client.post("/api/v1/leads/lead-v/accept", TestUsers.A1, huge);

        assertError(r, 413, "body_too_large", "larger than 16384 bytes");
        assertThat(r.raw().headers().firstValue("Connection")).as("the connection stays open").isEmpty();
    }

    @Test
    void anExpiredLeaseReturnsTheLeadWithoutAnyCallAndItsTokenGets409() throws Exception {
        try (SellerApi shortLeases = SellerApi.start(config(dir).withLeaseDuration(Duration.ofMillis(600))
                .withReclaimInterval(Duration.ofMillis(100)))) {
            ApiClient c = new ApiClient(shortLeases.port());
            TestLeads.enqueue(queue, Q, "lead-e", 50);
            // the reaper has seen the queue before the claim, so the expiry is counted
            Await.until(Duration.ofSeconds(5), "the reaper to know the queue",
                    () -> scrape(c).contains("leadflow_api_queue_depth{queue=\"team-a\"} 1.0"));
            String token = c.claim(Q, TestUsers.A1).json().path("leaseToken").asText();
            assertThat(c.get("/api/v1/queues/" + Q + "/leads", TestUsers.A1).json()).isEmpty();

            Await.until(Duration.ofSeconds(10), "the lead to be ready again",
                    () -> c.get("/api/v1/queues/" + Q + "/leads", TestUsers.A1).json().size() == 1);

            ApiClient.Response late = c.settle("lead-e", "accept", TestUsers.A1, lease(token));
            assertThat(late.status()).isEqualTo(409);
            assertThat(late.error()).isEqualTo("lease_expired");
            Await.until(Duration.ofSeconds(5), "the expiry to be counted",
                    () -> scrape(c).contains("leadflow_api_lease_expiries_total{queue=\"team-a\"} 1.0"));
        }
    }

    @Test
    void metricsCountClaimsOutcomesAndRequests() {
        TestLeads.enqueue(queue, "team-a-metrics", "lead-m1", 50, System.currentTimeMillis() - 20_000);
        TestLeads.enqueue(queue, "team-a-metrics", "lead-m2", 40);
        // the histogram has no labels and other tests claim too, after waits that depend on the machine's load
        String before = scrape(client);
        long waitedFifteenToThirtyBefore = bucket(before, "30.0") - bucket(before, "15.0");
        String token = client.claim("team-a-metrics", TestUsers.A1).json().path("leaseToken").asText();
        client.settle("lead-m1", "release", TestUsers.A1, lease(token));

        assertThat(client.get("/metrics", TestUsers.A1).status()).isEqualTo(403);
        String metrics = scrape(client);

        assertThat(metrics)
                .contains("leadflow_api_claims_total{queue=\"team-a-metrics\"} 1.0")
                .contains("leadflow_api_outcomes_total{outcome=\"released\",queue=\"team-a-metrics\"} 1.0")
                .contains("leadflow_api_queue_depth{queue=\"team-a-metrics\"} 2.0")
                .containsPattern("leadflow_api_queue_oldest_wait_seconds\\{queue=\"team-a-metrics\"} (19|2\\d)\\.")
                .containsPattern("leadflow_api_http_request_duration_seconds_count\\{method=\"POST\","
                        + "route=\"/api/v1/queues/\\{queue}/claim\",status=\"200\"} [1-9]")
                .contains("route=\"/metrics\",status=\"403\"");
        // the 20 s wait shows as one more between 15 and 30
        assertThat(bucket(metrics, "30.0") - bucket(metrics, "15.0")).isEqualTo(waitedFifteenToThirtyBefore + 1);
    }

    private static long bucket(String metrics, String le) {
        String prefix = "leadflow_api_time_to_claim_seconds_bucket{le=\"" + le + "\"} ";
        return metrics.lines().filter(l -> l.startsWith(prefix)).mapToLong(l -> Long.parseLong(l.substring(prefix.length())))
                .findFirst().orElse(0L);
    }

    private static String scrape(ApiClient c) {
        ApiClient.Response r = c.get("/metrics", TestUsers.OPS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return r.body();
    }

    private static void assertError(ApiClient.Response r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("error").asText()).isEqualTo(code);
        assertThat(r.json().path("message").asText()).contains(messagePart);
        assertThat(r.json().size()).as("only error and message").isEqualTo(2);
    }

    private static ConsumerRecord<byte[], byte[]> activityOf(String leadId) {
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.broker().readUntil(Topics.SALES,
                all -> all.stream().anyMatch(r -> key(r).equals(leadId)), Duration.ofSeconds(20));
        List<ConsumerRecord<byte[], byte[]>> mine = records.stream().filter(r -> key(r).equals(leadId))
                .collect(Collectors.toList());
        assertThat(mine).hasSize(1);
        return mine.get(0);
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }
}
