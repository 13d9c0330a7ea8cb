package dev.leadflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueueAction;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty sellers claim from one queue at once over HTTP until it is empty: every lead goes to exactly one
 * of them. Prints the claim latency (p50/p99) the sellers saw under that load.
 */
class ConcurrentClaimsTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String Q = "pool";
    private static final int SELLERS = 20;
    private static final int WARM_UP_LEADS = 400;
    private static final int LEADS = 2_000;

    @TempDir
    static Path dir;
    private static SellerApi api;
    private static HandoffQueue queue;

    @BeforeAll
    static void start() throws IOException {
        StringBuilder users = new StringBuilder("users:\n");
        for (int i = 0; i < SELLERS; i++) {
            users.append("  - {id: s").append(i).append(", name: Seller ").append(i)
                    .append(", role: seller, queues: [pool], tokenSha256: ").append(Users.hash(token(i))).append("}\n");
        }
        Path usersFile = Files.writeString(dir.resolve("users.yaml"), users);
        api = SellerApi.start(SellerApiConfig.defaults(usersFile).withPort(0).withRedisUri(REDIS.uri())
                .withKafka("localhost:1", Map.of()).withRegistry("mock://concurrent-claims-test", null, null));
        queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
    }

    @AfterAll
    static void stop() {
        api.close();
        queue.close();
    }

    @Test
    void twentySellersClaimingAtOnceNeverGetTheSameLead() throws Exception {
        // the first round warms up the JIT and the connection pools and is not measured
        claimAll(fill("warm", WARM_UP_LEADS));
        Set<String> leads = fill("lead", LEADS);

        Result result = claimAll(leads);

        List<String> claimed = result.claimedLeads();
        assertThat(claimed).hasSize(LEADS);
        assertThat(new HashSet<>(claimed)).isEqualTo(leads);
        assertThat(result.perSeller()).allSatisfy(n -> assertThat(n).isPositive());
        assertThat(queue.depth(Q)).isZero();
        assertThat(queue.claimedCount(Q)).isEqualTo(LEADS + WARM_UP_LEADS);

        List<Long> nanos = new ArrayList<>(result.latencies());
        Collections.sort(nanos);
        System.out.printf("claim latency with %d concurrent sellers over HTTP, %d claims: p50 %.2f ms, p99 %.2f ms,"
                        + " max %.2f ms, %.0f claims/s%n", SELLERS, nanos.size(), percentile(nanos, 50),
                percentile(nanos, 99), nanos.get(nanos.size() - 1) / 1e6, LEADS / (result.wallNanos() / 1e9));
    }

    private record Result(List<String> claimedLeads, List<Long> latencies, List<Integer> perSeller, long wallNanos) {
    }

    private static Result claimAll(Set<String> expected) throws Exception {
        List<String> claimed = new CopyOnWriteArrayList<>();
        List<Long> latencies = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(SELLERS);
        List<Future<Integer>> sellers = new ArrayList<>();
        for (int i = 0; i < SELLERS; i++) {
            String token = token(i);
            sellers.add(pool.submit(() -> {
                ApiClient client = new ApiClient(api.port());
                go.await();
                int mine = 0;
                while (true) {
                    long start = System.nanoTime();
                    ApiClient.Response r = client.claim(Q, token);
                    latencies.add(System.nanoTime() - start);
                    if (r.status() == 204) {
                        return mine;
                    }
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    claimed.add(r.json().path("lead").path("leadId").asText());
                    mine++;
                }
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        List<Integer> perSeller = new ArrayList<>();
        for (Future<Integer> seller : sellers) {
            perSeller.add(seller.get());
        }
        long wall = System.nanoTime() - start;
        pool.shutdown();
        assertThat(claimed).hasSize(expected.size());
        return new Result(claimed, latencies, perSeller, wall);
    }

    private static Set<String> fill(String prefix, int n) {
        long now = System.currentTimeMillis();
        List<QueueAction> actions = IntStream.range(0, n).mapToObj(i -> QueueAction.enqueue(Q, prefix + "-" + i,
                prefix + "-" + i + "-h", 1, i % 97, TestLeads.payload(Q, prefix + "-" + i, i % 97, now), now)).toList();
        queue.applyAll(actions);
        Set<String> ids = new HashSet<>();
        actions.forEach(a -> ids.add(a.leadId()));
        return ids;
    }

    private static double percentile(List<Long> sortedNanos, int p) {
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.size()) - 1;
        return sortedNanos.get(Math.max(0, index)) / 1e6;
    }

    private static String token(int seller) {
        return "seller-token-" + seller;
    }
}
