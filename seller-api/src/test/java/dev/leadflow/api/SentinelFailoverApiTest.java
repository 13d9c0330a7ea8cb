package dev.leadflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.redis.RedisSentinelExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seller API on Redis with a replica and three sentinels (real processes), given a
 * {@code redis-sentinel://} URI: after the primary is SIGKILLed it serves again from the promoted replica
 * without a restart. Claims held at the failover are kept (the replica had them) or returned (lost with the
 * primary: the seller's release gets 409 and the lead is ready again), and no lead is ever held by two
 * sellers.
 */
class SentinelFailoverApiTest {

    @RegisterExtension
    static final RedisSentinelExtension SENTINEL = new RedisSentinelExtension();

    private static final String Q = "team-a";

    @TempDir
    static Path dir;

    @Test
    void theApiFollowsTheFailoverAndClaimsAreKeptOrReturnedNeverDuplicated() throws java.io.IOException {
        // one seller claims all six at the end: no claim cap here (ConcurrentClaimsTest has the cap)
        Path queues = java.nio.file.Files.writeString(dir.resolve("queues.yaml"), Q + ": {maxHeld: 0}\n");
        try (SellerApi api = SellerApi.start(SellerApiConfig.defaults(TestUsers.write(dir)).withPort(0)
                .withRedisUri(SENTINEL.uri()).withKafka("localhost:1", Map.of())
                .withRegistry("mock://sentinel-failover-api-test", null, null).withQueues(queues));
             HandoffQueue queue = HandoffQueue.connect(RedisConfig.fromUri(SENTINEL.uri()), HandoffQueue.Options.defaults())) {
            for (int i = 0; i < 6; i++) {
                TestLeads.enqueue(queue, Q, "lead-" + i, 90 - i);
            }
            ApiClient client = new ApiClient(api.port());
            Map<String, String> kept = claim(client, TestUsers.A1, 2);
            Await.until(Duration.ofSeconds(10), "the replica has the first claims",
                    () -> SENTINEL.group().replicationLagBytes() == 0);
            SENTINEL.group().cutReplication();
            Map<String, String> lost = claim(client, TestUsers.A2, 2);

            SENTINEL.killPrimary();
            SENTINEL.awaitPromotion(Duration.ofSeconds(30));
            Await.until(Duration.ofSeconds(30), Duration.ofMillis(50), "the API to answer from the new primary",
                    () -> client.get("/api/v1/queues", TestUsers.A1).status() == 200);

            kept.forEach((lead, token) -> assertThat(client.settle(lead, "release", TestUsers.A1, ApiClient.lease(token))
                    .status()).as("a claim the replica had is kept: " + lead).isEqualTo(200));
            lost.forEach((lead, token) -> assertThat(client.settle(lead, "release", TestUsers.A2, ApiClient.lease(token))
                    .status()).as("a claim lost with the primary is returned: " + lead).isEqualTo(409));

            List<String> claimedAgain = new ArrayList<>(claim(client, TestUsers.A2, 6).keySet());
            assertThat(claimedAgain).as("every lead is ready again exactly once").hasSize(6).doesNotHaveDuplicates()
                    .containsAll(kept.keySet()).containsAll(lost.keySet());
            assertThat(client.claim(Q, TestUsers.A1).status()).isEqualTo(204);
        }
    }

    /** Claims up to {@code n} leads as the seller of {@code token}: lead id -> lease token. */
    private static Map<String, String> claim(ApiClient client, String token, int n) {
        Map<String, String> claims = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            ApiClient.Response r = client.claim(Q, token);
            if (r.status() == 204) {
                break;
            }
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            claims.put(r.json().path("lead").path("leadId").asText(), r.json().path("leaseToken").asText());
        }
        return claims;
    }
}
