package dev.leadflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadflow.api.SellerApi;
import dev.leadflow.api.SellerApiConfig;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.collector.Collector;
import dev.leadflow.collector.CollectorConfig;
import dev.leadflow.embedded.kafka.KafkaBroker;
import dev.leadflow.embedded.redis.RedisServer;
import dev.leadflow.job.JobSettings;
import dev.leadflow.job.LeadFlowJob;
import dev.leadflow.job.LeadFlowPipeline;
import dev.leadflow.outcomes.HandoffOutcomesJob;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every panel of the three dashboards returns data from the real thing (the outcomes job runs beside the
 * scoring job, and a reject, a won and a lost deal follow the handoffs): the scoring job runs in a local
 * Flink cluster with Flink's Prometheus reporter (as in the images), against a real Kafka broker and
 * redis-server; the seller API runs beside it; hand-raisers flow through the job into the queues,
 * a seller claims and accepts, a lease runs out; Debian's `prometheus` scrapes both, and each
 * panel's PromQL, run through Prometheus's HTTP API, returns at least one series. Nothing is
 * installed here: `prometheus` must be on PATH (.ci/run installs it).
 */
class PrometheusDashboardsIT {

    static final String REGISTRY = "mock://prometheus-dashboards-it";
    static final String SELLER_TOKEN = "demo-seller-token";
    static final String PROMETHEUS_TOKEN = "demo-prometheus-token";
    static final String WRITE_KEY = "wk-dashboards-it";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void everyPanelQueryReturnsASeries() throws Exception {
        Path work = Files.createDirectories(Path.of("target/prometheus-it"));
        try (KafkaBroker kafka = KafkaBroker.start(); RedisServer redis = RedisServer.start()) {
            kafka.createTopics(2, Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES, Topics.HANDOFFS, Topics.DLQ,
                    Topics.HANDOFF_OUTCOMES);

            // the job, with the reporter configuration of docker/compose.yaml and the chart
            int flinkMetricsPort = freePort();
            JobSettings settings = JobSettings.fromArgs(new String[] {
                "--bootstrap-servers", kafka.bootstrapServers(), "--registry-url", REGISTRY,
                "--redis-uri", redis.uri(), "--checkpoint-interval", "1s", "--parallelism", "1",
                "--checkpoint-dir", work.resolve("checkpoints").toUri().toString()}, Map.of());
            Configuration conf = LeadFlowJob.flinkConfig(settings);
            conf.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", String.valueOf(flinkMetricsPort));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            LeadFlowJob.configure(env, settings);
            LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(settings), LeadFlowJob.kafkaOutputs(settings),
                    ScoringModel.load(null), settings);
            JobClient job = env.executeAsync(LeadFlowJob.JOB_NAME);
            // the outcomes job beside it, in a local cluster of its own with its own reporter port
            int outcomesMetricsPort = freePort();
            HandoffOutcomesJob.Settings outcomes = HandoffOutcomesJob.Settings.fromArgs(new String[] {
                "--bootstrap-servers", kafka.bootstrapServers(), "--registry-url", REGISTRY, "--checkpoint-interval", "1s",
                "--parallelism", "1", "--checkpoint-dir", work.resolve("outcomes-checkpoints").toUri().toString()}, Map.of());
            Configuration outcomesConf = LeadFlowJob.flinkConfig(outcomes.job());
            outcomesConf.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            outcomesConf.setString("metrics.reporter.prom.port", String.valueOf(outcomesMetricsPort));
            StreamExecutionEnvironment outcomesEnv = StreamExecutionEnvironment.createLocalEnvironment(1, outcomesConf);
            LeadFlowJob.configure(outcomesEnv, outcomes.job());
            HandoffOutcomesJob.defineWorkflow(outcomesEnv, HandoffOutcomesJob.source(outcomes.job()),
                    HandoffOutcomesJob.sink(outcomes.job()), outcomes);
            JobClient outcomesJob = outcomesEnv.executeAsync(HandoffOutcomesJob.JOB_NAME);

            Map<String, String> apiEnv = new HashMap<>();
            apiEnv.put("LEADFLOW_API_PORT", "0");
            apiEnv.put("LEADFLOW_API_REDIS_URI", redis.uri());
            apiEnv.put("LEADFLOW_API_USERS_FILE", Repo.DOCKER.resolve("seller-api/users.yaml").toString());
            apiEnv.put("LEADFLOW_API_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            apiEnv.put("LEADFLOW_API_REGISTRY_URL", REGISTRY);
            apiEnv.put("LEADFLOW_API_LEASE_DURATION", "2s");
            apiEnv.put("LEADFLOW_API_RECLAIM_INTERVAL", "1s");
            // speed to lead: a 1 s target in enterprise-na, so leads that wait breach, are escalated and notified
            com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            hook.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            hook.start();
            apiEnv.put("LEADFLOW_API_QUEUES_FILE", Files.writeString(work.resolve("queues.yaml"), """
                    enterprise-na:
                      targets: [{kind: any, target: 1s}]
                      escalation: [{after: 0s, notify: true}]
                      webhook: {url: "http://127.0.0.1:%d/", secret: "dashboards-it-webhook-secret"}
                    """.formatted(hook.getAddress().getPort())).toString());
            apiEnv.put("LEADFLOW_API_ESCALATION_INTERVAL", "200ms");
            // the collector, with one write key
            Path keys = work.resolve("collector-keys.yaml");
            Files.writeString(keys, "keys:\n  - {name: website, kind: tracking, sha256: " + Collector.hashKey(WRITE_KEY) + "}\n");
            Process prometheus = null;
            try (SellerApi api = SellerApi.start(SellerApiConfig.load(null, apiEnv));
                    Collector collector = Collector.start(CollectorConfig.defaults(keys).withPort(0)
                            .withKafka(kafka.bootstrapServers(), Map.of()).withRegistry(REGISTRY))) {
                int promPort = freePort();
                prometheus = startPrometheus(work, promPort, flinkMetricsPort, outcomesMetricsPort, api.port(), collector.port());

                // traffic: hand-raisers at large US companies go straight to enterprise-na
                AvroWireSerializer<ClickEvent> clicks = new AvroWireSerializer<>(RegistryConfig.of(REGISTRY),
                        Topics.valueSubject(Topics.CLICKSTREAM), ClickEvent.getClassSchema());
                List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
                Instant now = Instant.now();
                for (int i = 0; i < 6; i++) {
                    String lead = "lead-it-" + i;
                    records.add(record(lead, clicks.serialize(click(lead, ClickType.IDENTIFY, "identify", now.minusSeconds(60), traits(i)))));
                    records.add(record(lead, clicks.serialize(click(lead, ClickType.TRACK, "demo_requested", now.minusSeconds(30), Map.of()))));
                }
                records.add(new ProducerRecord<>(Topics.CLICKSTREAM, "garbage".getBytes(StandardCharsets.UTF_8),
                        "not avro".getBytes(StandardCharsets.UTF_8))); // one for the dead-letter panel
                kafka.send(records);

                // a visitor's page views and a hand-raise through the collector, and one request with a wrong key
                String collectorUrl = "http://127.0.0.1:" + collector.port();
                String visit = "{\"batch\":["
                        + "{\"type\":\"page\",\"name\":\"pricing\",\"anonymousId\":\"anon-it\",\"messageId\":\"it-1\"},"
                        + "{\"type\":\"track\",\"event\":\"Demo Requested\",\"anonymousId\":\"anon-it\",\"messageId\":\"it-2\"}]}";
                assertThat(postCollector(collectorUrl, WRITE_KEY, visit)).as("the collector accepts the batch").isEqualTo(200);
                assertThat(postCollector(collectorUrl, "not-a-key", visit)).as("a wrong write key").isEqualTo(401);

                // a seller claims and accepts one lead, claims another and lets its lease run out
                String base = "http://127.0.0.1:" + api.port();
                JsonNode first = waitForClaim(base, "enterprise-na", Duration.ofSeconds(120));
                post(base + "/api/v1/leads/" + first.path("lead").path("leadId").asText() + "/accept",
                        "{\"leaseToken\":\"" + first.path("leaseToken").asText() + "\"}");
                waitForClaim(base, "enterprise-na", Duration.ofSeconds(30)); // never settled: expires after 2 s
                // what sales did next, for the marketing-and-sales panels: a reject, a call, a won and a lost deal
                AvroWireSerializer<SalesActivity> sales = new AvroWireSerializer<>(RegistryConfig.of(REGISTRY),
                        Topics.valueSubject(Topics.SALES), SalesActivity.getClassSchema());
                Instant later = Instant.now();
                kafka.send(List.of(
                        salesRecord(sales, "lead-it-3", SalesActivityType.HANDOFF_REJECTED, "no-budget", later),
                        salesRecord(sales, "lead-it-4", SalesActivityType.CALL, null, later),
                        salesRecord(sales, "lead-it-4", SalesActivityType.OPPORTUNITY_OPENED, null, later),
                        // a deal won with no handoff at all: counted among all deals, not as sourced
                        salesRecord(sales, "lead-it-direct", SalesActivityType.CLOSED_WON, null, later),
                        salesRecord(sales, "lead-it-4", SalesActivityType.CLOSED_WON, null, later.plusSeconds(1)),
                        salesRecord(sales, "lead-it-5", SalesActivityType.OPPORTUNITY_OPENED, null, later),
                        salesRecord(sales, "lead-it-5", SalesActivityType.CLOSED_LOST, null, later.plusSeconds(1))));
                get(base + "/api/v1/queues", SELLER_TOKEN);

                // every panel's query, through Prometheus's HTTP API, until it returns a series
                Map<String, String> missing = new LinkedHashMap<>();
                DashboardsTest.panels().forEach((panel, p) -> DashboardsTest.exprs(p).forEach(e -> missing.put(e, panel)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                while (!missing.isEmpty() && System.nanoTime() < deadline) {
                    missing.keySet().removeIf(expr -> seriesCount(promPort, expr) > 0);
                    if (!missing.isEmpty()) {
                        Thread.sleep(2_000);
                    }
                }
                assertThat(missing).as("panel queries that returned no series (query -> panel)").isEmpty();
            } finally {
                if (prometheus != null) {
                    prometheus.destroy();
                    prometheus.waitFor(20, TimeUnit.SECONDS);
                }
                job.cancel().get(60, TimeUnit.SECONDS);
                hook.stop(0);
            }
        }
    }

    /** POSTs a Segment batch with the write key as Basic user; the status. */
    private static int postCollector(String base, String writeKey, String body) throws Exception {
        String auth = Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/batch")).header("Authorization", "Basic " + auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Process startPrometheus(Path work, int port, int flinkPort, int outcomesPort, int apiPort, int collectorPort)
            throws Exception {
        Path token = work.resolve("seller-api.token");
        Files.writeString(token, PROMETHEUS_TOKEN);
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: flink",
                "    static_configs:",
                "      - targets: [\"127.0.0.1:" + flinkPort + "\", \"127.0.0.1:" + outcomesPort + "\"]",
                "  - job_name: seller-api",
                "    metrics_path: /metrics",
                "    authorization:",
                "      type: Bearer",
                "      credentials_file: " + token.toAbsolutePath(),
                "    static_configs:",
                "      - targets: [\"127.0.0.1:" + apiPort + "\"]",
                "  - job_name: collector",
                "    metrics_path: /metrics",
                "    static_configs:",
                "      - targets: [\"127.0.0.1:" + collectorPort + "\"]",
                ""));
        Path data = work.resolve("data");
        deleteTree(data);
        Process p;
        try {
            p = new ProcessBuilder("prometheus", "--config.file=" + config.toAbsolutePath(),
                    "--storage.tsdb.path=" + data.toAbsolutePath(), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("prometheus is not on PATH: `apt-get install prometheus` (.ci/run does it)", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("prometheus exited; see %s", work.resolve("prometheus.log")).isTrue();
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(250);
        }
        p.destroy();
        throw new AssertionError("prometheus did not become ready");
    }

    private static int seriesCount(int promPort, String expr) {
        try {
            String url = "http://127.0.0.1:" + promPort + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8);
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = Repo.JSON.readTree(r.body());
            assertThat(body.path("status").asText()).as("query %s: %s", expr, r.body()).isEqualTo("success");
            return body.path("data").path("result").size();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static JsonNode waitForClaim(String base, String queue, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/queues/" + queue + "/claim"))
                    .header("Authorization", "Bearer " + SELLER_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return Repo.JSON.readTree(r.body());
            }
            assertThat(r.statusCode()).as("claim: %s", r.body()).isEqualTo(204);
            Thread.sleep(500);
        }
        throw new AssertionError("no lead reached queue " + queue + " within " + timeout);
    }

    private static void post(String url, String json) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + SELLER_TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST %s: %s", url, r.body()).isEqualTo(200);
    }

    private static void get(String url, String token) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
    }

    private static ProducerRecord<byte[], byte[]> salesRecord(AvroWireSerializer<SalesActivity> ser, String lead,
            SalesActivityType type, String reason, Instant at) {
        SalesActivity a = SalesActivity.newBuilder().setEventId(lead + "-" + type).setOccurredAt(at).setLeadId(lead)
                .setAccountDomain(null).setSellerId("s42").setType(type).setReason(reason).build();
        return new ProducerRecord<>(Topics.SALES, null, at.toEpochMilli(), lead.getBytes(StandardCharsets.UTF_8), ser.serialize(a));
    }

    private static ProducerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>(Topics.CLICKSTREAM, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static ClickEvent click(String lead, ClickType type, String name, Instant at, Map<String, String> traits) {
        return ClickEvent.newBuilder().setEventId(lead + "-" + name).setOccurredAt(at).setAnonymousId("anon-" + lead)
                .setLeadId(lead).setType(type).setName(name).setUrl("https://www.example.com/" + name)
                .setProperties(new HashMap<>()).setTraits(new HashMap<>(traits)).build();
    }

    private static Map<String, String> traits(int i) {
        Map<String, String> t = new HashMap<>();
        t.put("email", "buyer" + i + "@acme" + i + ".com");
        t.put("first_name", "Buyer");
        t.put("last_name", "No" + i);
        t.put("title", "VP Marketing");
        t.put("company", "Acme " + i);
        t.put("company_domain", "acme" + i + ".com");
        t.put("company_size", "5000");
        t.put("industry", "software");
        t.put("country", "US");
        return t;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

}
