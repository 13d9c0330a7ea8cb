package dev.leadflow.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.Channel;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.avro.EngagementAction;
import dev.leadflow.collector.Harness.Decoded;
import dev.leadflow.collector.Harness.Response;
import dev.leadflow.schemas.Topics;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segment's HTTP Tracking API end to end: calls as analytics.js and analytics-node send them, the records
 * decoded back from Kafka and compared with the mapping of docs/collector.md.
 */
class SegmentApiIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @TempDir
    static Path dir;
    static Harness h;

    static final String JSON = "application/json";
    static final String TEXT = "text/plain";
    static final Instant T0 = Instant.parse("2026-11-30T10:15:30.250Z");

    @BeforeAll
    static void start() {
        h = new Harness(KAFKA.broker(), dir, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    @Test
    void pageMapsToAPageClickNamedByItsCategoryKeyedByTheAnonymousId() {
        String anon = id("anon");
        Response r = h.post("/v1/page", Harness.WEBSITE_KEY, JSON, """
                {"anonymousId": "%s", "messageId": "m-page-1", "name": "Pricing", "timestamp": "%s",
                 "properties": {"url": "https://www.leadflow.example/pricing?plan=team", "title": "Pricing",
                                "referrer": "https://www.google.com/", "plan": {"name": "team", "seats": 5},
                                "tags": ["a", "b"], "empty": null}}
                """.formatted(anon, T0));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("success").asBoolean()).isTrue();

        Decoded<ClickEvent> d = h.clicks(anon, 1).get(0);
        ClickEvent c = d.value();
        assertThat(d.key()).isEqualTo(anon);
        assertThat(c.getEventId()).isEqualTo("m-page-1");
        assertThat(c.getOccurredAt()).isEqualTo(T0);
        assertThat(c.getAnonymousId()).isEqualTo(anon);
        assertThat(c.getLeadId()).isNull();
        assertThat(c.getType()).isEqualTo(ClickType.PAGE);
        assertThat(c.getName()).isEqualTo("pricing");
        assertThat(c.getUrl()).isEqualTo("https://www.leadflow.example/pricing?plan=team");
        assertThat(c.getProperties()).containsEntry("referrer", "https://www.google.com/")
                .containsEntry("plan.name", "team").containsEntry("plan.seats", "5")
                .containsEntry("tags", "[\"a\",\"b\"]").doesNotContainKey("empty");
        assertThat(c.getTraits()).isEmpty();
    }

    @Test
    void pageCategoryWinsOverNameAndAPageWithNeitherIsNamedByItsPath() {
        String anon = id("anon");
        assertThat(h.post("/v1/page", Harness.WEBSITE_KEY, JSON, """
                {"anonymousId": "%s", "messageId": "%s", "category": "Case Studies", "name": "Acme"}
                """.formatted(anon, id("m"))).status()).isEqualTo(200);
        assertThat(h.post("/v1/page", Harness.WEBSITE_KEY, JSON, """
                {"anonymousId": "%s", "messageId": "%s", "properties": {"url": "https://x.example/docs/getting-started"}}
                """.formatted(anon, id("m"))).status()).isEqualTo(200);
        assertThat(h.post("/v1/page", Harness.WEBSITE_KEY, JSON, """
                {"anonymousId": "%s", "messageId": "%s", "context": {"page": {"url": "https://x.example/"}}}
                """.formatted(anon, id("m"))).status()).isEqualTo(200);
        assertThat(h.clicks(anon, 3)).extracting(d -> d.value().getName().toString())
                .containsExactlyInAnyOrder("case-studies", "docs", "home");
    }

    @Test
    void analyticsJsShortPathsTakeTextPlainWithTheWriteKeyInTheBody() {
        String anon = id("anon");
        String lead = id("lead");
        String origin = "https://www.leadflow.example";
        Map<String, String> browser = Map.of("Origin", origin);
        Response page = h.post("/v1/p", null, TEXT, """
                {"writeKey": "%s", "anonymousId": "%s", "messageId": "%s", "type": "page",
                 "properties": {"path": "/pricing", "url": "https://www.leadflow.example/pricing"}}
                """.formatted(Harness.WEBSITE_KEY, anon, id("m")).getBytes(StandardCharsets.UTF_8), browser);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.header("Access-Control-Allow-Origin")).isEqualTo(origin);
        assertThat(post("/v1/t", """
                {"writeKey": "%s", "anonymousId": "%s", "messageId": "%s", "event": "Demo Requested",
                 "properties": {"plan": "enterprise"}, "context": {"page": {"url": "https://www.leadflow.example/demo"}}}
                """.formatted(Harness.WEBSITE_KEY, anon, id("m")), browser).status()).isEqualTo(200);
        assertThat(post("/v1/i", """
                {"writeKey": "%s", "anonymousId": "%s", "userId": "%s", "messageId": "%s",
                 "traits": {"email": "ada@acme.example", "firstName": "Ada", "lastName": "Lovelace", "title": "VP Engineering",
                            "company": {"name": "Acme", "domain": "acme.example", "employees": 1200, "industry": "Software"},
                            "address": {"country": "GB"}, "phone": "+44 1234", "plan": "pro"}}
                """.formatted(Harness.WEBSITE_KEY, anon, lead, id("m")), browser).status()).isEqualTo(200);
        String previous = id("anon-old");
        assertThat(post("/v1/a", """
                {"writeKey": "%s", "previousId": "%s", "userId": "%s", "messageId": "%s"}
                """.formatted(Harness.WEBSITE_KEY, previous, lead, id("m")), browser).status()).isEqualTo(200);

        List<Decoded<ClickEvent>> clicks = h.clicks(anon, 3);
        ClickEvent pageView = only(clicks, ClickType.PAGE);
        assertThat(pageView.getName()).isEqualTo("pricing");
        ClickEvent track = only(clicks, ClickType.TRACK);
        assertThat(track.getName()).isEqualTo("demo_requested");
        assertThat(track.getUrl()).isEqualTo("https://www.leadflow.example/demo");
        assertThat(track.getProperties()).containsEntry("plan", "enterprise");
        Decoded<ClickEvent> identify = clicks.stream().filter(d -> d.value().getType() == ClickType.IDENTIFY).findFirst().orElseThrow();
        assertThat(identify.key()).as("keyed by the lead id once known").isEqualTo(lead);
        assertThat(identify.value().getLeadId()).isEqualTo(lead);
        assertThat(identify.value().getAnonymousId()).isEqualTo(anon);
        assertThat(identify.value().getTraits()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "email", "ada@acme.example", "first_name", "Ada", "last_name", "Lovelace", "title", "VP Engineering",
                "company", "Acme", "company_domain", "acme.example", "company_size", "1200", "industry", "Software",
                "country", "GB"));

        ClickEvent alias = h.clicks(previous, 1).get(0).value();
        assertThat(alias.getType()).as("alias links previousId to userId as an identify does").isEqualTo(ClickType.IDENTIFY);
        assertThat(alias.getAnonymousId()).isEqualTo(previous);
        assertThat(alias.getLeadId()).isEqualTo(lead);
        assertThat(alias.getTraits()).isEmpty();
    }

    @Test
    void identifyWithTopLevelCompanyTraitsAndAFullName() {
        String lead = id("lead");
        assertThat(h.post("/v1/identify", Harness.SERVER_KEY, JSON, """
                {"userId": "%s", "messageId": "%s",
                 "traits": {"email": "grace@navy.example", "name": "Grace Brewster Hopper", "company": "Navy",
                            "company_domain": "navy.example", "company_size": "1000-5000", "industry": "Government",
                            "country": "US"}}
                """.formatted(lead, id("m"))).status()).isEqualTo(200);
        ClickEvent c = h.clicks(lead, 1).get(0).value();
        assertThat(c.getAnonymousId()).as("a server-side call without anonymousId").isEmpty();
        assertThat(c.getTraits()).containsExactlyInAnyOrderEntriesOf(Map.of("email", "grace@navy.example",
                "first_name", "Grace", "last_name", "Brewster Hopper", "company", "Navy",
                "company_domain", "navy.example", "company_size", "1000-5000", "industry", "Government", "country", "US"));
    }

    @Test
    void emailAndWebinarEventsOfAKnownLeadBecomeCampaignEngagement() {
        String lead = id("lead");
        String anon = id("anon");
        String[][] cases = {
                {"Email Opened", "EMAIL", "OPENED"},
                {"Email Link Clicked", "EMAIL", "CLICKED"},
                {"Email Bounced", "EMAIL", "BOUNCED"},
                {"Unsubscribed", "EMAIL", "UNSUBSCRIBED"},
                {"Email Marked as Spam", "EMAIL", "SPAM_REPORT"},
                {"Webinar Attended", "WEBINAR", "ATTENDED"},
        };
        for (String[] c : cases) {
            Response r = h.post("/v1/track", Harness.SERVER_KEY, JSON, """
                    {"userId": "%s", "messageId": "%s", "event": "%s", "timestamp": "%s",
                     "properties": {"campaign_id": "cmp-spring", "email_subject": "Hello"}}
                    """.formatted(lead, "m-" + c[0].replace(' ', '-') + "-" + lead, c[0], T0));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        // without a userId the record would have no lead: it stays a track click for stitching
        assertThat(h.post("/v1/track", Harness.WEBSITE_KEY, JSON, """
                {"anonymousId": "%s", "messageId": "%s", "event": "Email Opened"}
                """.formatted(anon, id("m"))).status()).isEqualTo(200);

        List<Decoded<CampaignEngagement>> got = h.campaign(lead, cases.length);
        assertThat(got).hasSize(cases.length);
        for (String[] c : cases) {
            CampaignEngagement e = got.stream().filter(d -> d.value().getEventId()
                    .equals("m-" + c[0].replace(' ', '-') + "-" + lead)).findFirst().orElseThrow().value();
            assertThat(e.getChannel()).as(c[0]).isEqualTo(Channel.valueOf(c[1]));
            assertThat(e.getAction()).as(c[0]).isEqualTo(EngagementAction.valueOf(c[2]));
            assertThat(e.getCampaignId()).isEqualTo("cmp-spring");
            assertThat(e.getOccurredAt()).isEqualTo(T0);
        }
        assertThat(got).allSatisfy(d -> assertThat(d.key()).isEqualTo(lead));
        ClickEvent anonymous = h.clicks(anon, 1).get(0).value();
        assertThat(anonymous.getType()).isEqualTo(ClickType.TRACK);
        assertThat(anonymous.getName()).isEqualTo("email_opened");
    }

    @Test
    void batchMergesTopLevelContextIntoEachItemAndCorrectsClockSkewWithTheBatchSentAt() {
        String anon = id("anon");
        // the client's clock runs one hour fast: it stamped the event 2 s before it sent the batch
        Instant clientSent = Instant.now().plus(Duration.ofHours(1));
        Instant clientEvent = clientSent.minusSeconds(2);
        Instant before = Instant.now();
        Response r = h.post("/v1/batch", Harness.SERVER_KEY, JSON, """
                {"sentAt": "%s",
                 "context": {"page": {"url": "https://www.leadflow.example/batch-context"}, "library": {"name": "analytics-node"}},
                 "integrations": {"All": true},
                 "batch": [
                   {"type": "track", "anonymousId": "%s", "messageId": "b-1-%s", "event": "Trial Started",
                    "originalTimestamp": "%s"},
                   {"type": "track", "anonymousId": "%s", "messageId": "b-2-%s", "event": "Form Submitted",
                    "timestamp": "%s", "context": {"page": {"url": "https://www.leadflow.example/own"}}},
                   {"type": "group", "anonymousId": "%s", "groupId": "acme", "traits": {"name": "Acme"}}
                 ]}
                """.formatted(clientSent, anon, anon, clientEvent, anon, anon, T0, anon));
        Instant after = Instant.now();
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        List<Decoded<ClickEvent>> clicks = h.clicks(anon, 2);
        assertThat(clicks).as("group is accepted, not forwarded").hasSize(2);
        ClickEvent trial = clicks.stream().filter(d -> d.value().getEventId().equals("b-1-" + anon)).findFirst().orElseThrow().value();
        assertThat(trial.getName()).isEqualTo("trial_started");
        assertThat(trial.getUrl()).as("the batch's context").isEqualTo("https://www.leadflow.example/batch-context");
        // Segment's rule: receivedAt - (sentAt - originalTimestamp) = the receipt time minus 2 s
        assertThat(trial.getOccurredAt()).isBetween(before.minusSeconds(2), after.minusSeconds(2));
        ClickEvent form = clicks.stream().filter(d -> d.value().getEventId().equals("b-2-" + anon)).findFirst().orElseThrow().value();
        assertThat(form.getUrl()).as("the item's own context wins").isEqualTo("https://www.leadflow.example/own");
        assertThat(form.getOccurredAt()).as("timestamp is taken as is").isEqualTo(T0);
    }

    @Test
    void originalTimestampIsCorrectedByTheEventsOwnSentAt() {
        String anon = id("anon");
        Instant clientSent = Instant.now().minus(Duration.ofDays(3)); // a clock three days slow
        Instant before = Instant.now();
        assertThat(h.post("/v1/track", Harness.WEBSITE_KEY, JSON, """
                {"anonymousId": "%s", "messageId": "%s", "event": "Pricing Calculator Used",
                 "originalTimestamp": "%s", "sentAt": "%s"}
                """.formatted(anon, id("m"), clientSent.minusMillis(1500), clientSent)).status()).isEqualTo(200);
        Instant after = Instant.now();
        ClickEvent c = h.clicks(anon, 1).get(0).value();
        assertThat(c.getOccurredAt()).isBetween(before.minusMillis(1500), after.minusMillis(1500));
        assertThat(c.getName()).isEqualTo("pricing_calculator_used");
    }

    @Test
    void aRetryWithTheSameMessageIdGivesTheSameEventIdAndOneWithoutAMessageIdDerivesTheSameOne() {
        String anon = id("anon");
        String once = """
                {"anonymousId": "%s", "messageId": "retry-%s", "event": "Contact Sales", "timestamp": "%s"}
                """.formatted(anon, anon, T0);
        assertThat(h.post("/v1/track", Harness.WEBSITE_KEY, JSON, once).status()).isEqualTo(200);
        assertThat(h.post("/v1/track", Harness.WEBSITE_KEY, JSON, once).status()).isEqualTo(200);
        String noId = """
                {"anonymousId": "%s", "event": "Signed Up", "timestamp": "%s", "sentAt": "%s"}
                """;
        assertThat(h.post("/v1/track", Harness.WEBSITE_KEY, JSON, noId.formatted(anon, T0, T0.plusSeconds(1))).status()).isEqualTo(200);
        assertThat(h.post("/v1/track", Harness.WEBSITE_KEY, JSON, noId.formatted(anon, T0, T0.plusSeconds(9))).status()).isEqualTo(200);
        assertThat(h.post("/v1/track", Harness.WEBSITE_KEY, JSON, """
                {"anonymousId": "%s", "event": "Signed Up", "timestamp": "%s"}
                """.formatted(anon, T0.plusSeconds(60))).status()).isEqualTo(200);

        List<ClickEvent> clicks = h.clicks(anon, 5).stream().map(Decoded::value).toList();
        assertThat(clicks.stream().filter(c -> c.getName().equals("contact_sales")).map(c -> c.getEventId().toString()))
                .containsExactly("retry-" + anon, "retry-" + anon);
        List<String> signedUp = clicks.stream().filter(c -> c.getName().equals("signed_up"))
                .map(c -> c.getEventId().toString()).toList();
        assertThat(signedUp).hasSize(3);
        assertThat(signedUp.stream().distinct().count()).as("two retries of one event, one other event").isEqualTo(2);
    }

    @Test
    void gzipBodiesAreAccepted() throws IOException {
        String anon = id("anon");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write("""
                    {"batch": [{"type": "page", "anonymousId": "%s", "messageId": "%s", "name": "Product"}]}
                    """.formatted(anon, id("m")).getBytes(StandardCharsets.UTF_8));
        }
        Response r = h.post("/v1/batch", Harness.basic(Harness.SERVER_KEY), JSON, bytes.toByteArray(),
                Map.of("Content-Encoding", "gzip"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(h.clicks(anon, 1).get(0).value().getName()).isEqualTo("product");
    }

    @Test
    void screenIsAPageAndGroupIsAcceptedWithoutARecord() {
        String anon = id("anon");
        assertThat(h.post("/v1/group", Harness.SERVER_KEY, JSON, """
                {"anonymousId": "%s", "messageId": "%s", "groupId": "acme", "traits": {"name": "Acme"}}
                """.formatted(anon, id("group"))).status()).isEqualTo(200);
        assertThat(h.post("/v1/screen", Harness.SERVER_KEY, JSON, """
                {"anonymousId": "%s", "messageId": "%s", "name": "Pricing"}
                """.formatted(anon, id("screen"))).status()).isEqualTo(200);
        List<Decoded<ClickEvent>> clicks = h.clicks(anon, 1);
        assertThat(clicks).hasSize(1);
        assertThat(clicks.get(0).value().getType()).isEqualTo(ClickType.PAGE);
        assertThat(clicks.get(0).value().getEventId()).startsWith("screen-");
    }

    @Test
    void concurrentClientsEachGetTheirEventsWritten() throws Exception {
        String run = id("run");
        int clients = 6;
        int batches = 10;
        int perBatch = 40;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    int ok = 0;
                    for (int b = 0; b < batches; b++) {
                        StringBuilder batch = new StringBuilder("{\"batch\": [");
                        for (int i = 0; i < perBatch; i++) {
                            batch.append(i == 0 ? "" : ",").append("{\"type\": \"track\", \"event\": \"Load Test\",")
                                    .append("\"anonymousId\": \"").append(run).append("\", \"messageId\": \"")
                                    .append(run).append('-').append(client).append('-').append(b).append('-').append(i).append("\"}");
                        }
                        Response r = h.post("/v1/b", Harness.SERVER_KEY, JSON, batch.append("]}").toString());
                        assertThat(r.status()).as(r.body()).isEqualTo(200);
                        ok += perBatch;
                    }
                    return ok;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : done) {
                assertThat(f.get(120, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(batches * perBatch);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = clients * batches * perBatch;
        List<Decoded<ClickEvent>> clicks = h.clicks(run, total);
        assertThat(clicks.stream().map(d -> d.value().getEventId()).distinct().count()).isEqualTo(total);
    }

    @Test
    void everyRecordDecodesWithAnEventIdAndAnIdToKeyItBy() {
        // the job dead-letters a record without event_id or without both ids: none may be written
        h.read(Topics.CLICKSTREAM, ClickEvent.class, all -> !all.isEmpty()).forEach(d -> {
            assertThat(d.value().getEventId().toString()).isNotBlank();
            assertThat(d.key()).isNotBlank();
            assertThat(d.key()).isIn(d.value().getLeadId() == null ? d.value().getAnonymousId().toString()
                    : d.value().getLeadId().toString());
        });
    }

    private static Response post(String path, String body, Map<String, String> headers) {
        return h.post(path, null, TEXT, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static ClickEvent only(List<Decoded<ClickEvent>> clicks, ClickType type) {
        List<ClickEvent> of = clicks.stream().map(Decoded::value).filter(c -> c.getType() == type).toList();
        assertThat(of).hasSize(1);
        return of.get(0);
    }

    static JsonNode json(String s) {
        try {
            return Harness.MAPPER.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
