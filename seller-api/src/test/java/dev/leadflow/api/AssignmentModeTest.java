package dev.leadflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Assignment mode over HTTP: sellers mark themselves available, leads are offered fairly, taken or passed on. */
class AssignmentModeTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String Q = "team-a";
    @TempDir
    static Path dir;
    private static SellerApi api;
    private static HandoffQueue queue;
    private static ApiClient client;

    @BeforeAll
    static void start() throws IOException {
        Path queues = Files.writeString(dir.resolve("queues.yaml"),
                Q + ":\n  assignment: {acceptWithin: 2s, availableFor: 1m}\n");
        api = SellerApi.start(SellerApiConfig.defaults(TestUsers.write(dir)).withPort(0).withRedisUri(REDIS.uri())
                .withKafka("localhost:1", Map.of()).withRegistry("mock://assignment-mode-test", null, null)
                .withQueues(queues).withEscalationInterval(Duration.ofMillis(100)));
        queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
        client = new ApiClient(api.port());
    }

    @AfterAll
    static void stop() {
        api.close();
        queue.close();
    }

    @Test
    void leadsAreOfferedToAvailableSellersInTurnAndALapsedOfferGoesToTheOther() throws Exception {
        long now = System.currentTimeMillis();
        for (int i = 0; i < 4; i++) {
            TestLeads.enqueue(queue, Q, "as-" + i, 50 - i, now);
        }
        assertThat(client.claim(Q, TestUsers.A1).json().path("error").asText()).as("no pulling in this queue")
                .isEqualTo("assignment_mode");
        JsonNode queues = client.get("/api/v1/queues", TestUsers.A1).json();
        assertThat(queues.findValuesAsText("mode")).contains("assign");
        assertThat(client.get("/api/v1/queues/" + Q + "/offer", TestUsers.A1).status()).as("not available yet").isEqualTo(204);

        for (String token : new String[] {TestUsers.A1, TestUsers.A2}) {
            ApiClient.Response r = client.post("/api/v1/queues/" + Q + "/availability", token, "{\"available\": true}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        // each takes what is offered, until all four are taken: two each
        Map<String, Integer> taken = new HashMap<>();
        SpeedToLeadTest.await(() -> {
            for (String token : new String[] {TestUsers.A1, TestUsers.A2}) {
                ApiClient.Response offer = client.get("/api/v1/queues/" + Q + "/offer", token);
                if (offer.status() == 200) {
                    assertThat(offer.json().path("lead").has("email")).as("no contact before it is taken").isFalse();
                    String lead = offer.json().path("lead").path("leadId").asText();
                    ApiClient.Response take = client.post("/api/v1/leads/" + lead + "/take", token,
                            ApiClient.lease(offer.json().path("leaseToken").asText()));
                    assertThat(take.status()).as(take.body()).isEqualTo(200);
                    assertThat(take.json().path("lead").path("email").asText()).isEqualTo(TestLeads.email(lead));
                    taken.merge(token, 1, Integer::sum);
                }
            }
            return taken.values().stream().mapToInt(Integer::intValue).sum() == 4;
        }, "all four leads offered and taken");
        assertThat(taken).containsOnly(Map.entry(TestUsers.A1, 2), Map.entry(TestUsers.A2, 2));

        // an offer nobody takes goes to the other seller once its 2 s are up
        TestLeads.enqueue(queue, Q, "as-late", 99, now);
        String[] first = new String[1];
        SpeedToLeadTest.await(() -> {
            for (String token : new String[] {TestUsers.A1, TestUsers.A2}) {
                if (client.get("/api/v1/queues/" + Q + "/offer", token).status() == 200) {
                    first[0] = token;
                    return true;
                }
            }
            return false;
        }, "the new lead offered");
        String other = first[0].equals(TestUsers.A1) ? TestUsers.A2 : TestUsers.A1;
        SpeedToLeadTest.await(() -> client.get("/api/v1/queues/" + Q + "/offer", other).status() == 200,
                "the lapsed offer made to the other seller");
        assertThat(client.get("/api/v1/queues/" + Q + "/offer", first[0]).status()).isEqualTo(204);
    }
}
