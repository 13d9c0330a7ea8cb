package dev.leadflow.launcher.demo;

import dev.leadflow.job.JobSettings;
import dev.leadflow.launcher.Flags;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/** {@code leadflow demo}: starts {@link Demo}, prints the endpoints, runs until Ctrl-C. */
public final class DemoCommand {

    private DemoCommand() {}

    public static int run(Flags flags, PrintStream out, PrintStream err) throws Exception {
        Demo.Options d = Demo.Options.defaults();
        Demo.Options options = new Demo.Options(
                flags.port("kafka-port", d.kafkaPort()),
                flags.port("registry-port", d.registryPort()),
                flags.port("redis-port", d.redisPort()),
                flags.port("api-port", d.apiPort()),
                flags.port("flink-ui-port", d.flinkUiPort()),
                flags.port("collector-port", d.collectorPort()),
                flags.port("site-port", d.sitePort()),
                flags.decimal("rate", d.rate()),
                !flags.bool("no-generator"),
                flags.path("data-dir", d.dataDir()),
                flags.longValue("seed", d.seed()),
                flags.integer("parallelism", d.parallelism()),
                flags.duration("checkpoint-interval", d.checkpointInterval()),
                stateBackend(flags, d.stateBackend()));
        flags.requireAllUsed();
        if (!(options.rate() > 0)) {
            throw new Flags.UsageException("--rate must be positive (use --no-generator to send nothing)");
        }
        if (options.parallelism() < 1) {
            throw new Flags.UsageException("--parallelism must be >= 1");
        }
        java.nio.file.Files.createDirectories(options.dataDir().toAbsolutePath().resolve("logs"));

        out.println("Starting Kafka, the schema registry, Redis, Flink, the scoring job, the seller API, the collector and the website...");
        long t0 = System.nanoTime();
        Demo demo = Demo.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            out.println();
            out.println("Stopping the demo...");
            demo.close();
            out.println("Stopped.");
            stopped.countDown();
        }, "leadflow-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("Started in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
        demo.printEndpoints(out);
        stopped.await();
        return 0;
    }

    /** {@code --state-backend hashmap|rocksdb}, shared with {@code leadflow bench}. */
    public static JobSettings.StateBackend stateBackend(Flags flags, JobSettings.StateBackend fallback) {
        String value = flags.string("state-backend", null);
        try {
            return value == null ? fallback : JobSettings.StateBackend.parse(value);
        } catch (IllegalArgumentException e) {
            throw new Flags.UsageException("--" + e.getMessage());
        }
    }
}
