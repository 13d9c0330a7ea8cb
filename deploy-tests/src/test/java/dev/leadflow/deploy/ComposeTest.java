package dev.leadflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadflow.job.JobSettings;
import dev.leadflow.outcomes.HandoffOutcomesJob;
import dev.leadflow.schemas.Topics;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.time.Duration;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/compose.yaml against the applications it runs: every environment variable, flag and port
 * the file sets is one the scoring job (JobSettings), the outcomes job (HandoffOutcomesJob), the seller API (SellerApiConfig), the generator
 * (`leadflow generate`) and Flink (its ConfigOptions) really read; the services find each other
 * on the host names and ports they listen on; Prometheus scrapes the ports the metrics are served on.
 * There is no Docker engine here: `docker-compose config -q` validates the file itself.
 */
class ComposeTest {

    static final Path COMPOSE = Repo.DOCKER.resolve("compose.yaml");
    /** Options of Flink's standalone-job entrypoint, given before the job's own arguments. */
    static final Set<String> FLINK_ENTRYPOINT_OPTIONS = Set.of("--job-classname", "--job-id", "--fromSavepoint",
            "--allowNonRestoredState", "--jars", "-D");
    /** Each Flink cluster of the file: its JobManager service and its TaskManager service. */
    static final Map<String, String> FLINK_CLUSTERS = Map.of("jobmanager", "taskmanager",
            "outcomes-jobmanager", "outcomes-taskmanager");

    @TempDir
    Path tmp;

    @Test
    void dockerComposeValidatesTheFile() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config", "-q")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("docker-compose is not installed: `apt-get install docker-compose` (.ci/run does it). " + e.getMessage());
            return;
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("docker-compose config finished").isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("docker-compose config -q: %s", output).isZero();
    }

    @Test
    void theJobReadsEveryVariableAndFlagTheFileSets() {
        Map<String, Object> jm = service("jobmanager");
        Map<String, String> env = environment(jm);
        assertThat(JobOptions.unknownVariables(env)).as("LEADFLOW_* variables JobSettings does not read").isEmpty();
        JobSettings s = JobOptions.settings(standaloneJobArguments(jm, dev.leadflow.job.LeadFlowJob.class), env, tmp);

        // the job reaches the servers on the names and ports they listen on
        assertReachesKafkaAndTheRegistry(s);
        assertThat(URI.create(s.redisUri).getHost()).isEqualTo("redis");
        assertThat(URI.create(s.redisUri).getPort()).isEqualTo(6379);

        // checkpoints land on a volume shared by JobManager and TaskManager
        String dir = URI.create(s.checkpointDir).getPath();
        assertThat(s.checkpointDir).startsWith("file:///");
        for (String svc : List.of("jobmanager", "taskmanager")) {
            assertThat(volumeTargets(service(svc))).as("volumes of %s", svc).containsKey(dir);
        }
        assertThat(volumeTargets(service("jobmanager")).get(dir)).isEqualTo(volumeTargets(service("taskmanager")).get(dir));
        assertThat(environment(service("taskmanager")).keySet()).noneMatch(k -> k.startsWith(JobOptions.ENV_PREFIX));
    }

    /** The outcomes job: a Flink cluster of its own next to the scoring job's, reading what the file sets. */
    @Test
    void theOutcomesJobReadsEveryVariableAndFlagTheFileSets() {
        Map<String, Object> jm = service("outcomes-jobmanager");
        Map<String, String> env = environment(jm);
        assertThat(JobOptions.unknownOutcomesVariables(env)).as("LEADFLOW_* variables the outcomes job does not read").isEmpty();
        assertThat(jm.get("image")).isEqualTo(service("jobmanager").get("image"));
        HandoffOutcomesJob.Settings settings = JobOptions.outcomesSettings(standaloneJobArguments(jm, HandoffOutcomesJob.class), env, tmp);
        JobSettings s = settings.job();
        assertThat(settings.outcomeWindow()).isEqualTo(Duration.ofDays(90));
        assertThat(s.groupId).as("a consumer group of its own").isEqualTo(HandoffOutcomesJob.DEFAULT_GROUP_ID)
                .isNotEqualTo(JobOptions.settings(jobArguments(strings(service("jobmanager").get("command"))),
                        environment(service("jobmanager")), tmp).groupId);
        assertReachesKafkaAndTheRegistry(s);
        assertThat(env.keySet()).as("the outcomes job needs no Redis").noneMatch(k -> k.contains("REDIS"));
        assertThat(s.parallelism).isLessThanOrEqualTo(
                Integer.parseInt(flinkProperties("outcomes-taskmanager").get("taskmanager.numberOfTaskSlots")));

        // its checkpoints: a volume shared by its JobManager and TaskManager, not the scoring job's (a
        // standalone-job cluster always runs its job under the same id)
        String dir = URI.create(s.checkpointDir).getPath();
        assertThat(volumeTargets(service("outcomes-jobmanager")).get(dir)).isNotNull()
                .isEqualTo(volumeTargets(service("outcomes-taskmanager")).get(dir))
                .isNotEqualTo(volumeTargets(service("jobmanager")).get(dir));
        assertThat(environment(service("outcomes-taskmanager")).keySet()).noneMatch(k -> k.startsWith(JobOptions.ENV_PREFIX));
        assertThat(dependsOn(service("outcomes-taskmanager"))).containsKey("outcomes-jobmanager");
        assertThat(healthcheck(jm)).contains("\"state\":\"RUNNING\"");
    }

    @Test
    void flinkPropertiesAreOptionsFlinkKnows() {
        FLINK_CLUSTERS.forEach((jobManager, taskManager) -> {
            for (String svc : List.of(jobManager, taskManager)) {
                Map<String, String> props = flinkProperties(svc);
                for (String key : props.keySet()) {
                    assertThat(FlinkOptions.known(key)).as("%s sets unknown Flink option %s", svc, key).isTrue();
                    assertThat(FlinkOptions.deprecated(key)).as("%s sets deprecated Flink key %s", svc, key).isFalse();
                }
                assertThat(props).containsEntry("metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
                assertThat(props.get("jobmanager.rpc.address")).as("%s finds its JobManager", svc).isEqualTo(jobManager);
                assertThat(service(jobManager).get("hostname")).isEqualTo(jobManager);
                assertThat(scrapeTargets("flink")).contains(svc + ":" + props.get("metrics.reporter.prom.port"));
                for (String dirKey : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir")) {
                    assertThat(volumeTargets(service(svc))).containsKey(URI.create(props.get(dirKey)).getPath());
                }
            }
            assertThat(flinkProperties(jobManager).get("execution.checkpointing.dir"))
                    .isEqualTo(environment(service(jobManager)).get("LEADFLOW_CHECKPOINT_DIR"));
        });
    }

    @Test
    void theGeneratorAcceptsItsFlags() {
        Map<String, Object> gen = service("generator");
        List<String> args = strings(gen.get("command"));
        // the flags GenerateCommand asks Flags for, itself or through KafkaConnection (the Kafka and registry
        // flags it shares with erase and rebuild-queue); it rejects any other (requireAllUsed)
        Set<String> accepted = new TreeSet<>();
        for (String file : List.of("generator/GenerateCommand.java", "ops/KafkaConnection.java")) {
            Path src = Repo.ROOT.resolve("launcher/src/main/java/dev/leadflow/launcher/" + file);
            accepted.addAll(Repo.groups(Pattern.compile("flags\\.\\w+\\(\"([a-z0-9-]+)\""), Repo.read(src)));
        }
        assertThat(accepted).contains("bootstrap-servers", "registry-url", "rate");
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            assertThat(args.get(i)).startsWith("--");
            String name = args.get(i).substring(2);
            assertThat(name.startsWith("kafka.") || accepted.contains(name)).as("generate takes --%s", name).isTrue();
            flags.put(name, i + 1 < args.size() && !args.get(i + 1).startsWith("--") ? args.get(++i) : null);
        }
        assertThat(advertisedListeners()).contains(flags.get("bootstrap-servers"));
        assertThat(URI.create(flags.get("registry-url")).getPort()).isEqualTo(registryPort());
        Double.parseDouble(flags.get("rate"));
        assertThat(Repo.read(Repo.DOCKER.resolve("generator.Dockerfile"))).contains("\"generate\"]");
    }

    @Test
    void topicsAreCreatedBeforeAnyApplicationStarts() throws IllegalAccessException {
        String init = String.join("\n", strings(service("kafka-init").get("command")));
        for (Field f : Topics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                String topic = (String) f.get(null);
                assertThat(init).as("kafka-init creates %s", topic).containsPattern("create " + Pattern.quote(topic) + " \\d");
            }
        }
        assertThat(environment(service("kafka")).get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).isEqualTo("false");
        for (String app : List.of("jobmanager", "outcomes-jobmanager", "seller-api", "generator")) {
            assertThat(dependsOn(service(app))).as("%s waits for topic creation", app)
                    .containsEntry("kafka-init", "service_completed_successfully");
        }
    }

    @Test
    void everyHealthConditionHasAHealthcheck() {
        services().forEach((name, svc) -> dependsOn(svc).forEach((dep, condition) -> {
            assertThat(services()).as("%s depends on a service that exists", name).containsKey(dep);
            if (condition.equals("service_healthy")) {
                assertThat(service(dep)).as("%s waits for %s to be healthy: it needs a healthcheck", name, dep).containsKey("healthcheck");
            }
        }));
        assertThat(String.join(" ", strings(service("redis").get("command")))).contains("--appendonly yes");
        assertThat(volumeTargets(service("redis"))).containsKey("/data");
    }

    /**
     * Redis loads redis/users.acl, and the job and the API log in as its users with the passwords
     * whose SHA-256 the file holds (RedisAccessTest proves what each user may do).
     */
    @Test
    void theJobAndTheApiLogInAsTheAclUsersOfTheShippedFile() throws Exception {
        Map<String, Object> redis = service("redis");
        assertThat(strings(redis.get("command"))).containsSubsequence("--aclfile", "/etc/redis/users.acl");
        Path acl = COMPOSE.getParent().resolve(volumeTargets(redis).get("/etc/redis/users.acl")).normalize();
        assertThat(acl).isEqualTo(Repo.DOCKER.resolve("redis/users.acl").normalize()).isRegularFile();
        Map<String, String> hashes = new java.util.HashMap<>();
        for (String line : Files.readAllLines(acl)) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^user (\\S+) .*#([0-9a-f]{64})").matcher(line);
            if (m.find()) {
                hashes.put(m.group(1), m.group(2));
            }
        }
        Map<String, String> job = environment(service("jobmanager"));
        Map<String, String> api = environment(service("seller-api"));
        assertThat(job.get("LEADFLOW_REDIS_USER")).isEqualTo("leadflow-job");
        assertThat(api.get("LEADFLOW_API_REDIS_USER")).isEqualTo("leadflow-api");
        assertThat(sha256(job.get("LEADFLOW_REDIS_PASSWORD"))).isEqualTo(hashes.get("leadflow-job"));
        assertThat(sha256(api.get("LEADFLOW_API_REDIS_PASSWORD"))).isEqualTo(hashes.get("leadflow-api"));
        assertThat(String.join(" ", strings(((Map<?, ?>) redis.get("healthcheck")).get("test"))))
                .as("anonymous clients may only PING").contains("redis-cli ping");
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everyImageIsBuiltFromADockerfileOfTheRepository() {
        services().forEach((name, svc) -> {
            if (svc.get("build") instanceof Map<?, ?> build) {
                Path context = COMPOSE.getParent().resolve(String.valueOf(build.get("context"))).normalize();
                assertThat(context).isEqualTo(Repo.ROOT);
                assertThat(context.resolve(String.valueOf(build.get("dockerfile")))).as("Dockerfile of %s", name).isRegularFile();
            }
        });
        // the TaskManagers and the outcomes job run the image the JobManager service builds
        for (String svc : List.of("taskmanager", "outcomes-jobmanager", "outcomes-taskmanager")) {
            assertThat(service(svc).get("image")).as("image of %s", svc).isEqualTo(service("jobmanager").get("image"));
        }
        assertThat(String.valueOf(service("kafka").get("image"))).isEqualTo("apache/kafka:4.2.0");
        assertThat(String.valueOf(service("schema-registry").get("image"))).startsWith("confluentinc/cp-schema-registry:");
    }

    @Test
    void prometheusScrapesServicesOfTheFileAndGrafanaGetsTheChartsDashboards() {
        Map<String, Object> prom = service("prometheus");
        Map<String, Path> promMounts = volumeSources(prom);
        assertThat(promMounts.get("/etc/prometheus/prometheus.yml")).isEqualTo(Repo.DOCKER.resolve("prometheus/prometheus.yml"));
        for (String target : allScrapeTargets()) {
            String host = target.substring(0, target.indexOf(':'));
            assertThat(host.equals("localhost") || services().containsKey(host)).as("scrape target %s", target).isTrue();
        }
        Map<String, Path> grafana = volumeSources(service("grafana"));
        JsonNode provider = Repo.yamlDocuments(Repo.read(Repo.DOCKER.resolve("grafana/provisioning/dashboards/leadflow.yaml")))
                .get(0).path("providers").get(0);
        String dashboardsPath = provider.path("options").path("path").asText();
        assertThat(grafana.get(dashboardsPath)).as("Grafana mounts the chart's dashboards at %s", dashboardsPath).isEqualTo(Repo.DASHBOARDS);
        assertThat(grafana.get("/etc/grafana/provisioning")).isEqualTo(Repo.DOCKER.resolve("grafana/provisioning"));
        String home = environment(service("grafana")).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(Repo.DASHBOARDS.resolve(Path.of(dashboardsPath).relativize(Path.of(home)))).isRegularFile();
        JsonNode ds = Repo.yamlDocuments(Repo.read(Repo.DOCKER.resolve("grafana/provisioning/datasources/prometheus.yaml")))
                .get(0).path("datasources").get(0);
        assertThat(URI.create(ds.path("url").asText()).getHost()).isIn(services().keySet());
        assertThat(containerPorts(prom)).contains(URI.create(ds.path("url").asText()).getPort());
    }

    // ---------------------------------------------------------------- the compose model

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) Repo.yamlWithMergeKeys(COMPOSE).get("services");
    }

    static Map<String, Object> service(String name) {
        Map<String, Object> s = services().get(name);
        assertThat(s).as("service %s in compose.yaml", name).isNotNull();
        return s;
    }

    /** The job's arguments of a JobManager service running {@code main} with Flink's standalone-job entrypoint. */
    static String[] standaloneJobArguments(Map<String, Object> jobManager, Class<?> main) {
        List<String> command = strings(jobManager.get("command"));
        assertThat(command.get(0)).isEqualTo("standalone-job");
        assertThat(command).containsSubsequence("--job-classname", main.getName());
        return jobArguments(command);
    }

    /** The job reaches Kafka and the registry on the names and ports they listen on. */
    static void assertReachesKafkaAndTheRegistry(JobSettings s) {
        assertThat(advertisedListeners()).contains(s.bootstrapServers);
        assertThat(URI.create(s.registryUrl).getHost()).isEqualTo("schema-registry");
        assertThat(URI.create(s.registryUrl).getPort()).isEqualTo(registryPort());
    }

    /** The job's own arguments: what follows Flink's entrypoint command and options. */
    static String[] jobArguments(List<String> command) {
        List<String> args = new ArrayList<>();
        for (int i = 1; i < command.size(); i++) {
            String a = command.get(i);
            if (FLINK_ENTRYPOINT_OPTIONS.contains(a)) {
                i++; // its value
            } else {
                args.add(a);
            }
        }
        return args.toArray(String[]::new);
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object e = service.get("environment");
        if (e instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (e instanceof List<?> l) {
            for (Object item : l) {
                String s = String.valueOf(item);
                int eq = s.indexOf('=');
                env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        }
        return env;
    }

    static Map<String, String> flinkProperties(String svc) {
        String text = environment(service(svc)).get("FLINK_PROPERTIES");
        assertThat(text).as("FLINK_PROPERTIES of %s", svc).isNotBlank();
        Map<String, String> props = new LinkedHashMap<>();
        Repo.yamlDocuments(text).get(0).fields().forEachRemaining(f -> props.put(f.getKey(), f.getValue().asText()));
        return props;
    }

    static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        } else if (o != null) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> dependsOn(Map<String, Object> service) {
        Map<String, String> deps = new LinkedHashMap<>();
        Object d = service.get("depends_on");
        if (d instanceof Map<?, ?> m) {
            m.forEach((k, v) -> deps.put(String.valueOf(k), String.valueOf(((Map<String, Object>) v).get("condition"))));
        } else if (d instanceof List<?> l) {
            l.forEach(k -> deps.put(String.valueOf(k), "service_started"));
        }
        return deps;
    }

    /** Container path -> volume name or bind source, of short-syntax volumes. */
    static Map<String, String> volumeTargets(Map<String, Object> service) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : strings(service.get("volumes"))) {
            String[] parts = v.split(":");
            out.put(parts[1], parts[0]);
        }
        return out;
    }

    /** Container path -> host path of bind mounts (relative to the compose file). */
    static Map<String, Path> volumeSources(Map<String, Object> service) {
        Map<String, Path> out = new LinkedHashMap<>();
        volumeTargets(service).forEach((target, source) -> {
            if (source.startsWith(".") || source.startsWith("/")) {
                out.put(target, COMPOSE.getParent().resolve(source).normalize());
            }
        });
        return out;
    }

    static List<Integer> containerPorts(Map<String, Object> service) {
        List<Integer> ports = new ArrayList<>();
        for (String p : strings(service.get("ports"))) {
            String[] parts = p.split(":");
            ports.add(Integer.parseInt(parts[parts.length - 1].replace("/tcp", "")));
        }
        return ports;
    }

    static String healthcheck(Map<String, Object> service) {
        Object hc = service.get("healthcheck");
        assertThat(hc).isInstanceOf(Map.class);
        return String.join(" ", strings(((Map<?, ?>) hc).get("test")));
    }

    /** host:port of every listener Kafka advertises. */
    static List<String> advertisedListeners() {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("[A-Z_]+://([^,]+)").matcher(environment(service("kafka")).get("KAFKA_ADVERTISED_LISTENERS"));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static int registryPort() {
        String listeners = environment(service("schema-registry")).get("SCHEMA_REGISTRY_LISTENERS");
        return URI.create(listeners.split(",")[0]).getPort();
    }

    static List<String> scrapeTargets(String job) {
        JsonNode prom = Repo.yamlDocuments(Repo.read(Repo.DOCKER.resolve("prometheus/prometheus.yml"))).get(0);
        List<String> targets = new ArrayList<>();
        for (JsonNode sc : prom.path("scrape_configs")) {
            if (sc.path("job_name").asText().equals(job)) {
                sc.path("static_configs").forEach(c -> c.path("targets").forEach(t -> targets.add(t.asText())));
            }
        }
        return targets;
    }

    static List<String> allScrapeTargets() {
        JsonNode prom = Repo.yamlDocuments(Repo.read(Repo.DOCKER.resolve("prometheus/prometheus.yml"))).get(0);
        List<String> targets = new ArrayList<>();
        prom.path("scrape_configs").forEach(sc -> sc.path("static_configs")
                .forEach(c -> c.path("targets").forEach(t -> targets.add(t.asText()))));
        return targets;
    }
}
