package dev.leadflow.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What FlinkClusterIT proves on real processes is what the images and the chart use: the same entry class, the
 * same reporter factory, the reporter in the same plugin folder. (deploy-tests checks the rest of their
 * configuration against Flink's and the job's options.)
 */
class ClusterDriftTest {

    static final Path ROOT = Path.of(System.getProperty("leadflow.root", "..")).toAbsolutePath().normalize();

    @Test
    void composeAndChartRunTheEntryClassesAndReporterTheClusterTestProves() throws IOException {
        String compose = Files.readString(ROOT.resolve("docker/compose.yaml"));
        // the chart's two FlinkDeployments (scoring and outcomes job) are rendered from one template
        String chart = Files.readString(ROOT.resolve("helm/leadflow/templates/flinkdeployment.yaml"));
        String template = Files.readString(ROOT.resolve("helm/leadflow/templates/_flinkdeployment.tpl"));
        for (String entry : new String[] {FlinkClusterIT.ENTRY, FlinkClusterIT.OUTCOMES_ENTRY}) {
            assertThat(compose).contains("--job-classname\", \"" + entry + "\"");
            assertThat(chart).contains("\"entryClass\" \"" + entry + "\"");
        }
        assertThat(compose).contains("metrics.reporter.prom.factory.class: " + FlinkSessionCluster.REPORTER_FACTORY);
        assertThat(template).contains("entryClass: {{ .entryClass }}")
                .contains("\"metrics.reporter.prom.factory.class\" \"" + FlinkSessionCluster.REPORTER_FACTORY + "\"");
    }

    @Test
    void theJobImagePutsTheReporterInThePluginFolderTheClusterTestLoadsItFrom() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("docker/job.Dockerfile"));
        String pom = Files.readString(ROOT.resolve("cluster-tests/pom.xml"));
        assertThat(dockerfile).contains(FlinkSessionCluster.REPORTER_PLUGIN_DIR + "/flink-metrics-prometheus-");
        assertThat(pom).contains("<outputDirectory>${flink.home}/" + FlinkSessionCluster.REPORTER_PLUGIN_DIR + "</outputDirectory>");
    }
}
