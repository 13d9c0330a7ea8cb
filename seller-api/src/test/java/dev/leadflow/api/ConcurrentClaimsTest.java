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
                    .append(", role: seller, queues: [pool, capped], tokenSha256: ").append(Users.hash(token(i))).append("}\n");
        }
        Path usersFile = Files.writeString(dir.resolve("users.yaml"), users);
        // pool: no cap, so the claim path itself is measured; capped: the default of 3 leads at once
        Path queues = Files.writeString(dir.resolve("queues.yaml"), "pool: {maxHeld: 0}\n");
        api = SellerApi.start(SellerApiConfig.defaults(usersFile).withPort(0).withRedisUri(REDIS.uri())
                .withKafka("localhost:1", Map.of()).withRegistry("mock://concurrent-claims-test", null, null)
                .withQueues(queues));
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

    @Test
    void noSellerEverHoldsMoreThanTheCapWhileTwentyClaimAndReleaseAtOnce() throws Exception {
        String capped = "capped";
        int cap = QueuePolicies.DEFAULT_MAX_HELD;
        int leads = 300;
        long now = System.currentTimeMillis();
        queue.applyAll(IntStream.range(0, leads).mapToObj(i -> QueueAction.enqueue(capped, "c-" + i, "c-" + i + "-h", 1,
                i % 13, TestLeads.payload(capped, "c-" + i, i % 13, now), now)).toList());
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger released = new java.util.concurrent.atomic.AtomicInteger();
        List<String> violations = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(SELLERS);
        List<Future<List<String[]>>> sellers = new ArrayList<>();
        for (int i = 0; i < SELLERS; i++) {
            String token = token(i);
            long seed = i;
            sellers.add(pool.submit(() -> {
                ApiClient client = new ApiClient(api.port());
                java.util.Random random = new java.util.Random(seed);
                // held as this seller knows it: counted up after a claim returns, down before a release is
                // sent, so it never exceeds what the server holds for the seller
                List<String[]> held = new ArrayList<>();
                go.await();
                for (int round = 0; round < 25; round++) {
                    ApiClient.Response r = client.claim(capped, token);
                    if (r.status() == 200) {
                        ok.incrementAndGet();
                        held.add(new String[] {r.json().path("lead").path("leadId").asText(), r.json().path("leaseToken").asText()});
                        if (held.size() > cap) {
                            violations.add(token + " held " + held.size());
                        }
                    } else {
                        assertThat(r.status()).as(r.body()).isEqualTo(409);
                        assertThat(r.json().path("error").asText()).isEqualTo("too_many_claims");
                        assertThat(r.json().path("message").asText()).contains("at most " + cap);
                        refused.incrementAndGet();
                    }
                    if (!held.isEmpty() && random.nextInt(3) == 0) {
                        String[] give = held.remove(random.nextInt(held.size()));
                        ApiClient.Response back = client.settle(give[0], "release", token, ApiClient.lease(give[1]));
                        assertThat(back.status()).as(back.body()).isEqualTo(200);
                        released.incrementAndGet();
                    }
                }
                return held;
            }));
        }
        go.countDown();
        int stillHeld = 0;
        for (int i = 0; i < SELLERS; i++) {
            List<String[]> held = sellers.get(i).get();
            assertThat(queue.held(capped, "s" + i)).as("held by s" + i + " as Redis counts it").isEqualTo(held.size());
            stillHeld += held.size();
        }
        pool.shutdown();

        assertThat(violations).isEmpty();
        assertThat(refused.get()).as("the cap was reached").isPositive();
        assertThat(ok.get() + refused.get()).isEqualTo(SELLERS * 25);
        assertThat(ok.get() - released.get()).isEqualTo(stillHeld);
        assertThat(queue.claimedCount(capped)).isEqualTo(stillHeld);
        assertThat(queue.depth(capped)).isEqualTo(leads - stillHeld);
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
