package dev.leadflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfiles copy the artifacts the Maven build really produces, to where the compose file
 * and the chart expect them, and run as non-root users.
 */
class DockerfilesTest {

    private static final Pattern COPY = Pattern.compile("(?m)^COPY\\s+(?:--chown=\\S+\\s+)?(\\S+)\\s+(\\S+)\\s*$");
    private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\S+)\\s*$");

    /** Where job.Dockerfile puts the job jar; the chart's jarURI must point there. */
    static String jobJarPathInImage() {
        return copy("job.Dockerfile")[1];
    }

    @Test
    void jobImageIsFlink22WithTheShadedJarInUsrlib() throws IOException {
        String df = Repo.read(Repo.DOCKER.resolve("job.Dockerfile"));
        assertThat(df).containsPattern("(?m)^FROM flink:2\\.2-java17\\s*$");
        String[] copy = copy("job.Dockerfile");
        assertThat(copy[1]).isEqualTo("/opt/flink/usrlib/leadflow-flink-jobs-job.jar");
        // the flink-jobs pom attaches the shaded jar with a classifier: <artifactId>-<version>-<classifier>.jar
        String pom = Repo.read(Repo.ROOT.resolve("flink-jobs/pom.xml"));
        String classifier = first(Pattern.compile("<shadedClassifierName>([^<]+)</shadedClassifierName>"), pom);
        assertThat(copy[0]).isEqualTo("flink-jobs/target/" + artifactId("flink-jobs") + "-*-" + classifier + ".jar");
        assertMatchesAtMostOneBuiltFile(copy[0]);
        // Prometheus reporter plugin present, and the image's user is Flink's, not root
        assertThat(df).contains("plugins/metrics-prometheus").contains("flink-metrics-prometheus-");
        assertThat(user(df)).isEqualTo("flink");
    }

    @Test
    void sellerApiImage() throws IOException {
        String df = Repo.read(Repo.DOCKER.resolve("seller-api.Dockerfile"));
        assertThat(df).containsPattern("(?m)^FROM eclipse-temurin:17-jre\\s*$");
        String[] copy = copy("seller-api.Dockerfile");
        assertThat(copy[0]).isEqualTo("seller-api/target/" + artifactId("seller-api") + "-*.jar");
        assertMatchesAtMostOneBuiltFile(copy[0]);
        assertThat(df).contains("\"-jar\", \"" + copy[1] + "\"");
        // numeric non-root user, the one the chart's pod security context names
        JsonNode values = Repo.yamlDocuments(Repo.read(Repo.CHART.resolve("values.yaml"))).get(0);
        String uid = values.path("sellerApi").path("podSecurityContext").path("runAsUser").asText();
        assertThat(user(df)).isEqualTo(uid + ":" + values.path("sellerApi").path("podSecurityContext").path("runAsGroup").asText());
        assertThat(uid).isNotEqualTo("0");
    }

    @Test
    void collectorImage() throws IOException {
        String df = Repo.read(Repo.DOCKER.resolve("collector.Dockerfile"));
        assertThat(df).containsPattern("(?m)^FROM eclipse-temurin:17-jre\\s*$");
        String[] copy = copy("collector.Dockerfile");
        assertThat(copy[0]).isEqualTo("collector/target/" + artifactId("collector") + "-*.jar");
        assertMatchesAtMostOneBuiltFile(copy[0]);
        assertThat(df).contains("\"-jar\", \"" + copy[1] + "\"");
        assertThat(user(df)).matches("[1-9][0-9]*:[1-9][0-9]*");
    }

    @Test
    void generatorImage() throws IOException {
        String df = Repo.read(Repo.DOCKER.resolve("generator.Dockerfile"));
        assertThat(df).containsPattern("(?m)^FROM eclipse-temurin:17-jre\\s*$");
        String[] copy = copy("generator.Dockerfile");
        assertThat(copy[0]).isEqualTo("launcher/target/" + artifactId("launcher") + "-*.jar");
        assertMatchesAtMostOneBuiltFile(copy[0]);
        assertThat(df).contains("\"-jar\", \"" + copy[1] + "\", \"generate\"");
        assertThat(user(df)).matches("[1-9][0-9]*:[1-9][0-9]*");
    }

    static String[] copy(String dockerfile) {
        List<String[]> copies = new java.util.ArrayList<>();
        Matcher m = COPY.matcher(Repo.read(Repo.DOCKER.resolve(dockerfile)));
        while (m.find()) {
            copies.add(new String[] {m.group(1), m.group(2)});
        }
        assertThat(copies).as("COPY lines of %s", dockerfile).hasSize(1);
        return copies.get(0);
    }

    static String artifactId(String module) {
        String pom = Repo.read(Repo.ROOT.resolve(module).resolve("pom.xml"));
        // the module's own artifactId follows the </parent> block
        return first(Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>"), pom);
    }

    private static String user(String dockerfile) {
        List<String> users = Repo.groups(USER, dockerfile);
        assertThat(users).isNotEmpty();
        String last = users.get(users.size() - 1);
        assertThat(last).isNotIn("root", "0", "0:0");
        return last;
    }

    /** A COPY with one source glob into one file fails when the glob matches several jars. */
    private static void assertMatchesAtMostOneBuiltFile(String glob) throws IOException {
        Path dir = Repo.ROOT.resolve(glob).getParent();
        if (!Files.isDirectory(dir)) {
            return; // not built in this run
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + Repo.ROOT.resolve(glob));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(matcher::matches).toList()).as("files matching %s", glob).hasSizeLessThanOrEqualTo(1);
        }
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertThat(m.find()).as("%s in the text", p).isTrue();
        return m.group(1);
    }
}
