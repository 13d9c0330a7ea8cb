package dev.leadflow.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import dev.leadflow.schemas.Topics;
import dev.leadflow.embedded.kafka.KafkaBroker;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's throughput with batches: a benchmark, not a timed test (it asserts only that every
 * acknowledged event is on the topic). Runs only when asked:
 *
 * <pre>
 * mvn -B -pl collector -am test -Dtest=CollectorBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.collector=true [-Dbench.clients=4 -Dbench.batch=100 -Dbench.seconds=30]
 * </pre>
 *
 * {@code clients} threads post {@code /v1/batch} requests of {@code batch} page and track calls each,
 * back to back, to a collector on a real broker in the same JVM (the broker's CPU is counted too), for
 * a warm-up of 10 s and then {@code seconds}. Prints events/s, requests/s, request latency
 * (p50/p99/max) and the process's CPU per event.
 */
@EnabledIfSystemProperty(named = "bench.collector", matches = "true")
class CollectorBenchmark {

    private static final String KEY = "wk-bench";

    @TempDir Path dir;

    @Test
    void batchesPerSecond() throws Exception {
        int clients = Integer.getInteger("bench.clients", 4);
        int batch = Integer.getInteger("bench.batch", 100);
        int seconds = Integer.getInteger("bench.seconds", 30);
        Path keys = dir.resolve("bench-keys.yaml");
        Files.writeString(keys, "keys:\n  - {name: bench, kind: tracking, sha256: " + WriteKeys.hash(KEY)
                + ", eventsPerSecond: 100000000}\n");
        try (KafkaBroker broker = KafkaBroker.start()) {
            broker.createTopics(2, Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES);
            try (Collector collector = Collector.start(CollectorConfig.defaults(keys).withPort(0)
                    .withKafka(broker.bootstrapServers(), Map.of()).withRegistry("mock://collector-bench"))) {
                measure(broker, "http://127.0.0.1:" + collector.port() + "/v1/batch", clients, batch, seconds);
            }
        }
    }

    private static void measure(KafkaBroker broker, String url, int clients, int batch, int seconds) throws Exception {
        AtomicLong ids = new AtomicLong();
        run(url, clients, batch, Duration.ofSeconds(10), ids); // warm-up
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long[] latencies = run(url, clients, batch, Duration.ofSeconds(seconds), ids);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpuUs = (os.getProcessCpuTime() - cpu0) / 1e3;

        long events = (long) latencies.length * batch;
        Arrays.sort(latencies);
        System.out.printf("collector bench: %d clients x %d events per batch, %.0f s: %,.0f events/s, %,.0f requests/s,"
                        + " latency p50 %.1f ms, p99 %.1f ms, max %.1f ms, CPU %.1f us per event (collector, broker and clients: one process),"
                        + " %d cores, load average %.2f%n",
                clients, batch, elapsed, events / elapsed, latencies.length / elapsed,
                percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6,
                latencies[latencies.length - 1] / 1e6, cpuUs / events, os.getAvailableProcessors(),
                os.getSystemLoadAverage());
        assertThat(clickstreamRecords(broker)).as("every acknowledged event is on the topic").isEqualTo(ids.get());
    }

    /** Posts batches from {@code clients} threads for {@code duration}; the latency of every request, in ns. */
    private static long[] run(String url, int clients, int batch, Duration duration, AtomicLong ids) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        String auth = "Basic " + Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8));
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    while (System.nanoTime() < end) {
                        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(batchBody(client, batch, ids))).build();
                        long start = System.nanoTime();
                        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        mine.add(System.nanoTime() - start);
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("batch answered " + r.statusCode() + ": " + r.body());
                        }
                    }
                    return mine;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : results) {
                all.addAll(f.get());
            }
            return all.stream().mapToLong(Long::longValue).toArray();
        } finally {
            pool.shutdownNow();
        }
    }

    /** One batch: mostly page views, one track in ten, anonymous visitors of one client. */
    private static byte[] batchBody(int client, int batch, AtomicLong ids) {
        StringBuilder b = new StringBuilder(batch * 200).append("{\"batch\":[");
        String now = Instant.now().toString();
        for (int i = 0; i < batch; i++) {
            long id = ids.incrementAndGet();
            if (i > 0) {
                b.append(',');
            }
            String anonymous = "anon-" + client + "-" + (id % 5_000);
            if (id % 10 == 0) {
                b.append("{\"type\":\"track\",\"event\":\"Pricing Calculator Used\",\"anonymousId\":\"").append(anonymous)
                        .append("\",\"messageId\":\"bench-").append(id).append("\",\"timestamp\":\"").append(now).append("\"}");
            } else {
                b.append("{\"type\":\"page\",\"name\":\"pricing\",\"anonymousId\":\"").append(anonymous)
                        .append("\",\"messageId\":\"bench-").append(id).append("\",\"timestamp\":\"").append(now)
                        .append("\",\"properties\":{\"url\":\"https://www.leadflow.example/pricing\"}}");
            }
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static long clickstreamRecords(KafkaBroker broker) throws Exception {
        try (Admin admin = broker.admin()) {
            var partitions = admin.describeTopics(List.of(Topics.CLICKSTREAM)).allTopicNames().get().get(Topics.CLICKSTREAM)
                    .partitions();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            partitions.forEach(p -> latest.put(new TopicPartition(Topics.CLICKSTREAM, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }
}
