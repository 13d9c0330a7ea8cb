package dev.leadflow.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink session cluster of separate JVM processes, started the way Flink's own scripts start them: a
 * JobManager ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), with the
 * classpath {@code <flink.home>/lib/*} and {@code FLINK_PLUGINS_DIR=<flink.home>/plugins} (the Prometheus
 * reporter), the JVM memory options and dynamic memory properties that Flink's {@code BashJavaUtils} would
 * compute from {@code config.yaml}, and {@code --add-opens} for Java 17. Talks to it only through its REST API.
 */
final class FlinkSessionCluster implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The reporter the images configure (docker/compose.yaml, the chart), loaded from plugins/ as in the image. */
    static final String REPORTER_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    /** The plugin folder the pom fills and docker/job.Dockerfile makes sure of. */
    static final String REPORTER_PLUGIN_DIR = "plugins/metrics-prometheus";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** As Flink's default config.yaml gives env.java.opts.all for Java 17. */
    private static final List<String> JAVA_17_OPTS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    final Path home;
    final Path work;
    final Path conf;
    final int restPort;
    final int metricsPort;
    private final Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private int started;

    /**
     * Writes {@code <work>/conf/config.yaml} (with {@code extra} entries) and a log4j configuration, and starts
     * the JobManager; {@link #startTaskManager} adds TaskManagers.
     */
    FlinkSessionCluster(Path home, Path work, Map<String, String> extra) throws IOException {
        this.home = home.toAbsolutePath();
        this.work = work.toAbsolutePath();
        this.conf = Files.createDirectories(this.work.resolve("conf"));
        Files.createDirectories(this.work.resolve("log"));
        if (!Files.isDirectory(this.home.resolve("lib"))) {
            throw new IllegalStateException("no Flink distribution at " + this.home
                    + ": the cluster-tests module assembles it in process-test-resources (run through Maven)");
        }
        this.restPort = freePort();
        this.metricsPort = freePort();
        StringBuilder yaml = new StringBuilder();
        for (String line : List.of(
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.bind-host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "taskmanager.host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.numberOfTaskSlots: 2",
                "jobmanager.memory.process.size: 768m",
                "taskmanager.memory.process.size: 1536m",
                "parallelism.default: 1",
                // the image's reporter: one port per process, here a range starting at a free port
                "metrics.reporter.prom.factory.class: " + REPORTER_FACTORY,
                "metrics.reporter.prom.port: " + metricsPort + "-" + (metricsPort + 5),
                "web.upload.dir: " + this.work.resolve("uploads"),
                "io.tmp.dirs: " + this.work.resolve("tmp"))) {
            yaml.append(line).append('\n');
        }
        extra.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.createDirectories(this.work.resolve("uploads"));
        Files.createDirectories(this.work.resolve("tmp"));
        Files.writeString(conf.resolve("config.yaml"), yaml.toString());
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = MainAppender",
                "appender.main.name = MainAppender",
                "appender.main.type = File",
                "appender.main.fileName = ${sys:log.file}",
                "appender.main.layout.type = PatternLayout",
                "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                ""));
        Configuration c = GlobalConfiguration.loadConfiguration(conf.toString());
        JobManagerProcessSpec jm = JobManagerProcessUtils.processSpecFromConfig(c);
        List<String> jvm = split(JobManagerProcessUtils.generateJvmParametersStr(jm, c));
        List<String> args = new ArrayList<>(List.of("--configDir", conf.toString()));
        args.addAll(dynamic(JobManagerProcessUtils.generateDynamicConfigsStr(jm)));
        this.jobManager = start("jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", jvm, args);
    }

    /** Starts one more TaskManager process. */
    Process startTaskManager() throws IOException {
        Configuration c = GlobalConfiguration.loadConfiguration(conf.toString());
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(c);
        List<String> jvm = split(ProcessMemoryUtils.generateJvmParametersStr(spec));
        List<String> args = new ArrayList<>(List.of("--configDir", conf.toString()));
        args.addAll(dynamic(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        Process p = start("taskmanager-" + taskManagers.size(), "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", jvm, args);
        taskManagers.add(p);
        return p;
    }

    private Process start(String name, String mainClass, List<String> memory, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(memory);
        cmd.addAll(JAVA_17_OPTS);
        cmd.add("-Dlog.file=" + work.resolve("log/" + name + ".log"));
        cmd.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
        cmd.add("-classpath");
        cmd.add(home.resolve("lib") + "/*");
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("log/" + name + "-" + (started++) + ".out").toFile());
        pb.environment().put("FLINK_PLUGINS_DIR", home.resolve("plugins").toString());
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        return pb.start();
    }

    /** Waits until the REST API answers and shows {@code slots} free or busy task slots. */
    void awaitSlots(int slots, Duration timeout) throws Exception {
        await(timeout, "a cluster with " + slots + " task slots", () -> {
            JsonNode o = get("/overview");
            return o != null && o.path("slots-total").asInt() >= slots ? o : null;
        });
    }

    /** Uploads a jar through POST /jars/upload; returns its id. */
    String upload(Path jar) throws Exception {
        String boundary = "----leadflow" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build();
        JsonNode r = send(req);
        if (!"success".equals(r.path("status").asText())) {
            throw new IllegalStateException("upload failed: " + r);
        }
        String file = r.path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /** POST /jars/{id}/run; returns the job id. */
    String run(String jarId, String entryClass, List<String> args, String savepointPath) throws Exception {
        var body = JSON.createObjectNode().put("entryClass", entryClass);
        body.putArray("programArgsList").addAll(args.stream().map(JSON.getNodeFactory()::textNode).toList());
        if (savepointPath != null) {
            body.put("savepointPath", savepointPath).put("allowNonRestoredState", false);
        }
        JsonNode r = send(HttpRequest.newBuilder(uri("/jars/" + jarId + "/run")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
        if (!r.hasNonNull("jobid")) {
            throw new IllegalStateException("run failed: " + r);
        }
        return r.path("jobid").asText();
    }

    /** Waits until every vertex of the job is RUNNING. */
    void awaitRunning(String jobId, Duration timeout) throws Exception {
        await(timeout, "job " + jobId + " running", () -> {
            JsonNode j = get("/jobs/" + jobId);
            if (j == null || !"RUNNING".equals(j.path("state").asText())) {
                return null;
            }
            for (JsonNode v : j.path("vertices")) {
                if (!"RUNNING".equals(v.path("status").asText())) {
                    return null;
                }
            }
            return j;
        });
    }

    /** Stops the job with a savepoint (POST /jobs/{id}/stop, not drained); returns the savepoint's path. */
    String stopWithSavepoint(String jobId, Path dir, Duration timeout) throws Exception {
        var body = JSON.createObjectNode().put("targetDirectory", dir.toUri().toString()).put("drain", false);
        JsonNode r = send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "/stop")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
        String trigger = r.path("request-id").asText();
        JsonNode done = await(timeout, "the savepoint of " + jobId, () -> {
            JsonNode s = get("/jobs/" + jobId + "/savepoints/" + trigger);
            return s != null && "COMPLETED".equals(s.path("status").path("id").asText()) ? s : null;
        });
        JsonNode op = done.path("operation");
        if (op.has("failure-cause")) {
            throw new IllegalStateException("savepoint failed: " + op.path("failure-cause"));
        }
        return op.path("location").asText();
    }

    JsonNode job(String jobId) throws Exception {
        return get("/jobs/" + jobId);
    }

    /** The text of a TaskManager's Prometheus endpoint, from the first port of the range that answers. */
    String prometheusText() {
        for (int port = metricsPort; port <= metricsPort + 5; port++) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("flink_taskmanager_")) {
                    return r.body();
                }
            } catch (IOException notThere) {
                // next port
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }
        return "";
    }

    JsonNode get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException notYet) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private JsonNode send(HttpRequest req) throws Exception {
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(req.method() + " " + req.uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + restPort + path);
    }

    interface Probe<T> {
        T poll() throws Exception;
    }

    /** Polls {@code probe} every 250 ms until it returns non-null; fails naming {@code what} and the logs after {@code timeout}. */
    <T> T await(Duration timeout, String what, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new AssertionError("the JobManager exited; see " + work.resolve("log"));
            }
            T v = probe.poll();
            if (v != null) {
                return v;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no " + what + " within " + timeout + "; logs in " + work.resolve("log"));
    }

    static <T> Predicate<T> not(Predicate<T> p) {
        return p.negate();
    }

    @Override
    public void close() {
        List<Process> all = new ArrayList<>(taskManagers);
        all.add(jobManager);
        for (Process p : all) {
            p.destroy();
        }
        for (Process p : all) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static List<String> split(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(x -> !x.isEmpty()).toList();
    }

    /** "-D k=v -D k2=v2" as Flink's scripts pass it: pairs of "-D", "k=v". */
    private static List<String> dynamic(String s) {
        return split(s);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
