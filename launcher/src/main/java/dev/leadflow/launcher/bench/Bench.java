package dev.leadflow.launcher.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.embedded.kafka.KafkaBroker;
import dev.leadflow.embedded.redis.RedisServer;
import dev.leadflow.job.JobMetrics;
import dev.leadflow.job.JobSettings;
import dev.leadflow.job.LeadFlowJob;
import dev.leadflow.job.LeadFlowPipeline;
import dev.leadflow.launcher.Flags;
import dev.leadflow.launcher.LocalFlink;
import dev.leadflow.launcher.Quietly;
import dev.leadflow.launcher.backtest.Backtest;
import dev.leadflow.launcher.demo.DemoCommand;
import dev.leadflow.launcher.generator.EventProducer;
import dev.leadflow.launcher.generator.GeneratorRun;
import dev.leadflow.launcher.generator.TrafficGenerator;
import dev.leadflow.launcher.registry.RegistryServer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code leadflow bench}: the benchmark every performance claim quotes. On one machine, with Kafka,
 * Redis and Flink all local:
 * <ol>
 *   <li>preload N events of the generator's mix into the input topics;
 *   <li>warm-up: the LeadFlow job runs over them for a while, unmeasured, so that the measured
 *       phases run JIT-compiled code, as a long-running TaskManager does;
 *   <li>floor: {@link FloorJob} drains them (same sources and decoding, one state update per event);
 *   <li>LeadFlow: the real job (stitching, scoring, prioritizer, Redis queue sink, audit topic)
 *       drains the same events;
 *   <li>latency: the real job, live, at a fixed offered rate: for each handoff, the time from its
 *       triggering event's Kafka timestamp to Redis acknowledging the queue write (every sample of
 *       the queue sink's own histogram, which the benchmark sizes to keep them all);
 *   <li>a table and one JSON line.
 * </ol>
 * Drain throughput is records read by the sources per second, from the first record to the last;
 * the sources can only read as fast as the pipeline behind them processes (backpressure).
 */
public final class Bench {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the benchmark runs with. */
    public record Options(long events, double latencyRate, Duration latencyDuration, int parallelism,
            Duration bufferTimeout, Duration checkpointInterval, long seed, Path dataDir, boolean keepData,
            Duration warmup, Duration history, JobSettings.StateBackend stateBackend, boolean backtest) {

        /**
         * Event time the preloaded events span: {@code --history}, else as if they had arrived at the latency
         * phase's rate. A longer history lets decay, refresh and expiry timers fire during the drain.
         */
        public Duration historySpan() {
            return history != null ? history : Duration.ofMillis((long) (events * 1000 / latencyRate));
        }
    }

    /** The figures. */
    public record Result(long events, double floorEps, double leadflowEps, double p50, double p95, double p99,
            double max, long latencySamples, double offeredRate, double loadAverage, double floorCpuUs,
            double leadflowCpuUs, long handoffActions, Checkpoints checkpoints, Warmup warmup, Replayed replayed,
            Options options) {

        /** Queue actions (ENQUEUE, UPDATE, WITHDRAW) the LeadFlow drain decided per 1,000 events. */
        public double actionsPerThousandEvents() {
            return handoffActions * 1000.0 / events;
        }


        /** How long the LeadFlow drain took, from its events/s. */
        public double drainSeconds() {
            return leadflowEps == 0 ? 0 : events / leadflowEps;
        }

        public double ratio() {
            return floorEps == 0 ? 0 : leadflowEps / floorEps;
        }

        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("events", events);
            m.put("floor_eps", Math.round(floorEps));
            m.put("leadflow_eps", Math.round(leadflowEps));
            m.put("ratio", round(ratio(), 3));
            m.put("p50_ms", round(p50, 1));
            m.put("p95_ms", round(p95, 1));
            m.put("p99_ms", round(p99, 1));
            m.put("max_ms", round(max, 1));
            m.put("latency_rate", Math.round(options.latencyRate()));
            m.put("latency_offered_eps", Math.round(offeredRate));
            m.put("latency_seconds", options.latencyDuration().toSeconds());
            m.put("latency_samples", latencySamples);
            m.put("cores", Runtime.getRuntime().availableProcessors());
            m.put("parallelism", options.parallelism());
            m.put("state_backend", options.stateBackend().flinkName);
            m.put("buffer_timeout_ms", options.bufferTimeout().toMillis());
            m.put("checkpoint_interval_ms", options.checkpointInterval().toMillis());
            m.put("gc", collector());
            m.put("warmup_s", Math.round(warmup.seconds()));
            m.put("jit_settled", warmup.jitSettled());
            // other work on the machine skews every figure: the 1-minute load average at the end says how much
            m.put("load_avg_1m", round(loadAverage, 2));
            // CPU time (this JVM with its in-process Kafka broker and Flink, plus redis-server) per
            // drained event: unlike events/s, hardly moved by other work on the machine
            m.put("floor_cpu_us_per_event", round(floorCpuUs, 1));
            m.put("leadflow_cpu_us_per_event", round(leadflowCpuUs, 1));
            // event time the preloaded history spans, and the queue actions the drain decided over it
            m.put("history_s", options.historySpan().toSeconds());
            m.put("handoff_actions_per_1k_events", round(actionsPerThousandEvents(), 1));
            // the first checkpoint completed after the LeadFlow drain: the state of every preloaded lead
            m.put("checkpoint_full_bytes", checkpoints.fullBytes());
            m.put("checkpoint_bytes", checkpoints.bytes());
            m.put("checkpoint_ms", checkpoints.durationMs());
            if (replayed != null) {
                // --backtest: one model's replay of the preloaded events as leadflow backtest runs it
                m.put("backtest_replay_s", round(replayed.seconds(), 1));
                m.put("backtest_to_drain_ratio", round(replayed.seconds() / drainSeconds(), 2));
                m.put("backtest_handoffs", replayed.handoffs());
            }
            return m;
        }
    }

    /**
     * {@code --backtest}: the wall time of one {@code leadflow backtest} replay (default model, batch mode, the
     * bench's parallelism) over the preloaded events, and the leads it handed off.
     */
    public record Replayed(double seconds, int handoffs) {}

    /** The garbage collector of this JVM, by the name of its first collector bean ("G1", "ZGC", ...). */
    static String collector() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(b -> b.getName().split(" ")[0])
                .findFirst().orElse("unknown");
    }

    /**
     * The first checkpoint the LeadFlow drain's job completed after the last event: its full state
     * size, what it wrote (less than the full size when RocksDB checkpoints incrementally) and how
     * long it took from trigger to completion. -1 when none completed within a minute.
     */
    public record Checkpoints(long fullBytes, long bytes, long durationMs) {
        static final Checkpoints NONE = new Checkpoints(-1, -1, -1);
    }

    /** How long the warm-up ran, and whether the JIT had settled by its end. */
    public record Warmup(double seconds, boolean jitSettled) {}

    private final Options options;
    private final PrintStream out;

    private Bench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static int run(Flags flags, PrintStream out, PrintStream err) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Options o = new Options(
                flags.longValue("events", 2_000_000),
                flags.decimal("latency-rate", 25_000),
                flags.duration("latency-duration", Duration.ofSeconds(60)),
                flags.integer("parallelism", defaultParallelism(cores)),
                flags.duration("buffer-timeout", Duration.ofMillis(5)),
                flags.duration("checkpoint-interval", Duration.ofSeconds(10)),
                flags.longValue("seed", 42),
                flags.path("data-dir", null),
                flags.bool("keep-data"),
                flags.duration("warmup", Duration.ofSeconds(300)),
                flags.duration("history", null),
                DemoCommand.stateBackend(flags, JobSettings.StateBackend.HASHMAP),
                flags.bool("backtest"));
        flags.requireAllUsed();
        if (o.events() < 1) {
            throw new Flags.UsageException("--events must be >= 1");
        }
        if (o.parallelism() < 1) {
            throw new Flags.UsageException("--parallelism must be >= 1");
        }
        if (o.warmup().isNegative()) {
            throw new Flags.UsageException("--warmup must not be negative");
        }
        if (!(o.latencyRate() > 0)) {
            throw new Flags.UsageException("--latency-rate must be positive");
        }
        if (o.history() != null && o.history().toMillis() < 1) {
            throw new Flags.UsageException("--history must be positive, e.g. 6h");
        }
        Result r = new Bench(o, out).run();
        printTable(r, out);
        out.println(JSON.writeValueAsString(r.json()));
        out.flush();
        return 0;
    }

    /**
     * Half the cores. Each stage of the job already runs in a thread of its own (each source with its
     * decoder, stitching, scoring, the prioritizer with its sinks, the checkpoint writer), and the
     * broker, Redis and the generator share the machine: on 2 cores, parallelism 1 drained faster
     * and queued less at 25,000 events/s than parallelism 2, in every run of the comparison
     * docs/performance.md summarises.
     */
    static int defaultParallelism(int cores) {
        return Math.max(1, cores / 2);
    }

    Result run() throws Exception {
        Path data = options.dataDir() != null ? Files.createDirectories(options.dataDir())
                : Files.createTempDirectory("leadflow-bench-");
        try (RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withDir(data.resolve("redis")));
                KafkaBroker kafka = Quietly.call(() -> KafkaBroker.start(KafkaBroker.Options.defaults()
                        .withBaseDirectory(data.resolve("kafka"), true)));
                RegistryServer registry = RegistryServer.start("127.0.0.1", 0, null);
                LocalFlink flink = LocalFlink.start(options.parallelism(), 0, data.resolve("checkpoints"),
                        MetricsTap.configure(new Configuration()))) {
            kafka.createTopics(options.parallelism(), Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES);
            kafka.createTopics(1, Topics.HANDOFFS, Topics.DLQ, Topics.SCORING_MODEL, Topics.PRIVACY,
                    Topics.PRIVACY_CONFIRMATIONS, Topics.CONTROL);
            out.printf(Locale.ROOT, "bench: Kafka, Redis, registry and Flink (parallelism %d, %d cores) up; flink UI %s%n",
                    options.parallelism(), Runtime.getRuntime().availableProcessors(), flink.webUrl());

            preload(kafka, registry);
            Warmup warmup = warmUp(flink, kafka, redis, registry);
            double[] floor = drain(flink, redis, "floor", settings(kafka, redis, registry, "bench-floor"), true, job -> {});
            redis.flushAll();
            Checkpoints[] checkpoints = {Checkpoints.NONE};
            double[] leadflow = drain(flink, redis, "leadflow", settings(kafka, redis, registry, "bench-leadflow"), false,
                    job -> checkpoints[0] = checkpointAfterDrain(job));
            long actions = (long) leadflow[2];
            redis.flushAll();
            Replayed replayed = options.backtest() ? replay(kafka, redis, registry) : null;
            double[] latency = latency(flink, kafka, redis, registry);
            double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return new Result(options.events(), floor[0], leadflow[0], latency[0], latency[1], latency[2], latency[3],
                    (long) latency[4], latency[5], load, floor[1], leadflow[1], actions, checkpoints[0], warmup, replayed, options);
        } finally {
            if (!options.keepData()) {
                deleteRecursively(data);
            }
        }
    }

    /** One backtest replay of everything preloaded, timed from submission to the last handoff collected. */
    private Replayed replay(KafkaBroker kafka, RedisServer redis, RegistryServer registry) throws Exception {
        long started = System.nanoTime();
        int handoffs = Backtest.replayAll(settings(kafka, redis, registry, "bench-backtest"), ScoringModel.defaults(),
                new PrintStream(OutputStream.nullOutputStream()));
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "bench: backtest replay of %,d events: %.1f s, %,d leads handed off%n", options.events(),
                seconds, handoffs);
        return new Replayed(seconds, handoffs);
    }

    private JobSettings settings(KafkaBroker kafka, RedisServer redis, RegistryServer registry, String group) {
        JobSettings s = new JobSettings();
        s.bootstrapServers = kafka.bootstrapServers();
        s.registryUrl = registry.url();
        s.redisUri = redis.uri();
        s.groupId = group;
        s.parallelism = options.parallelism();
        s.bufferTimeout = options.bufferTimeout();
        s.checkpointInterval = options.checkpointInterval();
        s.stateBackend = options.stateBackend();
        return s.validate();
    }

    private void preload(KafkaBroker kafka, RegistryServer registry) {
        // event times end about now, spread over the history span; each record carries its event's time
        long span = options.historySpan().toMillis();
        double eventTimeRate = options.events() * 1000.0 / span;
        TrafficGenerator generator = new TrafficGenerator(options.seed(), System.currentTimeMillis() - span, eventTimeRate);
        try (EventProducer producer = new EventProducer(kafka.bootstrapServers(), RegistryConfig.of(registry.url()), Map.of(), true,
                EventProducer.RecordTime.EVENT)) {
            GeneratorRun.Result r = new GeneratorRun(generator, producer::send).count(options.events()).run();
            producer.flush();
            out.printf(Locale.ROOT, "bench: preloaded %,d events in %.1f s (%,.0f events/s); %,d people: %s%n",
                    r.events(), r.nanos() / 1e9, r.eventsPerSecond(),
                    generator.people(), generator.peopleByPersona());
        }
    }

    /**
     * Runs the LeadFlow job over the preloaded topics, unmeasured, until the JIT compiler has settled
     * or the warm-up time is up, whichever comes first; a pass that has read every event starts
     * again with a new consumer group. Without it the measured phases ran partly in not yet optimized
     * code while the one C2 compiler thread of a 2-core JVM compiled about 10 s of every 10 s, a fifth
     * of this process's CPU in the drains: costs a long-running TaskManager does not pay.
     * Settled: the JIT used less than {@link #JIT_SETTLED} of a core over the last
     * {@link #JIT_WINDOW}.
     */
    private Warmup warmUp(LocalFlink flink, KafkaBroker kafka, RedisServer redis, RegistryServer registry) throws Exception {
        if (options.warmup().isZero()) {
            return new Warmup(0, false);
        }
        long start = System.nanoTime();
        long end = start + options.warmup().toNanos();
        long read = 0;
        JitClock jit = new JitClock();
        boolean settled = false;
        long lastReport = start;
        for (int pass = 1; !settled && System.nanoTime() < end; pass++) {
            JobSettings s = settings(kafka, redis, registry, "bench-warmup-" + pass);
            JobID job = submit(flink, s, "bench-warmup-" + pass, false);
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
                long count;
                while ((count = MetricsTap.counter(job, JobMetrics.EVENTS_IN)) < options.events()
                        && System.nanoTime() < end) {
                    checkAlive(flink, job, deadline);
                    Thread.sleep(1_000);
                    double busy = jit.busyOverWindow();
                    if (busy >= 0 && busy < JIT_SETTLED) {
                        settled = true;
                        break;
                    }
                    if (System.nanoTime() - lastReport > 10_000_000_000L) {
                        out.printf(Locale.ROOT, "bench: warm-up: pass %d, %,d events read, JIT at %.0f %% of a core%n",
                                pass, count, 100 * Math.max(0, busy));
                        lastReport = System.nanoTime();
                    }
                }
                read += MetricsTap.counter(job, JobMetrics.EVENTS_IN);
            } finally {
                flink.cancel(job);
                MetricsTap.forget(job);
                redis.flushAll();
            }
        }
        double busy = jit.busyOverWindow();
        String state = settled ? "settled"
                : busy < 0 ? "not yet watched for a whole " + JIT_WINDOW.toSeconds() + " s"
                : String.format(Locale.ROOT, "still compiling (%.0f %% of a core over the last %d s)", 100 * busy,
                        JIT_WINDOW.toSeconds());
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "bench: warm-up: the LeadFlow job read %,d events in %.0f s, not measured; JIT %s%n", read,
                seconds, state);
        return new Warmup(seconds, settled);
    }

    /** The JIT counts as settled below this share of one core. */
    static final double JIT_SETTLED = 0.10;
    static final Duration JIT_WINDOW = Duration.ofSeconds(10);

    /** Compilation time of this JVM per wall time, over a sliding window. */
    private static final class JitClock {
        private final java.lang.management.CompilationMXBean bean = java.lang.management.ManagementFactory.getCompilationMXBean();
        private final java.util.ArrayDeque<long[]> samples = new java.util.ArrayDeque<>();

        /** Share of one core the JIT used over the last window; -1 until a whole window is seen. */
        double busyOverWindow() {
            long now = System.nanoTime();
            long compileMs = bean.getTotalCompilationTime();
            samples.addLast(new long[] {now, compileMs});
            while (samples.size() > 1 && now - samples.peekFirst()[0] > JIT_WINDOW.toNanos()) {
                samples.removeFirst();
            }
            long[] first = samples.peekFirst();
            long span = now - first[0];
            if (span < JIT_WINDOW.toNanos() * 9 / 10) {
                return -1;
            }
            return (compileMs - first[1]) * 1e6 / span;
        }
    }

    /**
     * Runs a job over the preloaded topics; returns records read per second, CPU microseconds per record and the
     * handoff actions the job decided until then.
     */
    private double[] drain(LocalFlink flink, RedisServer redis, String what, JobSettings s, boolean floor,
            java.util.function.Consumer<JobID> afterDrain) throws Exception {
        JobID job = submit(flink, s, "bench-" + what, floor);
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            long first;
            long firstCount;
            while (true) {
                firstCount = MetricsTap.counter(job, JobMetrics.EVENTS_IN);
                if (firstCount > 0) {
                    first = System.nanoTime();
                    break;
                }
                checkAlive(flink, job, deadline);
                Thread.sleep(5);
            }
            long firstCpu = cpuNanos(redis);
            long firstRedisCpu = redisCpuNanos(redis);
            long lastReport = first;
            long lastCheck = first;
            long count;
            while ((count = MetricsTap.counter(job, JobMetrics.EVENTS_IN)) < options.events()) {
                long now = System.nanoTime();
                if (now - lastCheck > 1_000_000_000L) {
                    // a job status call is an RPC: not every poll, the cluster shares these cores
                    checkAlive(flink, job, deadline);
                    lastCheck = now;
                }
                if (now - lastReport > 5_000_000_000L) {
                    out.printf(Locale.ROOT, "bench: %s: %,d of %,d events (%,.0f events/s so far)%n", what, count,
                            options.events(), (count - firstCount) * 1e9 / (now - first));
                    lastReport = now;
                }
                Thread.sleep(5);
            }
            long end = System.nanoTime();
            long cpu = cpuNanos(redis) - firstCpu;
            long redisCpu = redisCpuNanos(redis) - firstRedisCpu;
            long drained = options.events() - firstCount;
            double eps = drained * 1e9 / Math.max(1, end - first);
            double cpuUs = cpu / 1e3 / Math.max(1, drained);
            out.printf(Locale.ROOT, "bench: %s drained %,d events at %,.0f events/s, %.1f µs CPU per event (%.1f of them in redis-server)%n",
                    what, options.events(), eps, cpuUs, redisCpu / 1e3 / Math.max(1, drained));
            long actions = MetricsTap.counter(job, JobMetrics.HANDOFF_ACTIONS);
            afterDrain.accept(job);
            return new double[] {eps, cpuUs, actions};
        } finally {
            flink.cancel(job);
            MetricsTap.forget(job);
        }
    }

    /** Waits (at most a minute) for a checkpoint that completes after now and reads Flink's checkpoint gauges. */
    private Checkpoints checkpointAfterDrain(JobID job) {
        long before = MetricsTap.gauge(job, MetricsTap.COMPLETED_CHECKPOINTS);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        try {
            while (MetricsTap.gauge(job, MetricsTap.COMPLETED_CHECKPOINTS) <= before) {
                if (System.nanoTime() > deadline) {
                    out.println("bench: no checkpoint completed within a minute after the drain");
                    return Checkpoints.NONE;
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Checkpoints.NONE;
        }
        Checkpoints c = new Checkpoints(MetricsTap.gauge(job, MetricsTap.CHECKPOINT_FULL_SIZE),
                MetricsTap.gauge(job, MetricsTap.CHECKPOINT_SIZE), MetricsTap.gauge(job, MetricsTap.CHECKPOINT_DURATION));
        out.printf(Locale.ROOT, "bench: checkpoint after the drain: state %,d bytes, %,d bytes written, %,d ms (%s)%n",
                c.fullBytes(), c.bytes(), c.durationMs(), options.stateBackend().flinkName);
        return c;
    }

    /** Submits the floor job or the real LeadFlow job, configured as production configures it. */
    private static JobID submit(LocalFlink flink, JobSettings s, String name, boolean floor) throws Exception {
        StreamExecutionEnvironment env = flink.environment();
        LeadFlowJob.configure(env, s);
        if (floor) {
            FloorJob.define(env, LeadFlowJob.kafkaInputs(s), s);
        } else {
            LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s), LeadFlowJob.kafkaOutputs(s), ScoringModel.defaults(), s);
        }
        return flink.submit(env, name);
    }

    /** CPU time used so far by this JVM and by the redis-server child. */
    private static long cpuNanos(RedisServer redis) {
        long jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
        return jvm + redisCpuNanos(redis);
    }

    private static long redisCpuNanos(RedisServer redis) {
        return ProcessHandle.of(redis.pid()).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }

    /** p50, p95, p99, max, samples, offered events/s. */
    private double[] latency(LocalFlink flink, KafkaBroker kafka, RedisServer redis, RegistryServer registry) throws Exception {
        JobSettings s = settings(kafka, redis, registry, "bench-latency");
        s.startFrom = JobSettings.StartFrom.LATEST;
        long expected = (long) (options.latencyRate() * options.latencyDuration().toSeconds());
        s.latencyHistogramSize = (int) Math.max(10_000, Math.min(20_000_000, expected));
        JobID job = submit(flink, s, "bench-latency", false);
        try {
            flink.awaitRunning(job, Duration.ofMinutes(2));
            // the sources resolve "latest" when they are assigned their splits, just after RUNNING
            Thread.sleep(3_000);
            out.printf(Locale.ROOT, "bench: latency: offering %,.0f events/s for %d s%n", options.latencyRate(),
                    options.latencyDuration().toSeconds());
            TrafficGenerator generator = new TrafficGenerator(options.seed() + 1, System.currentTimeMillis(), options.latencyRate());
            GeneratorRun.Result sent;
            try (EventProducer producer = new EventProducer(kafka.bootstrapServers(), RegistryConfig.of(registry.url()), Map.of(), false,
                    EventProducer.RecordTime.SEND)) {
                sent = new GeneratorRun(generator, producer::send).rate(options.latencyRate())
                        .duration(options.latencyDuration()).run();
                producer.flush();
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (MetricsTap.counter(job, JobMetrics.EVENTS_IN) < sent.events()) {
                checkAlive(flink, job, deadline);
                Thread.sleep(100);
            }
            Thread.sleep(500); // the last queue writes: at most the sink's flush interval behind
            long[] samples = samples(job);
            Arrays.sort(samples);
            double offered = sent.eventsPerSecond();
            out.printf(Locale.ROOT, "bench: latency: %,d events sent (%,.0f events/s), %,d handoff actions measured%n",
                    sent.events(), offered, samples.length);
            if (samples.length == 0) {
                return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, offered};
            }
            return new double[] {percentile(samples, 50), percentile(samples, 95), percentile(samples, 99),
                samples[samples.length - 1], samples.length, offered};
        } finally {
            flink.cancel(job);
            MetricsTap.forget(job);
        }
    }

    private static long[] samples(JobID job) {
        long[] all = new long[0];
        for (Histogram h : MetricsTap.histograms(job, JobMetrics.EVENT_TO_QUEUE_MS)) {
            long[] values = h.getStatistics().getValues();
            long[] merged = Arrays.copyOf(all, all.length + values.length);
            System.arraycopy(values, 0, merged, all.length, values.length);
            all = merged;
        }
        return all;
    }

    /** Nearest-rank percentile of sorted samples. */
    static double percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static void checkAlive(LocalFlink flink, JobID job, long deadline) throws Exception {
        if (flink.status(job).isTerminalState()) {
            throw new IllegalStateException("benchmark job " + job + " ended: " + flink.failure(job));
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("benchmark job " + job + " did not finish in time");
        }
    }

    static void printTable(Result r, PrintStream out) {
        Options o = r.options();
        out.println();
        out.printf(Locale.ROOT, "LeadFlow bench: %,d events, %d cores, parallelism %d, %s state backend, buffer timeout %d ms, checkpoints every %d s, warm-up %.0f s (JIT %s), GC %s%n",
                r.events(), Runtime.getRuntime().availableProcessors(), o.parallelism(), o.stateBackend().flinkName, o.bufferTimeout().toMillis(),
                o.checkpointInterval().toSeconds(), r.warmup().seconds(), r.warmup().jitSettled() ? "settled" : "not settled", collector());
        out.println("  ┌──────────────────────────────────────────────┬──────────────┐");
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "floor job (read + decode + 1 state update)", String.format(Locale.ROOT, "%,.0f ev/s", r.floorEps()));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "LeadFlow job (drain)", String.format(Locale.ROOT, "%,.0f ev/s", r.leadflowEps()));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "ratio LeadFlow / floor", String.format(Locale.ROOT, "%.2f", r.ratio()));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "CPU per event: floor", String.format(Locale.ROOT, "%.1f µs", r.floorCpuUs()));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "CPU per event: LeadFlow", String.format(Locale.ROOT, "%.1f µs", r.leadflowCpuUs()));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", String.format(Locale.ROOT, "queue actions / 1,000 events (%.1f h history)",
                o.historySpan().toMillis() / 3_600_000.0), String.format(Locale.ROOT, "%.1f", r.actionsPerThousandEvents()));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "checkpoint after the drain: state", String.format(Locale.ROOT, "%,.1f MiB", r.checkpoints().fullBytes() / 1048576.0));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "                            written", String.format(Locale.ROOT, "%,.1f MiB", r.checkpoints().bytes() / 1048576.0));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "                            duration", String.format(Locale.ROOT, "%,d ms", r.checkpoints().durationMs()));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", String.format(Locale.ROOT, "latency at %,.0f ev/s offered: p50", r.offeredRate()), ms(r.p50()));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "                                 p95", ms(r.p95()));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "                                 p99", ms(r.p99()));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "                                 max", ms(r.max()));
        out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "handoff actions measured", String.format(Locale.ROOT, "%,d", r.latencySamples()));
        if (r.replayed() != null) {
            out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "backtest replay, same events (--backtest)",
                    String.format(Locale.ROOT, "%.1f s", r.replayed().seconds()));
            out.printf(Locale.ROOT, "  │ %-44s │ %12s │%n", "  / LeadFlow drain time",
                    String.format(Locale.ROOT, "%.2f", r.replayed().seconds() / r.drainSeconds()));
        }
        out.println("  └──────────────────────────────────────────────┴──────────────┘");
        out.printf(Locale.ROOT, "  (1-minute load average at the end: %.2f on %d cores)%n", r.loadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f ms", v);
    }

    private static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return -1;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
