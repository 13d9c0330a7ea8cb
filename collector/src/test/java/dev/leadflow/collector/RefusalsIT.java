package dev.leadflow.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.collector.Harness.Response;
import dev.leadflow.schemas.Topics;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the collector refuses, how it says so, and that a refused request writes nothing: write keys,
 * Segment's limits, required fields, the per-key rate, CORS.
 */
class RefusalsIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @TempDir
    static Path dir;
    static Harness h;

    static final String JSON = "application/json";

    @BeforeAll
    static void start() {
        h = new Harness(KAFKA.broker(), dir, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static String page(String anon) {
        return "{\"anonymousId\": \"" + anon + "\", \"messageId\": \"" + UUID.randomUUID() + "\", \"name\": \"Pricing\"}";
    }

    /** The answer, and that nothing at all reached the clickstream topic with it. */
    static Response refused(int status, String error, String field, Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("error").asText()).as(r.body()).isEqualTo(error);
        if (field != null) {
            assertThat(r.json().path("field").asText()).as(r.body()).isEqualTo(field);
        }
        assertThat(r.json().path("message").asText()).isNotBlank();
        return r;
    }

    /** Records in the three topics now (the class's tests run one after another). */
    static int written() {
        return KAFKA.broker().readAll(Topics.CLICKSTREAM).size() + KAFKA.broker().readAll(Topics.CAMPAIGN).size()
                + KAFKA.broker().readAll(Topics.SALES).size();
    }

    void assertNothingWrittenSince(int before) {
        assertThat(written()).as("records written by refused requests").isEqualTo(before);
    }

    @Test
    void writeKeysAreCheckedAndNeverAcceptedFromTheWrongKind() {
        int before = written();
        Response none = refused(401, "unauthorized", null, h.post("/v1/page", null, JSON, page("a1")));
        assertThat(none.header("WWW-Authenticate")).startsWith("Basic");
        refused(401, "unauthorized", null, h.post("/v1/page", "not-a-key", JSON, page("a1")));
        refused(401, "unauthorized", null, h.post("/v1/p", null, "text/plain",
                "{\"writeKey\": \"wrong\", \"anonymousId\": \"a1\"}"));
        Response wrongKind = refused(403, "forbidden", null, h.post("/v1/page", Harness.CRM_KEY, JSON, page("a1")));
        assertThat(wrongKind.body()).doesNotContain(Harness.CRM_KEY);
        refused(403, "forbidden", null, h.post("/v1/sales-activity", Harness.WEBSITE_KEY, JSON, """
                {"event_id": "e1", "occurred_at": "2026-11-30T10:00:00Z", "lead_id": "l1", "type": "CALL"}"""));
        // a password beside the key is ignored (Segment's libraries send an empty one)
        assertThat(h.post("/v1/page", "Basic " + java.util.Base64.getEncoder().encodeToString(
                ("nope:" + Harness.WEBSITE_KEY).getBytes(StandardCharsets.UTF_8)), JSON,
                page("a1").getBytes(StandardCharsets.UTF_8), Map.of()).status()).isEqualTo(401);
        assertNothingWrittenSince(before);
    }

    @Test
    void requiredFieldsAreNamed() {
        int before = written();
        refused(400, "missing_field", "userId", h.post("/v1/page", Harness.WEBSITE_KEY, JSON, "{\"name\": \"x\"}"));
        refused(400, "missing_field", "event", h.post("/v1/track", Harness.WEBSITE_KEY, JSON, "{\"userId\": \"u1\"}"));
        refused(400, "missing_field", "previousId", h.post("/v1/alias", Harness.WEBSITE_KEY, JSON, "{\"userId\": \"u1\"}"));
        refused(400, "invalid_field", "timestamp", h.post("/v1/page", Harness.WEBSITE_KEY, JSON,
                "{\"userId\": \"u1\", \"timestamp\": \"yesterday\"}"));
        refused(400, "invalid_field", "timestamp", h.post("/v1/page", Harness.WEBSITE_KEY, JSON,
                "{\"userId\": \"u1\", \"timestamp\": \"1970-01-21T00:00:00Z\"}"));
        refused(400, "invalid_field", "userId", h.post("/v1/page", Harness.WEBSITE_KEY, JSON, "{\"userId\": {\"id\": 1}}"));
        refused(400, "invalid_json", null, h.post("/v1/page", Harness.WEBSITE_KEY, JSON, "{\"userId\": "));
        refused(400, "invalid_json", null, h.post("/v1/page", Harness.WEBSITE_KEY, JSON, "[1, 2]"));
        // one bad item refuses the whole batch: nothing of it is written
        refused(400, "missing_field", "batch[1].userId", h.post("/v1/batch", Harness.WEBSITE_KEY, JSON, """
                {"batch": [{"type": "page", "anonymousId": "a2"}, {"type": "track", "event": "x"}]}"""));
        refused(400, "missing_field", "batch[0].type", h.post("/v1/batch", Harness.WEBSITE_KEY, JSON,
                "{\"batch\": [{\"anonymousId\": \"a2\"}]}"));
        refused(400, "invalid_field", "batch[0].type", h.post("/v1/batch", Harness.WEBSITE_KEY, JSON,
                "{\"batch\": [{\"type\": \"teleport\", \"anonymousId\": \"a2\"}]}"));
        refused(400, "missing_field", "batch", h.post("/v1/batch", Harness.WEBSITE_KEY, JSON, "{}"));
        assertNothingWrittenSince(before);
    }

    @Test
    void unsupportedEncodingsAndUnknownRoutesAnswerInTheSameShape() {
        int before = written();
        refused(415, "unsupported_encoding", null, h.post("/v1/page", Harness.basic(Harness.WEBSITE_KEY), JSON,
                page("enc").getBytes(StandardCharsets.UTF_8), Map.of("Content-Encoding", "br")));
        refused(400, "invalid_json", null, h.post("/v1/page", Harness.basic(Harness.WEBSITE_KEY), JSON,
                page("enc").getBytes(StandardCharsets.UTF_8), Map.of("Content-Encoding", "gzip")));
        refused(404, "not_found", null, h.post("/v1/teleport", Harness.WEBSITE_KEY, JSON, page("x")));
        assertNothingWrittenSince(before);
    }

    @Test
    void segmentsSizeLimits() {
        int before = written();
        String padding = "x".repeat(33 * 1024);
        refused(400, "request_too_large", "body", h.post("/v1/track", Harness.WEBSITE_KEY, JSON,
                "{\"userId\": \"u1\", \"event\": \"Big\", \"properties\": {\"pad\": \"" + padding + "\"}}"));
        // an event just under 32 KB passes on its own and inside a batch; one over it in a batch does not
        String under = "x".repeat(31 * 1024);
        String bigItem = "{\"type\": \"track\", \"userId\": \"u1\", \"event\": \"Big\", \"properties\": {\"pad\": \"" + padding + "\"}}";
        String okItem = "{\"type\": \"track\", \"userId\": \"u1\", \"event\": \"Ok\", \"properties\": {\"pad\": \"" + under + "\"}}";
        refused(400, "event_too_large", "batch[1]", h.post("/v1/batch", Harness.WEBSITE_KEY, JSON,
                "{\"batch\": [" + okItem + ", " + bigItem + "]}"));
        StringBuilder big = new StringBuilder("{\"batch\": [");
        for (int i = 0; i < 17; i++) {
            big.append(i == 0 ? "" : ",").append(okItem);
        }
        refused(400, "request_too_large", "body", h.post("/v1/batch", Harness.WEBSITE_KEY, JSON, big + "]}"));
        StringBuilder many = new StringBuilder("{\"batch\": [");
        for (int i = 0; i < 2_501; i++) {
            many.append(i == 0 ? "" : ",").append("{\"type\":\"page\",\"anonymousId\":\"a").append(i).append("\"}");
        }
        refused(400, "too_many_events", "batch", h.post("/v1/batch", Harness.WEBSITE_KEY, JSON, many + "]}"));
        assertNothingWrittenSince(before);
    }

    @Test
    void aKeyOverItsRateGets429WithRetryAfter() {
        // the slow key: 1 event/s, a burst of 3. A batch of 10 passes on a full bucket and leaves it 7 in debt.
        StringBuilder ten = new StringBuilder("{\"batch\": [");
        for (int i = 0; i < 10; i++) {
            ten.append(i == 0 ? "" : ",").append("{\"type\":\"page\",\"name\":\"blog\",\"anonymousId\":\"slow-")
                    .append(i).append("\"}");
        }
        Response first = h.post("/v1/batch", Harness.SLOW_KEY, JSON, ten + "]}");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        Response limited = refused(429, "rate_limited", null, h.post("/v1/page", Harness.SLOW_KEY, JSON, page("slow-x")));
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(7L, 9L);
        // another key is not held back by it
        assertThat(h.post("/v1/page", Harness.WEBSITE_KEY, JSON, page("fast-x")).status()).isEqualTo(200);
    }

    @Test
    void corsLetsAllowedOriginsCallWithAPreflight() {
        String origin = "https://www.leadflow.example";
        Response preflight = h.send(h.request("/v1/track").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type"));
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(origin);
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
        assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("authorization");

        Response foreign = h.send(h.request("/v1/t").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST"));
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
        assertThat(foreign.header("Access-Control-Allow-Methods")).isNull();

        // errors carry the header too, so a browser script can read why
        Response error = h.post("/v1/t", null, "text/plain", "{}".getBytes(StandardCharsets.UTF_8), Map.of("Origin", origin));
        assertThat(error.status()).isEqualTo(401);
        assertThat(error.header("Access-Control-Allow-Origin")).isEqualTo(origin);
    }
}
