package dev.leadflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The collector's Deployment and Service in helm/leadflow: off by default, and when on, wired as
 * docs/collector.md and CollectorConfig expect (every variable one CollectorConfig reads, the keys file
 * from the Secret, the image's user, probes on /health).
 */
class CollectorChartTest {

    static final Path VALUES = Path.of("src/test/resources/helm/collector-values.yaml");
    static List<JsonNode> defaults;
    static List<JsonNode> on;

    @BeforeAll
    static void render() {
        defaults = Repo.yamlDocuments(new Helm(Repo.CHART).template().withName("leadflow").withNamespace("sales")
                .withKubeVersion("1.30.0").call());
        on = Repo.yamlDocuments(new Helm(Repo.CHART).template().withName("leadflow").withNamespace("sales")
                .withKubeVersion("1.30.0").withValuesFile(VALUES.toAbsolutePath()).call());
    }

    static JsonNode named(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)
                && d.path("metadata").path("name").asText().equals(name)).findFirst().orElse(null);
    }

    @Test
    void offByDefault() {
        assertThat(named(defaults, "Deployment", "leadflow-collector")).isNull();
        assertThat(named(defaults, "Service", "leadflow-collector")).isNull();
    }

    @Test
    void deploymentAndServiceWhenOn() {
        JsonNode dep = named(on, "Deployment", "leadflow-collector");
        assertThat(dep).isNotNull();
        JsonNode pod = dep.path("spec").path("template").path("spec");
        JsonNode c = pod.path("containers").get(0);
        assertThat(c.path("image").asText()).startsWith("leadflow/collector:");
        assertThat(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8090);
        Map<String, JsonNode> env = new LinkedHashMap<>();
        c.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        assertThat(env.keySet()).contains("LEADFLOW_COLLECTOR_PORT", "LEADFLOW_COLLECTOR_KEYS_FILE",
                "LEADFLOW_COLLECTOR_KAFKA_BOOTSTRAP_SERVERS", "LEADFLOW_COLLECTOR_REGISTRY_URL",
                "LEADFLOW_COLLECTOR_REGISTRY_USER", "LEADFLOW_COLLECTOR_REGISTRY_PASSWORD_FILE",
                "LEADFLOW_COLLECTOR_KAFKA_PROP_SASL_JAAS_CONFIG", "LEADFLOW_COLLECTOR_KAFKA_PROP_SECURITY_PROTOCOL",
                "LEADFLOW_COLLECTOR_ALLOWED_ORIGINS");
        assertThat(env.get("LEADFLOW_COLLECTOR_ALLOWED_ORIGINS").path("value").asText())
                .isEqualTo("https://www.example.com,https://app.example.com");
        assertThat(env.get("LEADFLOW_COLLECTOR_KEYS_FILE").path("value").asText()).isEqualTo("/etc/leadflow/secrets/keys.yaml");
        JsonNode secret = StreamSupport.stream(pod.path("volumes").spliterator(), false)
                .filter(v -> v.path("name").asText().equals("credentials")).findFirst().orElseThrow().path("secret");
        assertThat(StreamSupport.stream(secret.path("items").spliterator(), false)
                .map(i -> i.path("key").asText() + "->" + i.path("path").asText()))
                .containsExactly("collector-keys.yaml->keys.yaml", "registry-password->registry-password");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(10001);

        JsonNode svc = named(on, "Service", "leadflow-collector");
        assertThat(svc.path("spec").path("selector")).isEqualTo(dep.path("spec").path("selector").path("matchLabels"));
        assertThat(svc.path("spec").path("selector").path("app.kubernetes.io/component").asText()).isEqualTo("collector");
    }
}
