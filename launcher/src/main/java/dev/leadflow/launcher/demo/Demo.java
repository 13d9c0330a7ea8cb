package dev.leadflow.launcher.demo;

import dev.leadflow.collector.Collector;
import dev.leadflow.collector.CollectorConfig;
import dev.leadflow.embedded.redis.RedisServer;
import dev.leadflow.job.JobSettings;
import dev.leadflow.job.LeadFlowJob;
import dev.leadflow.job.LeadFlowPipeline;
import dev.leadflow.job.control.ModelTopic;
import dev.leadflow.launcher.LocalFlink;
import dev.leadflow.launcher.Ports;
import dev.leadflow.launcher.Quietly;
import dev.leadflow.launcher.generator.EventProducer;
import dev.leadflow.launcher.generator.GeneratorRun;
import dev.leadflow.launcher.generator.TrafficGenerator;
import dev.leadflow.launcher.registry.RegistryServer;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything of LeadFlow in one process: a KRaft Kafka broker, the schema-registry endpoint, a
 * redis-server child process, the scoring job on a local Flink cluster with its web UI, the seller
 * API and page, the collector (Segment's HTTP API), a small product website whose pages send to it,
 * and the traffic generator. {@link #close()} stops all of it, in reverse order.
 *
 * <p>A second start on the same data directory resumes the first whole: Kafka reopens its log
 * directory ({@link DemoKafka}), the job is restored from its latest retained checkpoint (which
 * names its Kafka offsets), and Redis keeps the queue (append-only file). Without a checkpoint (a
 * run stopped before its first one, or a data directory of an older demo) nothing is resumed: Kafka's
 * and Flink's files are wiped and the leads a previous run left in Redis are cleared, since a queue
 * kept without the state behind it would hold leads that never cool or leave. {@link #notes()} says
 * which happened. The registry's schemas are always kept (ids stay the same).
 */
public final class Demo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    /** What to run where. */
    public record Options(int kafkaPort, int registryPort, int redisPort, int apiPort, int flinkUiPort,
            int collectorPort, int sitePort, double rate, boolean generator, Path dataDir, long seed, int parallelism,
            Duration checkpointInterval, JobSettings.StateBackend stateBackend) {

        public static Options defaults() {
            return new Options(9092, 8081, 6379, 8080, 8082, 8090, 8088, 20, true, defaultDataDir(), System.nanoTime(), 2,
                    Duration.ofSeconds(10), JobSettings.StateBackend.HASHMAP);
        }

        public static Path defaultDataDir() {
            return Path.of(System.getProperty("user.home"), ".leadflow", "demo");
        }

        public Map<String, Integer> portsByFlag() {
            Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("kafka-port", kafkaPort);
            ports.put("registry-port", registryPort);
            ports.put("redis-port", redisPort);
            ports.put("api-port", apiPort);
            ports.put("flink-ui-port", flinkUiPort);
            ports.put("collector-port", collectorPort);
            ports.put("site-port", sitePort);
            return ports;
        }
    }

    private final Options options;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private FileLock lock;
    private RedisServer redis;
    private DemoKafka kafka;
    private RegistryServer registry;
    private LocalFlink flink;
    private JobID job;
    private SellerApiLauncher.Running api;
    private Collector collector;
    private String writeKey;
    private DemoSite site;
    private final List<String> notes = new ArrayList<>();
    private Thread generatorThread;
    private volatile boolean stopping;

    private Demo(Options options) {
        this.options = options;
    }

    /** Starts everything; on any failure stops what had started and rethrows. */
    public static Demo start(Options options) throws Exception {
        Ports.requireFree(options.portsByFlag());
        Demo demo = new Demo(options);
        try {
            demo.startAll();
            return demo;
        } catch (Exception | Error e) {
            demo.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Path data = options.dataDir().toAbsolutePath();
        Files.createDirectories(data);
        lockDataDir(data);

        redis = RedisServer.start(RedisServer.Options.defaults()
                .withPort(options.redisPort())
                .withDir(data.resolve("redis"))
                .withAppendOnly(true)
                .withStartupTimeout(Duration.ofSeconds(60)));
        started.push(redis::stop);
        LOG.info("redis-server ready at {}", redis.uri());

        // Resume all of Kafka, the job and the queue, or none: a job without its state (or one whose
        // committed offsets skip what built that state) beside a kept queue would leave leads that never
        // cool or leave.
        Path checkpoints = data.resolve("flink").resolve("checkpoints");
        Optional<Path> resumeFrom = Files.exists(data.resolve("kafka").resolve("logs").resolve("meta.properties"))
                ? latestCheckpoint(checkpoints) : Optional.empty();
        if (resumeFrom.isEmpty()) {
            deleteRecursively(data.resolve("kafka"));
            deleteRecursively(data.resolve("flink"));
            clearPreviousQueues();
        } else {
            // older runs' checkpoints are of no further use
            try (Stream<Path> jobs = Files.list(checkpoints)) {
                jobs.filter(j -> !resumeFrom.get().startsWith(j)).forEach(Demo::deleteRecursively);
            }
        }
        kafka = Quietly.call(() -> DemoKafka.start(data.resolve("kafka"), options.kafkaPort(), Duration.ofSeconds(120)));
        started.push(kafka);
        kafka.createTopics(options.parallelism(), Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES);
        kafka.createTopics(1, Topics.HANDOFFS, Topics.DLQ, Topics.SCORING_MODEL, Topics.PRIVACY,
                Topics.PRIVACY_CONFIRMATIONS, Topics.CONTROL);
        LOG.info("Kafka ready at {}", kafka.bootstrapServers());

        registry = RegistryServer.start("127.0.0.1", options.registryPort(), data.resolve("registry").resolve("schemas.jsonl"));
        started.push(registry);

        flink = LocalFlink.start(options.parallelism(), options.flinkUiPort(), checkpoints, new Configuration());
        started.push(flink);
        job = submitJob(resumeFrom.orElse(null));
        resumeFrom.ifPresent(c -> notes.add("Resumed the previous run: Kafka's topics, the queue, and the job's state from"
                + " its checkpoint " + c.getParent().getFileName() + ". A new --data-dir starts empty."));

        api = SellerApiLauncher.start(options.apiPort(), redis.uri(), kafka.bootstrapServers(), registry.url(), data);
        if (api != null) {
            started.push(api);
        }

        startCollector(data);
        site = DemoSite.start(options.sitePort(), collectorUrl(), writeKey, api == null ? null : apiUrl() + "/");
        started.push(site);

        if (options.generator()) {
            startGenerator();
        }
    }

    /**
     * With nothing to resume, Kafka and the job start empty, so the queue must too: leads a previous run
     * left would have no state behind them in the job, and would never cool, be withdrawn or leave.
     */
    private void clearPreviousQueues() {
        long leads = 0;
        try (HandoffQueue queue = HandoffQueue.connect(RedisConfig.fromUri(redis.uri()), HandoffQueue.Options.defaults())) {
            for (String name : queue.queues()) {
                leads += queue.depth(name) + queue.claimedCount(name);
            }
        }
        redis.flushAll();
        if (leads > 0) {
            notes.add(String.format(Locale.ROOT, "Cleared the %d lead%s the previous run left in the queues: it left no"
                    + " checkpoint of the job to resume from, so Kafka and the job start empty, and a queue kept without"
                    + " them would hold leads that never cool or leave.", leads, leads == 1 ? "" : "s"));
        }
    }

    /** The collector on the demo's Kafka and registry, with a write key for the website that is new on every start. */
    private void startCollector(Path data) throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        writeKey = "wk_" + HexFormat.of().formatHex(random);
        Path keys = data.resolve("collector-keys.yaml");
        Files.writeString(keys, "# written by ./leadflow demo on every start; the write key is printed, only its hash kept\n"
                + "keys:\n"
                + "  - name: demo-website\n"
                + "    kind: tracking\n"
                + "    sha256: " + Collector.hashKey(writeKey) + "\n", StandardCharsets.UTF_8);
        CollectorConfig config = CollectorConfig.defaults(keys)
                .withPort(options.collectorPort())
                .withKafka(kafka.bootstrapServers(), Map.of())
                .withRegistry(registry.url())
                .withAllowedOrigins(List.of("http://127.0.0.1:" + options.sitePort(), "http://localhost:" + options.sitePort()));
        collector = Collector.start(config);
        started.push(collector);
        LOG.info("collector ready at {}", collectorUrl());
    }

    /** Submits the job, restored from {@code checkpoint} (its {@code _metadata} file) when not null. */
    private JobID submitJob(Path checkpoint) throws Exception {
        JobSettings s = jobSettings();
        StreamExecutionEnvironment env = flink.environment();
        LeadFlowJob.configure(env, s);
        // as the job's main does: an empty model topic gets the model the job runs, so `leadflow model show` (and
        // every tool that reads the model in force) finds it; a model published since stays in force
        ModelTopic.reconcile(LeadFlowJob.clientProperties(s), ScoringModel.defaults(), ScoringModel.document(null),
                Duration.ofSeconds(30));
        LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s), LeadFlowJob.kafkaOutputs(s), ScoringModel.defaults(), s);
        JobID id = flink.submit(env, LeadFlowJob.JOB_NAME, checkpoint == null ? null : checkpoint.getParent());
        try {
            flink.awaitRunning(id, Duration.ofSeconds(120));
        } catch (Exception e) {
            if (checkpoint != null) {
                throw new IllegalStateException("the job could not resume from " + checkpoint.getParent()
                        + "; start with another --data-dir (or delete " + options.dataDir() + ") to begin empty", e);
            }
            throw e;
        }
        return id;
    }

    /** The newest complete checkpoint ({@code <job>/chk-<n>/_metadata}) under {@code dir}, if any. */
    static Optional<Path> latestCheckpoint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(dir, 3)) {
            return files.filter(f -> f.getFileName().toString().equals("_metadata")
                            && f.getParent().getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparing(f -> {
                        try {
                            return Files.getLastModifiedTime(f);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }));
        }
    }

    public JobSettings jobSettings() {
        JobSettings s = new JobSettings();
        s.bootstrapServers = kafka.bootstrapServers();
        s.registryUrl = registry.url();
        s.redisUri = redis.uri();
        s.groupId = "leadflow-demo";
        s.checkpointInterval = options.checkpointInterval();
        s.parallelism = options.parallelism();
        s.stateBackend = options.stateBackend();
        return s.validate();
    }

    private void startGenerator() {
        EventProducer producer = new EventProducer(kafka.bootstrapServers(), RegistryConfig.of(registry.url()), Map.of(), false,
                EventProducer.RecordTime.SEND);
        TrafficGenerator generator = new TrafficGenerator(options.seed(), System.currentTimeMillis(), options.rate());
        GeneratorRun run = new GeneratorRun(generator, producer::send).rate(options.rate()).stopWhen(() -> stopping);
        generatorThread = new Thread(() -> {
            try (producer) {
                run.run();
            } catch (RuntimeException e) {
                if (!stopping) {
                    LOG.error("the traffic generator stopped", e);
                }
            }
        }, "leadflow-generator");
        generatorThread.setDaemon(true);
        generatorThread.start();
        started.push(() -> {
            stopping = true;
            generatorThread.join(10_000);
        });
    }

    /** Prints every endpoint and the demo tokens. */
    public void printEndpoints(PrintStream out) throws Exception {
        out.println();
        out.println("LeadFlow demo is running. Data: " + options.dataDir().toAbsolutePath() + "   Ctrl-C stops everything.");
        out.println();
        row(out, "Website", siteUrl() + "/   (open it, look at pricing, request a demo: you appear on the seller page)");
        row(out, "Collector", collectorUrl() + "   (Segment HTTP API: /v1/track, /v1/identify, /v1/page, /v1/batch ...)");
        row(out, "Write key", writeKey + "   (the website's; HTTP Basic user or \"writeKey\" in the body)");
        if (api != null) {
            row(out, "Seller page", apiUrl() + "/");
            row(out, "Seller API", apiUrl() + "/api/v1/queues");
            row(out, "API metrics", apiUrl() + "/metrics");
        } else {
            row(out, "Seller API", "(not built into this launcher)");
        }
        row(out, "Flink web UI", flinkUrl());
        row(out, "Job metrics", flinkUrl() + "/#/job/running/" + job + "/overview  (and REST /jobs/" + job + ")");
        row(out, "Kafka bootstrap", kafka.bootstrapServers());
        row(out, "Schema registry", registry.url() + "   (Confluent REST API; production uses a real Confluent Schema Registry)");
        row(out, "Redis", redis.uri());
        row(out, "Generator", options.generator()
                ? String.format(Locale.ROOT, "%s events/s, seed %d   (--rate, --seed, --no-generator)", trim(options.rate()), options.seed())
                : "off (--no-generator): produce to the topics yourself");
        if (api != null) {
            out.println();
            out.println("  Demo tokens (Authorization: Bearer <token>; the seller page asks for one):");
            for (SellerApiLauncher.DemoUser u : api.users()) {
                out.printf(Locale.ROOT, "    %-8s %-44s %s%n", u.id(), u.token(), u.description());
            }
        }
        for (String note : notes) {
            out.println();
            out.println("  Note: " + note);
        }
        out.println();
        out.flush();
    }

    /** What the start did that a user should know (a previous run's queue cleared). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public String collectorUrl() {
        return "http://127.0.0.1:" + (collector == null ? options.collectorPort() : collector.port());
    }

    public String siteUrl() {
        return "http://127.0.0.1:" + site.port();
    }

    /** The website's write key, new on every start. */
    public String writeKey() {
        return writeKey;
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf(Locale.ROOT, "  %-17s %s%n", name, value);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public String redisUri() {
        return redis.uri();
    }

    public long redisPid() {
        return redis.pid();
    }

    public String flinkUrl() throws Exception {
        String url = flink.webUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The seller API's base URL, or null when the launcher has no seller API. */
    public String apiUrl() {
        return api == null ? null : "http://127.0.0.1:" + api.port();
    }

    public List<SellerApiLauncher.DemoUser> users() {
        return api == null ? List.of() : api.users();
    }

    public JobID job() {
        return job;
    }

    @Override
    public synchronized void close() {
        stopping = true;
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("while stopping the demo", e);
            }
        }
        if (lock != null) {
            try {
                lock.channel().close();
            } catch (IOException e) {
                LOG.warn("cannot release the data directory lock", e);
            }
            lock = null;
        }
    }

    private void lockDataDir(Path data) throws IOException {
        FileChannel channel = FileChannel.open(data.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            channel.close();
            throw new IllegalStateException("another demo is using " + data + "; stop it or start with --data-dir <another dir>");
        }
        lock = l;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
