package dev.leadflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.leadflow.job.JobSettings;
import dev.leadflow.outcomes.HandoffOutcomesJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helm/leadflow through the real helm library (helm-java): lint, template with the default values
 * and with every option on, and what the rendered objects must carry for Kubernetes and the Flink
 * Kubernetes Operator. The operator's CRD for Flink 2 is not on Maven Central, so FlinkDeployment
 * fields are checked structurally against the operator's v1beta1 spec (1.13).
 */
class HelmChartTest {

    static final String RELEASE = "leadflow";
    static final String NAMESPACE = "sales";
    static final Path ALL_ON = Path.of("src/test/resources/helm/all-on-values.yaml");

    static List<JsonNode> defaults;
    static List<JsonNode> allOn;

    @TempDir
    Path tmp;

    @BeforeAll
    static void render() {
        defaults = Repo.yamlDocuments(new Helm(Repo.CHART).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion("1.30.0").call());
        allOn = Repo.yamlDocuments(new Helm(Repo.CHART).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion("1.30.0")
                .withValuesFile(ALL_ON.toAbsolutePath()).call());
    }

    @Test
    void lintPasses() {
        LintResult result = new Helm(Repo.CHART).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void everyRenderedDocumentIsAKubernetesObject() {
        for (List<JsonNode> docs : List.of(defaults, allOn)) {
            assertThat(docs).isNotEmpty();
            for (JsonNode d : docs) {
                assertThat(d.path("apiVersion").asText()).as("apiVersion of %s", d).isNotBlank();
                assertThat(d.path("kind").asText()).as("kind of %s", d).isNotBlank();
                String name = d.path("metadata").path("name").asText();
                assertThat(name).as("metadata.name of %s", d.path("kind"))
                        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
                assertThat(d.path("metadata").path("labels").path("app.kubernetes.io/instance").asText()).isEqualTo(RELEASE);
            }
            List<String> ids = docs.stream().map(d -> d.path("kind").asText() + "/" + d.path("metadata").path("name").asText()).toList();
            assertThat(ids).doesNotHaveDuplicates();
        }
    }

    @Test
    void defaultsRenderTheCoreAndNothingOptional() {
        assertThat(kinds(defaults)).containsExactlyInAnyOrder(
                "FlinkDeployment", "FlinkDeployment", "Deployment", "Service", "PodDisruptionBudget", // scoring and outcomes job
                "ConfigMap", "ConfigMap", "ConfigMap", "NetworkPolicy", "NetworkPolicy", "NetworkPolicy"); // three dashboards
    }

    @Test
    void everyOptionOnRendersEveryKind() {
        assertThat(new TreeSet<>(kinds(allOn))).containsExactlyInAnyOrder(
                "FlinkDeployment", "Deployment", "Service", "Ingress", "HorizontalPodAutoscaler",
                "PodDisruptionBudget", "ServiceMonitor", "PodMonitor", "PrometheusRule", "ConfigMap", "NetworkPolicy");
        // the alerts are the rules file Prometheus loads in docker/compose.yaml
        assertThat(one(allOn, "PrometheusRule").path("spec"))
                .isEqualTo(Repo.yamlDocuments(Repo.read(Repo.CHART.resolve("alerts/leadflow-alerts.yaml"))).get(0));
        // the three dashboards and the model
        assertThat(all(allOn, "ConfigMap")).hasSize(4);
        allOn.forEach(d -> assertThat(d.path("metadata").path("labels").path("team").asText()).isEqualTo("revenue-ops"));
    }

    @Test
    void flinkDeploymentCarriesWhatTheOperatorNeeds() {
        JsonNode fd = scoringJob(defaults);
        assertThat(fd.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        JsonNode spec = fd.path("spec");
        assertThat(spec.path("image").asText()).isEqualTo("leadflow/job:" + appVersion());
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_2");
        assertThat(spec.path("serviceAccount").asText()).isEqualTo("flink");
        assertThat(spec.has("mode")).as("application mode is the default; no session cluster").isFalse();

        JsonNode job = spec.path("job");
        assertThat(job.path("jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/leadflow-flink-jobs-job.jar")
                .isEqualTo("local://" + DockerfilesTest.jobJarPathInImage());
        assertThat(job.path("entryClass").asText()).isEqualTo(dev.leadflow.job.LeadFlowJob.class.getName());
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("state").asText()).isEqualTo("running");
        assertThat(job.path("parallelism").asInt()).isEqualTo(2);

        Map<String, String> conf = flinkConfiguration(fd);
        assertThat(conf).containsEntry("execution.checkpointing.dir", "s3://leadflow/checkpoints")
                .containsEntry("execution.checkpointing.savepoint-dir", "s3://leadflow/savepoints")
                .containsEntry("high-availability.type", "kubernetes")
                .containsEntry("high-availability.storageDir", "s3://leadflow/ha")
                .containsEntry("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", "9249")
                .containsEntry("taskmanager.numberOfTaskSlots", "2")
                .containsEntry("state.backend.type", "rocksdb");
        assertThat(spec.path("jobManager").path("resource").path("memory").asText()).isEqualTo("1600m");
        assertThat(spec.path("taskManager").path("resource").path("cpu").asDouble()).isEqualTo(2.0);

        JsonNode container = flinkContainer(fd);
        assertThat(port(container, "metrics")).isEqualTo(9249);
        assertThat(mountPaths(container)).containsEntry("credentials", "/etc/leadflow/secrets");
        JsonNode secretVolume = volume(fd.path("spec").path("podTemplate").path("spec"), "credentials").path("secret");
        assertThat(secretVolume.path("secretName").asText()).isEqualTo("leadflow-credentials");
        assertThat(secretVolume.path("items").get(0).path("key").asText()).isEqualTo("redis-uri");
        assertThat(env(container)).containsEntry("LEADFLOW_REDIS_URI_FILE", "/etc/leadflow/secrets/redis-uri")
                .containsEntry("LEADFLOW_BOOTSTRAP_SERVERS", "kafka:9092");
        assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        JsonNode podSecurity = spec.path("podTemplate").path("spec").path("securityContext");
        assertThat(podSecurity.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(podSecurity.path("runAsUser").asInt()).isEqualTo(9999);
    }

    @Test
    void flinkDeploymentWithEveryOptionOn() {
        JsonNode fd = scoringJob(allOn);
        JsonNode spec = fd.path("spec");
        assertThat(fd.path("metadata").path("name").asText()).isEqualTo("lf-job");
        assertThat(spec.path("image").asText()).isEqualTo("registry.internal/leadflow/job:1.2.3");
        assertThat(spec.path("imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(spec.path("job").path("upgradeMode").asText()).isEqualTo("last-state");
        assertThat(spec.path("job").path("parallelism").asInt()).isEqualTo(6);
        assertThat(spec.path("job").path("allowNonRestoredState").asBoolean()).isTrue();
        assertThat(spec.path("jobManager").path("replicas").asInt()).isEqualTo(2);
        assertThat(texts(spec.path("job").path("args"))).containsExactly(
                "--model", "/etc/leadflow/model/model.yaml", "--queue-batch-size", "1000", "--idle-after", "1m");

        Map<String, String> conf = flinkConfiguration(fd);
        assertThat(conf).containsEntry("execution.checkpointing.dir", "s3://acme-leadflow/prod/checkpoints")
                .containsEntry("high-availability.storageDir", "s3://acme-leadflow-ha/prod")
                .containsEntry("kubernetes.operator.periodic.savepoint.interval", "6h")
                .containsEntry("restart-strategy.type", "exponential-delay")
                .containsEntry("taskmanager.memory.managed.fraction", "0.5")
                .containsEntry("taskmanager.numberOfTaskSlots", "3");

        JsonNode podSpec = spec.path("podTemplate").path("spec");
        JsonNode container = flinkContainer(fd);
        assertThat(mountPaths(container)).containsEntry("model", "/etc/leadflow/model");
        assertThat(volume(podSpec, "model").path("configMap").path("name").asText()).isEqualTo("lf-model");
        JsonNode model = allOn.stream().filter(d -> d.path("metadata").path("name").asText().equals("lf-model")).findFirst().orElseThrow();
        assertThat(Repo.yamlDocuments(model.path("data").path("model.yaml").asText()).get(0).path("version").asText()).isEqualTo("prod-7");
        assertThat(spec.path("podTemplate").path("metadata").path("annotations").path("checksum/model").asText()).hasSize(64);

        Map<String, String> env = env(container);
        assertThat(env).containsEntry("LEADFLOW_KAFKA_PROP_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("LEADFLOW_KAFKA_PROP_SASL_MECHANISM", "SCRAM-SHA-512")
                .containsEntry("LEADFLOW_REGISTRY_PASSWORD_FILE", "/etc/leadflow/secrets/registry-password")
                .containsEntry("AWS_REGION", "eu-west-1");
        assertThat(secretRef(container, "LEADFLOW_KAFKA_PROP_SASL_JAAS_CONFIG")).isEqualTo("leadflow-prod-credentials/kafka-jaas");
        assertThat(secretRef(container, "LEADFLOW_REGISTRY_USER")).isEqualTo("leadflow-prod-credentials/registry-user");
        JsonNode items = volume(podSpec, "credentials").path("secret").path("items");
        assertThat(StreamSupport.stream(items.spliterator(), false).map(i -> i.path("key").asText() + "->" + i.path("path").asText()))
                .containsExactly("redis->redis-uri", "registry-password->registry-password");
        assertThat(podSpec.path("imagePullSecrets").get(0).path("name").asText()).isEqualTo("registry-pull");
        assertThat(podSpec.path("nodeSelector").path("pool").asText()).isEqualTo("streaming");
        assertThat(podSpec.path("tolerations")).hasSize(1);
        assertThat(podSpec.path("affinity").has("podAntiAffinity")).isTrue();
    }

    @Test
    void flinkDeploymentUsesOnlyFieldsOfTheOperatorsSpec() {
        for (JsonNode fd : concat(all(defaults, "FlinkDeployment"), all(allOn, "FlinkDeployment"))) {
            JsonNode spec = fd.path("spec");
            assertThat(fieldNames(spec)).isSubsetOf(Set.of("image", "imagePullPolicy", "serviceAccount", "flinkVersion",
                    "ingress", "podTemplate", "jobManager", "taskManager", "logConfiguration", "job", "restartNonce",
                    "flinkConfiguration", "mode"));
            assertThat(fieldNames(spec.path("job"))).isSubsetOf(Set.of("jarURI", "parallelism", "entryClass", "args", "state",
                    "savepointTriggerNonce", "initialSavepointPath", "checkpointTriggerNonce", "upgradeMode",
                    "allowNonRestoredState", "savepointRedeployNonce", "autoscalerResetNonce"));
            assertThat(fieldNames(spec.path("jobManager"))).isSubsetOf(Set.of("resource", "replicas", "podTemplate"));
            assertThat(fieldNames(spec.path("taskManager"))).isSubsetOf(Set.of("resource", "replicas", "podTemplate"));
            assertThat(fieldNames(spec.path("jobManager").path("resource"))).isSubsetOf(Set.of("cpu", "memory", "ephemeralStorage"));
            assertThat(fieldNames(spec.path("taskManager").path("resource"))).isSubsetOf(Set.of("cpu", "memory", "ephemeralStorage"));
            assertThat(spec.path("job").path("upgradeMode").asText()).isIn("savepoint", "last-state", "stateless");
            assertThat(spec.path("job").path("state").asText()).isIn("running", "suspended");
            assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_2");
            assertThat(spec.path("job").path("jarURI").asText()).startsWith("local:///");
            assertThat(spec.path("podTemplate").path("spec").path("containers").get(0).path("name").asText())
                    .as("the operator merges only the container named flink-main-container").isEqualTo("flink-main-container");
            // flinkConfiguration is a map of strings (the CRD's additionalProperties: string)
            spec.path("flinkConfiguration").fields().forEachRemaining(e ->
                    assertThat(e.getValue().isTextual()).as("flinkConfiguration %s is a string", e.getKey()).isTrue());
        }
    }

    @Test
    void flinkConfigurationKeysAreOnesFlinkKnows() {
        for (JsonNode fd : concat(all(defaults, "FlinkDeployment"), all(allOn, "FlinkDeployment"))) {
            for (String key : flinkConfiguration(fd).keySet()) {
                if (key.startsWith("kubernetes.operator.")) {
                    continue; // the operator's own settings
                }
                assertThat(FlinkOptions.known(key)).as("Flink 2.2 has no option %s", key).isTrue();
                assertThat(FlinkOptions.deprecated(key)).as("%s is a deprecated key in Flink 2.2", key).isFalse();
            }
        }
    }

    @Test
    void theJobAcceptsItsEnvironmentAndArguments() {
        for (List<JsonNode> docs : List.of(defaults, allOn)) {
            JsonNode fd = scoringJob(docs);
            Map<String, String> env = env(flinkContainer(fd));
            assertThat(JobOptions.unknownVariables(env)).as("LEADFLOW_* variables the job does not read").isEmpty();
            // secretKeyRef variables get a stand-in value; JobSettings must accept the rest as rendered
            for (String name : secretRefNames(flinkContainer(fd))) {
                env.put(name, "stand-in");
            }
            List<String> args = new ArrayList<>(texts(fd.path("spec").path("job").path("args")));
            // the model file only exists in the pod; the option itself must be one the job takes
            int model = args.indexOf("--model");
            if (model >= 0) {
                assertThat(JobOptions.names()).contains("model");
                args.subList(model, model + 2).clear();
            }
            JobSettings s = JobOptions.settings(args.toArray(String[]::new), env, tmp);
            assertThat(s.parallelism).isEqualTo(fd.path("spec").path("job").path("parallelism").asInt());
            assertThat(s.checkpointDir).isEqualTo(flinkConfiguration(fd).get("execution.checkpointing.dir"));
            assertThat(s.redisUri).isEqualTo("redis://:not-a-secret@redis:6379");
        }
        JobSettings prod = JobOptions.settings(new String[0], envWithStandIns(flinkContainer(scoringJob(allOn))), tmp);
        assertThat(prod.kafkaProperties).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(prod.startFrom).isEqualTo(JobSettings.StartFrom.LATEST);
        assertThat(prod.groupId).isEqualTo("leadflow-prod");
    }

    @Test
    void sellerApiDeploymentServiceAndProbes() {
        JsonNode dep = one(defaults, "Deployment");
        assertThat(dep.path("metadata").path("name").asText()).isEqualTo("leadflow-seller-api");
        assertThat(dep.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode pod = dep.path("spec").path("template").path("spec");
        JsonNode c = pod.path("containers").get(0);
        assertThat(c.path("image").asText()).isEqualTo("leadflow/seller-api:" + appVersion());
        assertThat(port(c, "http")).isEqualTo(8080);
        assertThat(env(c)).containsEntry("LEADFLOW_API_PORT", "8080")
                .containsEntry("LEADFLOW_API_USERS_FILE", "/etc/leadflow/secrets/users.yaml")
                .containsEntry("LEADFLOW_API_REDIS_URI_FILE", "/etc/leadflow/secrets/redis-uri")
                .containsEntry("LEADFLOW_API_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                .containsEntry("LEADFLOW_API_REGISTRY_URL", "http://schema-registry:8081");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        assertThat(c.path("resources").path("requests").path("memory").asText()).isNotBlank();
        assertThat(mountPaths(c)).containsEntry("credentials", "/etc/leadflow/secrets").containsEntry("tmp", "/tmp");
        JsonNode secret = volume(pod, "credentials").path("secret");
        assertThat(secret.path("secretName").asText()).isEqualTo("leadflow-credentials");
        assertThat(StreamSupport.stream(secret.path("items").spliterator(), false).map(i -> i.path("key").asText() + "->" + i.path("path").asText()))
                .containsExactly("redis-uri->redis-uri", "users.yaml->users.yaml");
        assertThat(volume(pod, "tmp").has("emptyDir")).isTrue();
        assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();

        JsonNode svc = one(defaults, "Service");
        assertThat(svc.path("spec").path("selector")).isEqualTo(dep.path("spec").path("selector").path("matchLabels"));
        assertThat(dep.path("spec").path("template").path("metadata").path("labels").toString())
                .contains(svc.path("spec").path("selector").path("app.kubernetes.io/component").asText());
        assertThat(svc.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
        JsonNode pdb = one(defaults, "PodDisruptionBudget");
        assertThat(pdb.path("spec").path("selector").path("matchLabels")).isEqualTo(dep.path("spec").path("selector").path("matchLabels"));
    }

    @Test
    void sellerApiWithEveryOptionOn() {
        JsonNode dep = one(allOn, "Deployment");
        assertThat(dep.path("spec").has("replicas")).as("the HPA owns replicas").isFalse();
        JsonNode c = dep.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(c.path("image").asText()).isEqualTo("registry.internal/leadflow/seller-api:1.2.3");
        assertThat(port(c, "http")).isEqualTo(9080);
        assertThat(env(c)).containsEntry("LEADFLOW_API_PORT", "9080").containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=70");
        assertThat(secretRef(c, "LEADFLOW_API_REGISTRY_USER")).isEqualTo("leadflow-prod-credentials/registry-user");
        assertThat(secretRef(c, "LEADFLOW_API_KAFKA_PROP_SASL_JAAS_CONFIG")).isEqualTo("leadflow-prod-credentials/kafka-jaas");
        assertThat(env(c)).containsEntry("LEADFLOW_API_KAFKA_PROP_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("LEADFLOW_API_REGISTRY_PASSWORD_FILE", "/etc/leadflow/secrets/registry-password");
        JsonNode items = volume(dep.path("spec").path("template").path("spec"), "credentials").path("secret").path("items");
        assertThat(StreamSupport.stream(items.spliterator(), false).map(i -> i.path("key").asText() + "->" + i.path("path").asText()))
                .containsExactly("redis-api->redis-uri", "users->users.yaml", "registry-password->registry-password");

        JsonNode ingress = one(allOn, "Ingress");
        assertThat(ingress.path("spec").path("ingressClassName").asText()).isEqualTo("nginx");
        assertThat(ingress.path("spec").path("tls").get(0).path("secretName").asText()).isEqualTo("leads-tls");
        JsonNode backend = ingress.path("spec").path("rules").get(0).path("http").path("paths").get(0).path("backend").path("service");
        assertThat(backend.path("name").asText()).isEqualTo(one(allOn, "Service").path("metadata").path("name").asText());
        JsonNode hpa = one(allOn, "HorizontalPodAutoscaler");
        assertThat(hpa.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
        assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo(dep.path("metadata").path("name").asText());
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isEqualTo(3);
        assertThat(one(allOn, "PodDisruptionBudget").path("spec").path("minAvailable").asInt()).isEqualTo(2);

        JsonNode sm = one(allOn, "ServiceMonitor");
        assertThat(sm.path("metadata").path("labels").path("release").asText()).isEqualTo("prometheus");
        assertThat(sm.path("spec").path("endpoints").get(0).path("path").asText()).isEqualTo("/metrics");
        assertThat(sm.path("spec").path("endpoints").get(0).path("port").asText()).isEqualTo("http");
        // /metrics needs an ops user's token: from the credentials Secret, never from values
        JsonNode auth = sm.path("spec").path("endpoints").get(0).path("authorization");
        assertThat(auth.path("type").asText()).isEqualTo("Bearer");
        assertThat(auth.path("credentials").path("name").asText() + "/" + auth.path("credentials").path("key").asText())
                .isEqualTo("leadflow-prod-credentials/metrics-token");
        // one PodMonitor per FlinkDeployment: the scoring job's and the outcomes job's pods
        List<JsonNode> pms = all(allOn, "PodMonitor");
        assertThat(pms.stream().map(pm -> pm.path("spec").path("selector").path("matchLabels").path("app").asText()))
                .containsExactlyInAnyOrderElementsOf(all(allOn, "FlinkDeployment").stream()
                        .map(fd -> fd.path("metadata").path("name").asText()).toList())
                .containsExactlyInAnyOrder("lf-job", "lf-outcomes");
        for (JsonNode pm : pms) {
            assertThat(pm.path("spec").path("podMetricsEndpoints").get(0).path("port").asText())
                    .as("the Flink container's port name").isEqualTo("metrics");
        }
    }

    @Test
    void networkPoliciesSelectThePodsTheyProtect() {
        for (List<JsonNode> docs : List.of(defaults, allOn)) {
            Map<String, JsonNode> policies = new LinkedHashMap<>();
            all(docs, "NetworkPolicy").forEach(p -> policies.put(p.path("metadata").path("name").asText(), p));
            JsonNode api = policies.values().stream().filter(p -> p.path("metadata").path("name").asText().endsWith("seller-api")).findFirst().orElseThrow();
            assertThat(api.path("spec").path("podSelector").path("matchLabels"))
                    .isEqualTo(one(docs, "Deployment").path("spec").path("selector").path("matchLabels"));
            // the operator labels Flink pods app=<FlinkDeployment name>; a policy for each of them
            List<JsonNode> flink = all(docs, "FlinkDeployment");
            assertThat(flink).hasSize(2);
            for (JsonNode fd : flink) {
                String name = fd.path("metadata").path("name").asText();
                assertThat(policies).as("NetworkPolicy of %s", name).containsKey(name);
                assertThat(policies.get(name).path("spec").path("podSelector").path("matchLabels").path("app").asText()).isEqualTo(name);
            }
        }
    }

    @Test
    void dashboardsAreConfigMapsForGrafanasSidecarWithTheRepositorysJson() throws Exception {
        for (List<JsonNode> docs : List.of(defaults, allOn)) {
            List<JsonNode> dashboards = all(docs, "ConfigMap").stream()
                    .filter(c -> c.path("metadata").path("labels").path("grafana_dashboard").asText().equals("1")).toList();
            assertThat(dashboards).hasSize(DashboardsTest.dashboardFiles().size());
            for (JsonNode cm : dashboards) {
                String file = cm.path("data").fieldNames().next();
                assertThat(Repo.JSON.readTree(cm.path("data").path(file).asText()))
                        .isEqualTo(Repo.json(Repo.DASHBOARDS.resolve(file)));
            }
        }
        assertThat(all(allOn, "ConfigMap").stream().filter(c -> c.path("metadata").path("name").asText().contains("dashboard")))
                .hasSize(DashboardsTest.dashboardFiles().size())
                .allMatch(c -> c.path("metadata").path("annotations").path("grafana_folder").asText().equals("LeadFlow"));
    }

    /** The outcomes job: a second FlinkDeployment of the same image and jar, with what it reads and nothing of Redis. */
    @Test
    void theOutcomesJobIsASecondFlinkDeploymentOfTheSameJar() {
        for (List<JsonNode> docs : List.of(defaults, allOn)) {
            JsonNode scoring = scoringJob(docs);
            JsonNode fd = outcomesJob(docs);
            JsonNode spec = fd.path("spec");
            assertThat(fd.path("metadata").path("name").asText())
                    .isEqualTo(scoring.path("metadata").path("name").asText().replaceAll("-job$", "-outcomes"));
            assertThat(spec.path("job").path("entryClass").asText()).isEqualTo(HandoffOutcomesJob.class.getName());
            assertThat(spec.path("image").asText()).isEqualTo(scoring.path("spec").path("image").asText());
            assertThat(spec.path("job").path("jarURI").asText()).isEqualTo(scoring.path("spec").path("job").path("jarURI").asText());
            assertThat(spec.path("podTemplate").path("metadata").path("labels").path("app.kubernetes.io/component").asText())
                    .isEqualTo("outcomes");

            JsonNode container = flinkContainer(fd);
            Map<String, String> env = env(container);
            assertThat(JobOptions.unknownOutcomesVariables(env)).as("LEADFLOW_* variables the outcomes job does not read").isEmpty();
            assertThat(env.keySet()).as("the outcomes job needs no Redis").noneMatch(k -> k.contains("REDIS"));
            assertThat(mountPaths(container)).doesNotContainKeys("redis-tls", "model");
            assertThat(port(container, "metrics")).isEqualTo(port(flinkContainer(scoring), "metrics"));
            HandoffOutcomesJob.Settings settings = JobOptions.outcomesSettings(
                    texts(spec.path("job").path("args")).toArray(String[]::new), envWithStandIns(container), tmp);
            JobSettings s = settings.job();
            JobSettings scoringSettings = JobOptions.settings(new String[0], envWithStandIns(flinkContainer(scoring)), tmp);
            assertThat(s.parallelism).isEqualTo(spec.path("job").path("parallelism").asInt());
            assertThat(s.groupId).as("a consumer group of its own").isNotEqualTo(scoringSettings.groupId);
            assertThat(s.bootstrapServers).isEqualTo(scoringSettings.bootstrapServers);
            assertThat(s.registryUrl).isEqualTo(scoringSettings.registryUrl);
            assertThat(s.kafkaProperties).isEqualTo(scoringSettings.kafkaProperties);
            assertThat(s.checkpointDir).isEqualTo(flinkConfiguration(fd).get("execution.checkpointing.dir"))
                    .isEqualTo(scoringSettings.checkpointDir + "/outcomes");
            assertThat(flinkConfiguration(fd).get("execution.checkpointing.savepoint-dir"))
                    .isEqualTo(flinkConfiguration(scoring).get("execution.checkpointing.savepoint-dir") + "/outcomes");
        }
        HandoffOutcomesJob.Settings byDefault = JobOptions.outcomesSettings(new String[0], envWithStandIns(flinkContainer(outcomesJob(defaults))), tmp);
        assertThat(byDefault.outcomeWindow()).isEqualTo(HandoffOutcomesJob.DEFAULT_WINDOW);
        assertThat(byDefault.job().groupId).isEqualTo(HandoffOutcomesJob.DEFAULT_GROUP_ID);
        assertThat(byDefault.job().redisUri).as("no Redis URI given: the unused default").isEqualTo(new JobSettings().redisUri);
        assertThat(volumeNames(outcomesJob(defaults))).as("no credentials to mount by default").isEmpty();

        JsonNode prod = outcomesJob(allOn);
        HandoffOutcomesJob.Settings prodSettings = JobOptions.outcomesSettings(
                texts(prod.path("spec").path("job").path("args")).toArray(String[]::new), envWithStandIns(flinkContainer(prod)), tmp);
        assertThat(prodSettings.outcomeWindow()).isEqualTo(Duration.ofDays(120));
        assertThat(prodSettings.job().groupId).isEqualTo("leadflow-prod-outcomes");
        assertThat(prod.path("spec").path("job").path("parallelism").asInt()).isEqualTo(2);
        // the registry password is the only credential it mounts; the pod settings are the scoring job's
        JsonNode podSpec = prod.path("spec").path("podTemplate").path("spec");
        assertThat(volumeNames(prod)).containsExactly("credentials");
        assertThat(StreamSupport.stream(volume(podSpec, "credentials").path("secret").path("items").spliterator(), false)
                .map(i -> i.path("key").asText() + "->" + i.path("path").asText())).containsExactly("registry-password->registry-password");
        assertThat(secretRef(flinkContainer(prod), "LEADFLOW_KAFKA_PROP_SASL_JAAS_CONFIG")).isEqualTo("leadflow-prod-credentials/kafka-jaas");
        assertThat(podSpec.path("nodeSelector").path("pool").asText()).isEqualTo("streaming");
        assertThat(env(flinkContainer(prod))).as("job.env (S3 plugin and region), then its own")
                .containsEntry("AWS_REGION", "eu-west-1").containsEntry("ENABLE_BUILT_IN_PLUGINS", "flink-s3-fs-hadoop-2.2.1.jar")
                .containsEntry("OUTCOMES_ONLY", "yes");
        assertThat(env(flinkContainer(scoringJob(allOn)))).doesNotContainKey("OUTCOMES_ONLY");
        assertThat(flinkConfiguration(prod)).containsEntry("kubernetes.operator.periodic.savepoint.interval", "6h")
                .doesNotContainKey("taskmanager.memory.managed.fraction");
    }

    @Test
    void theOutcomesJobCanBeSwitchedOff() {
        List<JsonNode> docs = Repo.yamlDocuments(new Helm(Repo.CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion("1.30.0").set("outcomes.enabled", "false").set("monitoring.podMonitor.enabled", "true").call());
        assertThat(all(docs, "FlinkDeployment")).hasSize(1);
        assertThat(scoringJob(docs)).isNotNull();
        assertThat(all(docs, "PodMonitor")).hasSize(1);
        assertThat(all(docs, "NetworkPolicy")).hasSize(2);
    }

    /** The job and the API as their own Redis ACL users, with the CA and client certificate from a Secret. */
    @Test
    void redisTlsFilesAndTheApisOwnRedisUserReachBothPods() {
        JsonNode fd = scoringJob(allOn);
        JsonNode dep = one(allOn, "Deployment");
        JsonNode jobPod = fd.path("spec").path("podTemplate").path("spec");
        JsonNode apiPod = dep.path("spec").path("template").path("spec");
        for (JsonNode pod : List.of(jobPod, apiPod)) {
            JsonNode items = volume(pod, "redis-tls").path("secret").path("items");
            assertThat(volume(pod, "redis-tls").path("secret").path("secretName").asText()).isEqualTo("redis-tls");
            assertThat(StreamSupport.stream(items.spliterator(), false).map(i -> i.path("key").asText() + "->" + i.path("path").asText()))
                    .containsExactly("ca.pem->ca.crt", "client.pem->client.crt", "client-key.pem->client.key");
            assertThat(mountPaths(pod.path("containers").get(0))).containsEntry("redis-tls", "/etc/leadflow/redis-tls");
        }
        // the operator merges the pod template into JobManager and TaskManagers: the sink connects from the latter
        JobSettings job = JobOptions.settings(new String[0], envWithStandIns(flinkContainer(fd)), tmp);
        assertThat(env(flinkContainer(fd))).containsEntry("LEADFLOW_REDIS_TLS_CA_FILE", "/etc/leadflow/redis-tls/ca.crt")
                .containsEntry("LEADFLOW_REDIS_TLS_CERT_FILE", "/etc/leadflow/redis-tls/client.crt")
                .containsEntry("LEADFLOW_REDIS_TLS_KEY_FILE", "/etc/leadflow/redis-tls/client.key");
        assertThat(job.redisConfig().ssl()).isTrue();
        assertThat(job.redisConfig().tls().certFile()).isNotNull();
        assertThat(job.redisConfig().tls().verifyHostname()).isFalse();
        assertThat(env(dep.path("spec").path("template").path("spec").path("containers").get(0)))
                .containsEntry("LEADFLOW_API_REDIS_TLS_CA_FILE", "/etc/leadflow/redis-tls/ca.crt")
                .containsEntry("LEADFLOW_API_REDIS_TLS_VERIFY_HOSTNAME", "false");
        // without the option nothing of it is rendered
        assertThat(defaults.toString()).doesNotContain("redis-tls").doesNotContain("REDIS_TLS");
    }

    @Test
    void noCredentialIsRendered() {
        for (List<JsonNode> docs : List.of(defaults, allOn)) {
            assertThat(kinds(docs)).doesNotContain("Secret");
            String text = docs.toString();
            assertThat(text).doesNotContainPattern("rediss?://[^@\\s\"/]*:[^@\\s\"]+@");
            assertThat(text).doesNotContain("LoginModule required");
            for (JsonNode d : docs) {
                for (JsonNode c : containers(d)) {
                    for (JsonNode e : c.path("env")) {
                        String name = e.path("name").asText();
                        if (name.matches(".*(PASSWORD|TOKEN|SECRET|JAAS|REDIS_URI|CREDENTIAL).*") && !name.endsWith("_FILE")) {
                            assertThat(e.has("value")).as("%s must come from a Secret, not a literal value", name).isFalse();
                            assertThat(e.path("valueFrom").has("secretKeyRef")).as(name).isTrue();
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyContainerRunsAsNonRootWithoutPrivilegeEscalation() {
        for (List<JsonNode> docs : List.of(defaults, allOn)) {
            for (JsonNode d : docs) {
                JsonNode podSpec = podSpec(d);
                if (podSpec == null) {
                    continue;
                }
                assertThat(podSpec.path("securityContext").path("runAsNonRoot").asBoolean()).as("%s runAsNonRoot", d.path("kind")).isTrue();
                for (JsonNode c : podSpec.path("containers")) {
                    assertThat(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
                    assertThat(texts(c.path("securityContext").path("capabilities").path("drop"))).contains("ALL");
                }
            }
        }
    }

    @Test
    void everyValueIsCommented() {
        List<String> lines = Repo.read(Repo.CHART.resolve("values.yaml")).lines().toList();
        List<String> uncommented = new ArrayList<>();
        Pattern key = Pattern.compile("^(\\s*)([A-Za-z0-9_.-]+):(.*)$");
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = key.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            int indent = m.group(1).length();
            boolean parent = m.group(3).isBlank() && i + 1 < lines.size() && indentOf(lines.get(i + 1)) > indent;
            boolean insideValue = i > 0 && isInsideCommentedValue(lines, i, indent);
            if (parent || insideValue) {
                continue;
            }
            String previous = i > 0 ? lines.get(i - 1).trim() : "";
            if (!previous.startsWith("#")) {
                uncommented.add((i + 1) + ": " + lines.get(i).trim());
            }
        }
        assertThat(uncommented).as("values.yaml keys without a comment above them").isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    /** A key nested in the (multi-line) default value of a commented key, e.g. requests: under resources:. */
    private static boolean isInsideCommentedValue(List<String> lines, int i, int indent) {
        int level = indent;
        for (int j = i - 1; j >= 0 && level > 0; j--) {
            String l = lines.get(j);
            if (l.isBlank() || l.trim().startsWith("#")) {
                continue;
            }
            int ind = indentOf(l);
            if (ind < level) {
                level = ind;
                // an ancestor that is a commented key: this key is part of its structured default
                if (documented(lines, j)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the comment block right above line j documents a value ("# -- ..."). */
    private static boolean documented(List<String> lines, int j) {
        for (int k = j - 1; k >= 0 && lines.get(k).trim().startsWith("#"); k--) {
            if (lines.get(k).trim().startsWith("# --")) {
                return true;
            }
        }
        return false;
    }

    private static int indentOf(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return line.isBlank() ? -1 : n;
    }

    static String appVersion() {
        return Repo.yamlDocuments(Repo.read(Repo.CHART.resolve("Chart.yaml"))).get(0).path("appVersion").asText();
    }

    static List<String> kinds(List<JsonNode> docs) {
        return docs.stream().map(d -> d.path("kind").asText()).toList();
    }

    static List<JsonNode> all(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    static JsonNode one(List<JsonNode> docs, String kind) {
        List<JsonNode> found = all(docs, kind);
        assertThat(found).as("rendered %s", kind).hasSize(1);
        return found.get(0);
    }

    /** The scoring job's FlinkDeployment, the outcomes job's. */
    static JsonNode scoringJob(List<JsonNode> docs) {
        return flinkDeployment(docs, dev.leadflow.job.LeadFlowJob.class.getName());
    }

    static JsonNode outcomesJob(List<JsonNode> docs) {
        return flinkDeployment(docs, HandoffOutcomesJob.class.getName());
    }

    private static JsonNode flinkDeployment(List<JsonNode> docs, String entryClass) {
        List<JsonNode> found = all(docs, "FlinkDeployment").stream()
                .filter(fd -> fd.path("spec").path("job").path("entryClass").asText().equals(entryClass)).toList();
        assertThat(found).as("rendered FlinkDeployment of %s", entryClass).hasSize(1);
        return found.get(0);
    }

    static List<String> volumeNames(JsonNode fd) {
        List<String> names = new ArrayList<>();
        fd.path("spec").path("podTemplate").path("spec").path("volumes").forEach(v -> names.add(v.path("name").asText()));
        return names;
    }

    static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static Map<String, String> flinkConfiguration(JsonNode fd) {
        Map<String, String> conf = new LinkedHashMap<>();
        fd.path("spec").path("flinkConfiguration").fields().forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
        return conf;
    }

    static JsonNode flinkContainer(JsonNode fd) {
        return fd.path("spec").path("podTemplate").path("spec").path("containers").get(0);
    }

    static JsonNode podSpec(JsonNode d) {
        return switch (d.path("kind").asText()) {
            case "Deployment" -> d.path("spec").path("template").path("spec");
            case "FlinkDeployment" -> d.path("spec").path("podTemplate").path("spec");
            default -> null;
        };
    }

    static List<JsonNode> containers(JsonNode d) {
        JsonNode pod = podSpec(d);
        List<JsonNode> out = new ArrayList<>();
        if (pod != null) {
            pod.path("containers").forEach(out::add);
        }
        return out;
    }

    /** Literal env values (valueFrom entries are left out). */
    static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode e : container.path("env")) {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        }
        return env;
    }

    /** The container's variables, those taken from a Secret with a stand-in value. */
    static Map<String, String> envWithStandIns(JsonNode container) {
        Map<String, String> env = env(container);
        secretRefNames(container).forEach(name -> env.put(name, "stand-in"));
        return env;
    }

    static List<String> secretRefNames(JsonNode container) {
        List<String> names = new ArrayList<>();
        for (JsonNode e : container.path("env")) {
            if (e.path("valueFrom").has("secretKeyRef")) {
                names.add(e.path("name").asText());
            }
        }
        return names;
    }

    /** "secret/key" of an env var taken from a Secret. */
    static String secretRef(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                return ref.path("name").asText() + "/" + ref.path("key").asText();
            }
        }
        throw new AssertionError("no env var " + name + " in " + container);
    }

    static int port(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no port " + name + " in " + container);
    }

    static Map<String, String> mountPaths(JsonNode container) {
        Map<String, String> m = new HashMap<>();
        container.path("volumeMounts").forEach(v -> m.put(v.path("name").asText(), v.path("mountPath").asText()));
        return m;
    }

    static JsonNode volume(JsonNode podSpec, String name) {
        for (JsonNode v : podSpec.path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static Set<String> fieldNames(JsonNode n) {
        Set<String> names = new TreeSet<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
