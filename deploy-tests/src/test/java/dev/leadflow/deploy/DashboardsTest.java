package dev.leadflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadflow.job.JobMetrics;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboards (helm/leadflow/dashboards, the one copy that compose and the chart both
 * use): every panel has a title, a unit and PromQL that parses (promtool) and queries metrics that
 * exist — LeadFlow's own are checked against the code that registers them (JobMetrics, the seller
 * API's ApiMetrics), and every metric is in the "Operate" tables of docs/operations.md. That every query returns
 * a series from a running job and API is PrometheusDashboardsIT.
 */
class DashboardsTest {

    static final Pattern METRIC = Pattern.compile("\\b((?:flink|leadflow)_[A-Za-z0-9_]+)");
    static final Pattern JOB_METRIC = Pattern.compile("flink_taskmanager_job_task_operator_(?:[a-z]+_)*?(leadflow_[a-z0-9_]+)");
    static final Set<String> GRAFANA_UNITS = Set.of("short", "none", "percent", "percentunit", "ms", "s", "µs", "ns",
            "cps", "cpm", "ops", "opm", "reqps", "rps", "wps", "bytes", "decbytes", "dtdurationms", "dtdurations");

    @TempDir
    Path tmp;

    /** Every panel of both dashboards, with the dashboard's title. */
    static Map<String, JsonNode> panels() {
        Map<String, JsonNode> panels = new LinkedHashMap<>();
        for (Path f : dashboardFiles()) {
            JsonNode d = Repo.json(f);
            for (JsonNode p : d.path("panels")) {
                if (p.path("type").asText().equals("row")) {
                    p.path("panels").forEach(inner -> panels.put(d.path("title").asText() + " / " + inner.path("title").asText(), inner));
                } else {
                    panels.put(d.path("title").asText() + " / " + p.path("title").asText(), p);
                }
            }
        }
        return panels;
    }

    static List<Path> dashboardFiles() {
        try (Stream<Path> s = Files.list(Repo.DASHBOARDS)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> exprs(JsonNode panel) {
        List<String> out = new ArrayList<>();
        panel.path("targets").forEach(t -> out.add(t.path("expr").asText()));
        return out;
    }

    static Set<String> metrics(String expr) {
        return new TreeSet<>(Repo.groups(METRIC, expr));
    }

    @Test
    void thePipelineQueuesAndMarketingAndSalesDashboards() {
        Set<String> titles = new TreeSet<>();
        Set<String> uids = new TreeSet<>();
        for (Path f : dashboardFiles()) {
            JsonNode d = Repo.json(f);
            titles.add(d.path("title").asText());
            uids.add(d.path("uid").asText());
            // one Prometheus data source variable, so the same JSON works in compose and behind the sidecar
            assertThat(d.path("templating").path("list").get(0).path("type").asText()).isEqualTo("datasource");
        }
        assertThat(titles).containsExactlyInAnyOrder("LeadFlow pipeline", "LeadFlow queues and sellers",
                "LeadFlow marketing and sales");
        assertThat(uids).hasSize(3).allMatch(u -> !u.isBlank() && u.length() <= 40);
    }

    @Test
    void everyPanelHasATitleAUnitAndAQueryOfAKnownMetric() {
        Set<String> documented = documentedMetrics();
        Set<String> jobMetrics = jobMetricNames();
        Set<String> apiMetrics = apiMetricNames();
        Set<String> collectorMetrics = collectorMetricNames();
        panels().forEach((name, p) -> {
            assertThat(p.path("title").asText()).as("title of %s", name).isNotBlank();
            String unit = p.path("fieldConfig").path("defaults").path("unit").asText();
            assertThat(unit).as("unit of %s", name).isIn(GRAFANA_UNITS);
            assertThat(p.path("datasource").path("uid").asText()).as("data source of %s", name).isEqualTo("${datasource}");
            List<String> exprs = exprs(p);
            assertThat(exprs).as("queries of %s", name).isNotEmpty().allMatch(e -> !e.isBlank());
            for (String expr : exprs) {
                Set<String> ms = metrics(expr);
                assertThat(ms).as("metrics in %s: %s", name, expr).isNotEmpty();
                assertThat(expr).as("%s uses no Grafana variable, so Prometheus can run it as is", name).doesNotContain("$");
                for (String m : ms) {
                    assertThat(documented).as("%s (panel %s) is in the metric tables of docs/operations.md (Operate)", m, name).contains(baseName(m));
                    Matcher job = JOB_METRIC.matcher(m);
                    if (job.matches()) {
                        assertThat(jobMetrics).as("%s is one of JobMetrics", job.group(1)).contains(job.group(1));
                    } else if (m.startsWith("leadflow_api_")) {
                        assertThat(apiMetrics).as("%s is registered by the seller API", baseName(m)).contains(baseName(m));
                    } else if (m.startsWith("leadflow_collector_")) {
                        assertThat(collectorMetrics).as("%s is registered by the collector", baseName(m)).contains(baseName(m));
                    }
                }
            }
        });
    }

    @Test
    void thePanelsTheIssueAsksFor() {
        String pipeline = allExprs("LeadFlow pipeline");
        String queues = allExprs("LeadFlow queues and sellers");
        assertThat(pipeline)
                .containsPattern("sum by \\(stream\\) \\(rate\\([a-z_]*leadflow_events_in")
                .containsPattern("sum by \\(stream\\) \\(rate\\([a-z_]*leadflow_dlq_records")
                .containsPattern("sum by \\(action\\) \\(rate\\([a-z_]*leadflow_handoff_actions\\[[0-9a-z]+\\]\\)\\) \\* 60")
                .contains("leadflow_event_to_queue_latency_ms{quantile=\"0.5\"}", "leadflow_event_to_queue_latency_ms{quantile=\"0.99\"}")
                .contains("flink_taskmanager_job_task_operator_pendingRecords")
                .contains("flink_jobmanager_job_lastCheckpointDuration", "flink_jobmanager_job_numberOfFailedCheckpoints")
                .contains("flink_taskmanager_job_task_backPressuredTimeMsPerSecond")
                .contains("flink_jobmanager_job_numRestarts")
                .containsPattern("sum by \\(result\\) \\(rate\\([a-z_]*leadflow_queue_apply_results\\[[0-9a-z]+\\]\\)\\)")
                .containsPattern("sum by \\(queue\\) \\(increase\\([a-z_]*leadflow_queue_stale_open\\[");
        assertThat(queues)
                .contains("leadflow_api_queue_depth", "leadflow_api_queue_oldest_wait_seconds", "leadflow_api_claims_total",
                        "leadflow_api_outcomes_total", "leadflow_api_time_to_claim_seconds_bucket", "leadflow_api_lease_expiries_total")
                // speed to lead: time to claim against target, breaches per queue, webhook deliveries
                .containsPattern("leadflow_api_sla_time_to_claim_ratio_bucket\\{le=\"1.0\"\\}\\[1h\\]\\)\\) / sum by \\(queue\\)")
                .containsPattern("sum by \\(queue, kind\\) \\(increase\\(leadflow_api_sla_breaches_total\\[")
                .contains("leadflow_api_webhook_deliveries_total");
    }

    @Test
    void everyQueryAndAlertIsValidPromQL() throws Exception {
        // promtool checks rule files offline; each panel query becomes a recording rule
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        int i = 0;
        for (JsonNode p : panels().values()) {
            for (String expr : exprs(p)) {
                rules.append("      - record: leadflow:panel_").append(i++).append('\n')
                        .append("        expr: ").append(Repo.JSON.writeValueAsString(expr)).append('\n');
            }
        }
        Path file = tmp.resolve("panels.yaml");
        Files.writeString(file, rules, StandardCharsets.UTF_8);
        promtool("check", "rules", file.toString());
        promtool("check", "rules", Repo.CHART.resolve("alerts/leadflow-alerts.yaml").toString());
        // and the compose stack's Prometheus config (its rule_files glob points into the container)
        JsonNode prom = Repo.yamlDocuments(Repo.read(Repo.DOCKER.resolve("prometheus/prometheus.yml"))).get(0);
        assertThat(prom.path("rule_files").get(0).asText()).isEqualTo("/etc/prometheus/rules/*.yaml");
    }

    @Test
    void everyAlertQueriesKnownMetrics() {
        Set<String> documented = documentedMetrics();
        JsonNode rules = Repo.yamlDocuments(Repo.read(Repo.CHART.resolve("alerts/leadflow-alerts.yaml"))).get(0);
        for (JsonNode g : rules.path("groups")) {
            for (JsonNode r : g.path("rules")) {
                String expr = r.path("expr").asText();
                assertThat(metrics(expr)).as("metrics of alert %s", r.path("alert").asText()).isNotEmpty();
                metrics(expr).forEach(m -> assertThat(documented).as("%s of alert %s is documented", m, r.path("alert").asText())
                        .contains(baseName(m)));
                assertThat(r.path("annotations").path("summary").asText()).isNotBlank();
            }
        }
    }

    @Test
    void responseTargetBreachesAndDroppedWebhooksAlertPerQueue() {
        JsonNode rules = Repo.yamlDocuments(Repo.read(Repo.CHART.resolve("alerts/leadflow-alerts.yaml"))).get(0);
        java.util.Map<String, String> exprs = new java.util.TreeMap<>();
        for (JsonNode g : rules.path("groups")) {
            for (JsonNode r : g.path("rules")) {
                exprs.put(r.path("alert").asText(), r.path("expr").asText());
            }
        }
        assertThat(exprs.get("LeadFlowResponseTargetsBreached")).as("breach alert")
                .containsPattern("sum by \\(queue\\) \\(increase\\(leadflow_api_sla_breaches_total\\[");
        assertThat(exprs.get("LeadFlowResponseTargetsMostlyMissed")).as("time to claim against target")
                .contains("leadflow_api_sla_time_to_claim_ratio_bucket{le=\"1.0\"}", "leadflow_api_sla_time_to_claim_ratio_count");
        assertThat(exprs.get("LeadFlowWebhookFailing")).contains("leadflow_api_webhook_deliveries_total{result=\"dropped\"}");
    }

    @Test
    void theMissingLeadsAlertNeedsARecurringConditionNotOneBurst() {
        // a restore replays ENQUEUEs whose WITHDRAW was applied before the failure: one burst, then nothing
        JsonNode rules = Repo.yamlDocuments(Repo.read(Repo.CHART.resolve("alerts/leadflow-alerts.yaml"))).get(0);
        JsonNode alert = null;
        for (JsonNode g : rules.path("groups")) {
            for (JsonNode r : g.path("rules")) {
                if (r.path("alert").asText().equals("LeadFlowQueueLeadsMissing")) {
                    alert = r;
                }
            }
        }
        assertThat(alert).as("alert LeadFlowQueueLeadsMissing").isNotNull();
        String expr = alert.path("expr").asText();
        assertThat(expr).contains("leadflow_queue_stale_open").contains("by (queue)");
        Matcher window = Pattern.compile("increase\\([a-z_]+\\[(\\d+)m]\\)").matcher(expr);
        assertThat(window.find()).as("an increase() over minutes: %s", expr).isTrue();
        Matcher forMinutes = Pattern.compile("(\\d+)m").matcher(alert.path("for").asText());
        assertThat(forMinutes.matches()).as("for: in minutes").isTrue();
        assertThat(Integer.parseInt(forMinutes.group(1))).as("one burst stays in the window for less than the for: time")
                .isGreaterThan(Integer.parseInt(window.group(1)));
        assertThat(alert.path("annotations").path("description").asText()).contains("leadflow rebuild-queue");
    }

    // ---------------------------------------------------------------- sources of truth

    static String allExprs(String dashboardTitle) {
        StringBuilder sb = new StringBuilder();
        panels().forEach((name, p) -> {
            if (name.startsWith(dashboardTitle + " / ")) {
                exprs(p).forEach(e -> sb.append(e).append('\n'));
            }
        });
        return sb.toString();
    }

    /** A Prometheus series name without the suffixes a histogram/summary adds. */
    static String baseName(String metric) {
        return metric.replaceAll("_(bucket|count|sum)$", "");
    }

    /** Every metric name in backticks in the "Operate" section of docs/operations.md. */
    static Set<String> documentedMetrics() {
        String readme = Repo.read(Repo.ROOT.resolve("docs/operations.md"));
        int start = readme.indexOf("\n## Operate");
        assertThat(start).as("docs/operations.md has an \"## Operate\" section").isPositive();
        int end = readme.indexOf("\n## ", start + 1);
        String section = end < 0 ? readme.substring(start) : readme.substring(start, end);
        Set<String> names = new TreeSet<>(Repo.groups(Pattern.compile("`((?:flink|leadflow)_[A-Za-z0-9_]+)"), section));
        return names;
    }

    static Set<String> jobMetricNames() {
        Set<String> names = new TreeSet<>();
        for (Field f : JobMetrics.class.getFields()) {
            try {
                names.add((String) f.get(null));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return names;
    }

    /** Names the seller API registers with the Prometheus client (builder().name("...")). */
    static Set<String> apiMetricNames() {
        Set<String> names = new TreeSet<>();
        for (Path src : Repo.mainSources("seller-api")) {
            names.addAll(Repo.groups(Pattern.compile("\\.name\\(\"(leadflow_api_[a-z0-9_]+)\"\\)"), Repo.read(src)));
        }
        assertThat(names).as("metric names registered in seller-api/src/main").isNotEmpty();
        return names;
    }

    static Set<String> collectorMetricNames() {
        Set<String> names = new TreeSet<>();
        for (Path src : Repo.mainSources("collector")) {
            names.addAll(Repo.groups(Pattern.compile("\\.name\\(\"(leadflow_collector_[a-z0-9_]+)\"\\)"), Repo.read(src)));
        }
        assertThat(names).as("metric names registered in collector/src/main").isNotEmpty();
        return names;
    }

    private static void promtool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("promtool is not installed: `apt-get install prometheus` (.ci/run does it). " + e.getMessage());
            return;
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("%s:%n%s", cmd, out).isZero();
    }
}
