package dev.leadflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import dev.leadflow.api.SellerApiConfig;
import dev.leadflow.api.Users;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seller API's settings in docker/compose.yaml and in the chart are ones its own configuration
 * class accepts: SellerApiConfig.load rejects unknown LEADFLOW_API_* variables and bad values, so a
 * renamed or removed setting fails here.
 */
class SellerApiDeployTest {

    @TempDir
    Path tmp;

    static List<List<JsonNode>> renderings() {
        Helm helm = new Helm(Repo.CHART);
        return List.of(
                Repo.yamlDocuments(helm.template().withName("leadflow").withKubeVersion("1.30.0").call()),
                Repo.yamlDocuments(helm.template().withName("leadflow").withKubeVersion("1.30.0")
                        .withValuesFile(HelmChartTest.ALL_ON.toAbsolutePath()).call()));
    }

    @Test
    void theComposeFilesSellerApiEnvironmentIsOneSellerApiConfigAccepts() throws IOException {
        Map<String, Object> api = ComposeTest.service("seller-api");
        Map<String, String> env = new LinkedHashMap<>(ComposeTest.environment(api));
        // the users file is mounted from the repository: load the very file the container gets
        String usersInContainer = env.get("LEADFLOW_API_USERS_FILE");
        Path usersOnHost = ComposeTest.volumeSources(api).get(usersInContainer);
        assertThat(usersOnHost).as("a volume mounts %s", usersInContainer).isNotNull();
        assertThat(Files.isRegularFile(usersOnHost)).isTrue();
        env.put("LEADFLOW_API_USERS_FILE", usersOnHost.toString());

        SellerApiConfig config = SellerApiConfig.load(null, env); // rejects unknown LEADFLOW_API_* variables
        assertThat(Users.load(config.usersFile())).isNotNull();
        int port = config.port();
        assertThat(ComposeTest.containerPorts(api)).contains(port);
        assertThat(ComposeTest.scrapeTargets("seller-api")).containsExactly("seller-api:" + port);
        assertThat(ComposeTest.healthcheck(api)).contains("/dev/tcp/127.0.0.1/" + port).contains("/health");
        assertThat(ComposeTest.advertisedListeners()).contains(config.kafkaBootstrapServers());
        assertThat(URI.create(config.registryUrl()).getPort()).isEqualTo(ComposeTest.registryPort());
        assertThat(URI.create(config.redisUri()).getHost()).isEqualTo("redis");

        // /metrics is for ops users: Prometheus's token file belongs to one
        JsonNode scrape = null;
        for (JsonNode sc : Repo.yamlDocuments(Repo.read(Repo.DOCKER.resolve("prometheus/prometheus.yml"))).get(0).path("scrape_configs")) {
            if (sc.path("job_name").asText().equals("seller-api")) {
                scrape = sc;
            }
        }
        assertThat(scrape).isNotNull();
        String tokenInContainer = scrape.path("authorization").path("credentials_file").asText();
        Path tokenOnHost = ComposeTest.volumeSources(ComposeTest.service("prometheus")).get(tokenInContainer);
        assertThat(tokenOnHost).as("Prometheus gets %s from a mount", tokenInContainer).isNotNull();
        var user = Users.load(config.usersFile()).authenticate(Files.readString(tokenOnHost).strip());
        assertThat(user).as("the token Prometheus sends is a user's").isPresent();
        assertThat(user.get().role()).isEqualTo(dev.leadflow.api.Role.OPS);
    }

    @Test
    void theChartsSellerApiEnvironmentIsOneSellerApiConfigAccepts() throws Exception {
        for (List<JsonNode> docs : renderings()) {
            JsonNode c = HelmChartTest.one(docs, "Deployment").path("spec").path("template").path("spec").path("containers").get(0);
            Map<String, String> env = new HashMap<>();
            for (Map.Entry<String, String> e : HelmChartTest.env(c).entrySet()) {
                String value = e.getValue();
                if (e.getKey().equals("LEADFLOW_API_USERS_FILE")) {
                    value = Repo.DOCKER.resolve("seller-api/users.yaml").toString(); // a valid users file
                } else if (e.getKey().endsWith("_FILE")) {
                    Path f = tmp.resolve(e.getKey());
                    java.nio.file.Files.writeString(f, e.getKey().contains("REDIS") ? "redis://:x@redis:6379" : "x");
                    value = f.toString();
                }
                env.put(e.getKey(), value);
            }
            HelmChartTest.secretRefNames(c).forEach(n -> env.put(n, "stand-in"));
            // SellerApiConfig rejects unknown LEADFLOW_API_* variables and bad values
            dev.leadflow.api.SellerApiConfig config = dev.leadflow.api.SellerApiConfig.load(null, env);
            assertThat(config.port()).isEqualTo(HelmChartTest.port(c, "http"));
            assertThat(config.kafkaBootstrapServers()).isEqualTo(env.get("LEADFLOW_API_KAFKA_BOOTSTRAP_SERVERS"));
        }
    }

}
