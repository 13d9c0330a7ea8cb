package dev.leadflow.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.collector.Harness.Decoded;
import dev.leadflow.collector.Harness.Response;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CRM webhook, and the metrics the collector shows for what it did. */
class SalesActivityWebhookIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @TempDir
    static Path dir;
    static Harness h;

    static final String JSON = "application/json";
    static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");

    @BeforeAll
    static void start() {
        h = new Harness(KAFKA.broker(), dir, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static String bearer(String key) {
        return "Bearer " + key;
    }

    Response post(String body) {
        return h.post("/v1/sales-activity", bearer(Harness.CRM_KEY), JSON, body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.util.Map.of());
    }

    @Test
    void oneActivityWithEveryFieldMapsToSalesActivity() {
        String lead = "lead-" + UUID.randomUUID();
        Response r = post("""
                {"event_id": "crm-1-%s", "occurred_at": "%s", "lead_id": "%s", "account_domain": "Acme.Example",
                 "seller_id": "s7", "type": "handoff_rejected", "reason": "not_a_buyer"}
                """.formatted(lead, T0, lead));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("accepted").asInt()).isEqualTo(1);
        Decoded<SalesActivity> d = h.sales(lead, 1).get(0);
        assertThat(d.key()).isEqualTo(lead);
        SalesActivity a = d.value();
        assertThat(a.getEventId()).isEqualTo("crm-1-" + lead);
        assertThat(a.getOccurredAt()).isEqualTo(T0);
        assertThat(a.getAccountDomain()).isEqualTo("acme.example");
        assertThat(a.getSellerId()).isEqualTo("s7");
        assertThat(a.getType()).isEqualTo(SalesActivityType.HANDOFF_REJECTED);
        assertThat(a.getReason()).isEqualTo("not_a_buyer");
    }

    @Test
    void batchesAsAnArrayOrUnderActivitiesWithBasicAuthAndEpochMillis() {
        String lead = "lead-" + UUID.randomUUID();
        assertThat(post("""
                [{"event_id": "a-%s", "occurred_at": %d, "lead_id": "%s", "type": "CALL"},
                 {"event_id": "b-%s", "occurred_at": "%s", "lead_id": "%s", "type": "MEETING_BOOKED", "seller_id": null}]
                """.formatted(lead, T0.toEpochMilli(), lead, lead, T0.plusSeconds(60), lead)).status()).isEqualTo(200);
        Response r = h.post("/v1/sales-activity", Harness.CRM_KEY, JSON, """
                {"activities": [{"event_id": "c-%s", "occurred_at": "%s", "lead_id": "%s", "type": "OPPORTUNITY_OPENED"}]}
                """.formatted(lead, T0.plusSeconds(120), lead));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<SalesActivity> got = h.sales(lead, 3).stream().map(Decoded::value).toList();
        assertThat(got).extracting(a -> a.getType()).containsExactlyInAnyOrder(SalesActivityType.CALL,
                SalesActivityType.MEETING_BOOKED, SalesActivityType.OPPORTUNITY_OPENED);
        assertThat(got).filteredOn(a -> a.getType() == SalesActivityType.CALL).first()
                .satisfies(a -> assertThat(a.getOccurredAt()).isEqualTo(T0));
    }

    @Test
    void invalidActivitiesAreRefusedByFieldAndWriteNothing() {
        String lead = "lead-" + UUID.randomUUID();
        String ok = "{\"event_id\": \"ok-" + lead + "\", \"occurred_at\": \"" + T0 + "\", \"lead_id\": \"" + lead + "\", \"type\": \"CALL\"}";
        RefusalsIT.refused(400, "invalid_field", "[1].type", post("[" + ok + ", {\"event_id\": \"x\", \"occurred_at\": \""
                + T0 + "\", \"lead_id\": \"" + lead + "\", \"type\": \"LUNCH\"}]"));
        RefusalsIT.refused(400, "missing_field", "lead_id", post("{\"event_id\": \"x\", \"occurred_at\": \"" + T0 + "\", \"type\": \"CALL\"}"));
        RefusalsIT.refused(400, "missing_field", "activities[0].occurred_at", post("{\"activities\": [{\"event_id\": \"x\", \"lead_id\": \"l\", \"type\": \"CALL\"}]}"));
        RefusalsIT.refused(400, "missing_field", "event_id", post("{\"occurred_at\": \"" + T0 + "\", \"lead_id\": \"l\", \"type\": \"CALL\"}"));
        RefusalsIT.refused(400, "invalid_field", "leadId", post("{\"event_id\": \"x\", \"occurred_at\": \"" + T0
                + "\", \"leadId\": \"l\", \"type\": \"CALL\"}"));
        RefusalsIT.refused(400, "invalid_field", "occurred_at", post("{\"event_id\": \"x\", \"occurred_at\": 1700000000, \"lead_id\": \"l\", \"type\": \"CALL\"}"));
        RefusalsIT.refused(401, "unauthorized", null, h.post("/v1/sales-activity", "Bearer wrong", JSON, ok.getBytes(), java.util.Map.of()));
        // the good activity of the refused batch was not written: only this marker arrives
        assertThat(post(ok.replace("ok-", "marker-")).status()).isEqualTo(200);
        assertThat(h.sales(lead, 1)).extracting(d -> d.value().getEventId()).containsExactly("marker-" + lead);
    }

    @Test
    void metricsCountRequestsEventsByTypeAndKeyRejectionsAndKafkaLatency() {
        String anon = "anon-" + UUID.randomUUID();
        assertThat(h.post("/v1/page", Harness.WEBSITE_KEY, JSON, "{\"anonymousId\": \"" + anon + "\"}").status()).isEqualTo(200);
        assertThat(h.post("/v1/batch", Harness.SERVER_KEY, JSON, "{\"batch\": [{\"type\": \"track\", \"event\": \"A\", \"userId\": \"u\"},"
                + "{\"type\": \"track\", \"event\": \"B\", \"userId\": \"u\"}, {\"type\": \"identify\", \"userId\": \"u\"}]}").status()).isEqualTo(200);
        assertThat(h.post("/v1/track", Harness.WEBSITE_KEY, JSON, "{\"anonymousId\": \"" + anon + "\"}").status()).isEqualTo(400);
        Response m = h.get("/metrics");
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.header("Content-Type")).startsWith("text/plain");
        String text = m.body();
        assertThat(text).contains("leadflow_collector_events_total{key=\"website\",type=\"page\"} 1.0")
                .contains("leadflow_collector_events_total{key=\"backend\",type=\"track\"} 2.0")
                .contains("leadflow_collector_events_total{key=\"backend\",type=\"identify\"} 1.0")
                .containsPattern("leadflow_collector_rejections_total\\{reason=\"missing_field\"} [1-9]")
                .containsPattern("leadflow_collector_requests_total\\{route=\"/v1/page\",status=\"200\"} [1-9]")
                .containsPattern("leadflow_collector_kafka_ack_seconds_count [1-9]")
                .contains("leadflow_collector_request_duration_seconds_bucket");
        assertThat(h.get("/health").json().path("status").asText()).isEqualTo("ok");
    }
}
