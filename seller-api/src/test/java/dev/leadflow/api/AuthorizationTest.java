package dev.leadflow.api;

import static dev.leadflow.api.ApiClient.lease;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what, endpoint by endpoint, with team B's real lead ids and lease tokens in team A's hands.
 * Kafka is deliberately unreachable: a refused call must never get as far as publishing an outcome.
 */
class AuthorizationTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path dir;
    private static SellerApi api;
    private static ApiClient client;
    private static HandoffQueue queue;
    /** Every response a non-claimant got; none may contain an email address. */
    private final List<String> seenByOthers = new ArrayList<>();

    private String bLead;
    private String bToken;
    private String aToken;

    @BeforeAll
    static void start() {
        api = SellerApi.start(SellerApiConfig.defaults(TestUsers.write(dir)).withPort(0).withRedisUri(REDIS.uri())
                .withKafka("localhost:1", Map.of()).withRegistry("mock://authorization-test", null, null));
        client = new ApiClient(api.port());
        queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
    }

    @AfterAll
    static void stop() {
        api.close();
        queue.close();
    }

    @BeforeEach
    void teams() {
        REDIS.flushAll();
        TestLeads.enqueue(queue, "team-b", "b-lead-1", 90);
        TestLeads.enqueue(queue, "team-b", "b-lead-2", 80);
        TestLeads.enqueue(queue, "team-a", "a-lead-1", 70);
        TestLeads.enqueue(queue, "team-a", "a-lead-2", 60);
        TestLeads.enqueue(queue, "owner-b1", "b-own-1", 50);
        JsonNode bClaim = client.claim("team-b", TestUsers.B1).json();
        bLead = bClaim.path("lead").path("leadId").asText();
        bToken = bClaim.path("leaseToken").asText();
        aToken = client.claim("team-a", TestUsers.A1).json().path("leaseToken").asText();
        assertThat(bLead).isEqualTo("b-lead-1");
    }

    @AfterEach
    void noEmailReachedANonClaimant() {
        assertThat(seenByOthers).isNotEmpty().allSatisfy(body -> assertThat(body)
                .doesNotContain("@acme.example", "Colleague of ", "Person "));
    }

    @Test
    void aSellerOfTeamAGets403Or404ForEveryCallOnTeamBsQueueAndLeads() {
        String a = TestUsers.A1;
        JsonNode queues = seen(client.get("/api/v1/queues", a)).json();
        assertThat(queues.findValuesAsText("name")).containsExactlyInAnyOrder("team-a", "owner-a1");

        expect(403, client.get("/api/v1/queues/team-b/leads", a));
        expect(403, client.get("/api/v1/queues/team-b/leads/" + bLead, a));
        expect(403, client.get("/api/v1/queues/team-b/leads/b-lead-2", a));
        expect(403, client.claim("team-b", a));
        expect(403, client.get("/api/v1/queues/owner-b1/leads", a));
        expect(403, client.claim("owner-b1", a));
        // B's token names B's queue
        expect(403, client.settle(bLead, "accept", a, lease(bToken)));
        expect(403, client.settle(bLead, "reject", a, "{\"leaseToken\":\"" + bToken + "\",\"reason\":\"duplicate\"}"));
        expect(403, client.settle(bLead, "release", a, lease(bToken)));
        // A's own token does not reach into B's queue: B's lead is not in A's queue
        expect(404, client.settle(bLead, "accept", a, lease(aToken)));
        expect(404, client.settle(bLead, "release", a, lease(aToken)));
        expect(404, client.settle("b-lead-2", "reject", a, "{\"leaseToken\":\"" + aToken + "\",\"reason\":\"duplicate\"}"));
        try (EventStream header = EventStream.open(client, "/api/v1/queues/team-b/events", a, null);
             EventStream query = EventStream.open(client, "/api/v1/queues/team-b/events?ticket=" + ticket(a), null, null)) {
            assertThat(header.status()).isEqualTo(403);
            assertThat(query.status()).isEqualTo(403);
        }

        assertThat(queue.get("team-b", bLead).orElseThrow().claimedBy()).as("B's claim untouched").isEqualTo("b1");
        assertThat(queue.depth("team-b")).isEqualTo(1);
    }

    @Test
    void opsReadEveryQueueButClaimAndSettleNothing() {
        String ops = TestUsers.OPS;
        assertThat(seen(client.get("/api/v1/queues", ops)).json().findValuesAsText("name"))
                .containsExactlyInAnyOrder("team-a", "team-b", "owner-b1");
        JsonNode leads = seen(client.get("/api/v1/queues/team-b/leads", ops)).json();
        assertThat(leads.findValuesAsText("leadId")).containsExactly("b-lead-2");
        assertThat(leads.get(0).path("company").asText()).isEqualTo("Acme b-lead-2");
        assertThat(leads.get(0).has("email")).isFalse();
        assertThat(leads.get(0).has("name")).isFalse();
        JsonNode claimed = seen(client.get("/api/v1/queues/team-b/leads/" + bLead, ops)).json();
        assertThat(claimed.path("status").asText()).isEqualTo("claimed");

        expect(403, client.claim("team-b", ops));
        expect(403, client.settle(bLead, "accept", ops, lease(bToken)));
        expect(403, client.settle(bLead, "release", ops, lease(bToken)));
        assertThat(seen(client.get("/metrics", ops)).status()).isEqualTo(200);
        try (EventStream stream = EventStream.open(client, "/api/v1/queues/team-b/events", ops, null)) {
            assertThat(stream.status()).isEqualTo(200);
            stream.next("ready", Duration.ofSeconds(5));
            TestLeads.enqueue(queue, "team-b", "b-lead-3", 10);
            EventStream.Event enqueued = stream.next("enqueue", Duration.ofSeconds(5));
            assertThat(enqueued.json().path("lead").path("leadId").asText()).isEqualTo("b-lead-3");
            seenByOthers.add(stream.raw());
        }
    }

    @Test
    void contactDetailsGoOnlyToTheSellerHoldingTheClaim() {
        // the claimant sees them
        JsonNode mine = client.get("/api/v1/queues/team-b/leads/" + bLead, TestUsers.B1).json();
        assertThat(mine.path("status").asText()).isEqualTo("yours");
        assertThat(mine.path("email").asText()).isEqualTo(TestLeads.email(bLead));
        assertThat(mine.path("account").path("people").get(0).path("name").asText()).isEqualTo(TestLeads.colleague(bLead));
        // everyone sees the lead's story and its committee by title
        JsonNode listed = seen(client.get("/api/v1/queues/team-b/leads", TestUsers.B1)).json().get(0);
        assertThat(listed.path("story").findValuesAsText("what")).containsExactly("Viewed pricing",
                "Call by s17 — no answer", "Attended webinar 'Q3 launch'");
        assertThat(listed.path("account").path("people").get(0).path("title").asText()).isEqualTo("CTO");
        // a teammate of A sees A's claimed lead and the ready one without them
        JsonNode teammateView = seen(client.get("/api/v1/queues/team-a/leads/a-lead-1", TestUsers.A2)).json();
        assertThat(teammateView.path("status").asText()).isEqualTo("claimed");
        assertThat(teammateView.has("email")).isFalse();
        seen(client.get("/api/v1/queues/team-a/leads/a-lead-2", TestUsers.A2));
        // the claimant's own listing strips them too: listings are for choosing, not contacting
        JsonNode listing = seen(client.get("/api/v1/queues/team-b/leads", TestUsers.B1)).json();
        assertThat(listing.findValuesAsText("leadId")).containsExactly("b-lead-2");
        seen(client.get("/api/v1/queues/team-a/leads", TestUsers.A2));
    }

    @Test
    void tokensAreCheckedOnEveryCallAndNeverTakenFromTheUrlWhereEventStreamsTakeASingleUseTicket() {
        expect(401, client.get("/api/v1/queues?access_token=" + TestUsers.A1, null));
        expect(401, client.post("/api/v1/stream-tickets", null, ""));
        expect(401, client.get("/api/v1/queues/team-a/leads", TestUsers.A1 + "x"));
        expect(401, client.get("/api/v1/queues/team-a/leads", TestUsers.A1.toUpperCase()));
        expect(401, client.claim("team-a", null));
        expect(401, client.settle("a-lead-1", "accept", null, lease(aToken)));
        expect(401, client.get("/metrics", null));
        expect(401, client.get("/api/v1/me", "nope"));
        try (EventStream stream = EventStream.open(client, "/api/v1/queues/team-a/events", null, null)) {
            assertThat(stream.status()).isEqualTo(401);
        }
        try (EventStream stream = EventStream.open(client, "/api/v1/queues/team-a/events?access_token=" + TestUsers.A2,
                null, null)) {
            assertThat(stream.status()).as("the long-lived token in a URL").isEqualTo(401);
        }
        String ticket = ticket(TestUsers.A2);
        try (EventStream stream = EventStream.open(client, "/api/v1/queues/team-a/events?ticket=" + ticket, null, null)) {
            assertThat(stream.status()).isEqualTo(200);
            stream.next("ready", Duration.ofSeconds(5));
        }
        try (EventStream again = EventStream.open(client, "/api/v1/queues/team-a/events?ticket=" + ticket, null, null)) {
            assertThat(again.status()).as("a ticket opens one stream").isEqualTo(401);
        }
        try (EventStream forged = EventStream.open(client, "/api/v1/queues/team-a/events?ticket="
                + ticket.substring(0, ticket.length() - 2) + (ticket.endsWith("AA") ? "BB" : "AA"), null, null)) {
            assertThat(forged.status()).as("a ticket with a changed signature").isEqualTo(401);
        }
        JsonNode me = seen(client.get("/api/v1/me", TestUsers.A2)).json();
        assertThat(me.path("id").asText()).isEqualTo("a2");
        assertThat(me.path("role").asText()).isEqualTo("seller");
    }

    private String ticket(String token) {
        ApiClient.Response r = client.post("/api/v1/stream-tickets", token, "");
        assertThat(r.status()).as("stream ticket: %s", r.body()).isEqualTo(200);
        return r.json().path("ticket").asText();
    }

    private ApiClient.Response seen(ApiClient.Response r) {
        seenByOthers.add(r.body());
        return r;
    }

    private void expect(int status, ApiClient.Response r) {
        seen(r);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("error").asText()).isNotEmpty();
    }
}
