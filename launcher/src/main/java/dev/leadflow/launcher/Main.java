package dev.leadflow.launcher;

import dev.leadflow.launcher.backtest.Backtest;
import dev.leadflow.launcher.bench.Bench;
import dev.leadflow.launcher.demo.DemoCommand;
import dev.leadflow.launcher.generator.GenerateCommand;
import dev.leadflow.launcher.ops.EraseCommand;
import dev.leadflow.launcher.ops.ModelCommand;
import dev.leadflow.launcher.ops.RebuildQueueCommand;
import java.io.PrintStream;
import java.util.Arrays;

/** {@code leadflow demo | generate | bench | backtest | erase | rebuild-queue | model}: see {@link #usage}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        configureLogging(args);
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Logs go to a file, not the console: {@code <data-dir>/logs/leadflow.log} for the demo, else
     * {@code ./leadflow-<command>.log}. Must run before any class creates a logger. The config is
     * named explicitly because a Kafka jar on the classpath ships its own log4j2.yaml.
     */
    static void configureLogging(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "leadflow-log4j2.xml");
        }
        if (System.getProperty("leadflow.log.file") != null) {
            return;
        }
        String command = args.length == 0 ? "help" : args[0];
        java.nio.file.Path file = java.nio.file.Path.of("leadflow-" + command + ".log");
        if (command.equals("demo")) {
            java.nio.file.Path dataDir = dev.leadflow.launcher.demo.Demo.Options.defaultDataDir();
            for (int i = 1; i < args.length; i++) {
                if (args[i].equals("--data-dir") && i + 1 < args.length) {
                    dataDir = java.nio.file.Path.of(args[i + 1]);
                } else if (args[i].startsWith("--data-dir=")) {
                    dataDir = java.nio.file.Path.of(args[i].substring("--data-dir=".length()));
                }
            }
            file = dataDir.resolve("logs").resolve("leadflow.log");
        }
        System.setProperty("leadflow.log.file", file.toAbsolutePath().toString());
    }

    /** Runs a command; returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(usage());
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "demo":
                    return DemoCommand.run(Flags.parse(rest), out, err);
                case "generate":
                    return GenerateCommand.run(Flags.parse(rest), out, err);
                case "bench":
                    return Bench.run(Flags.parse(rest), out, err);
                case "backtest":
                    return Backtest.run(Flags.parse(rest), out, err);
                case "erase":
                    return EraseCommand.run(rest, out, err);
                case "rebuild-queue":
                    return RebuildQueueCommand.run(Flags.parse(rest), out, err);
                case "model":
                    return ModelCommand.run(rest, out, err);
                default:
                    err.println("leadflow: unknown command '" + args[0] + "'");
                    err.print(usage());
                    return 2;
            }
        } catch (Flags.UsageException e) {
            err.println("leadflow " + args[0] + ": " + e.getMessage());
            err.println("(leadflow help lists every option)");
            return 2;
        } catch (Exception e) {
            err.println("leadflow " + args[0] + " failed: " + e);
            Throwable cause = e.getCause();
            while (cause != null) {
                err.println("  caused by: " + cause);
                cause = cause.getCause();
            }
            return 1;
        }
    }

    public static String usage() {
        return String.join("\n",
                "Usage: ./leadflow <command> [options]",
                "",
                "  demo       Kafka, schema registry, Redis, the scoring job on a local Flink (with web UI),",
                "             the seller API and page, the collector (Segment's HTTP API), a product website",
                "             that sends to it, and a traffic generator, all on this machine.",
                "               --kafka-port 9092  --registry-port 8081  --redis-port 6379  --api-port 8080",
                "               --flink-ui-port 8082  --collector-port 8090  --site-port 8088",
                "               --rate 20 (events/s)  --no-generator  --seed N",
                "               --data-dir ~/.leadflow/demo  --parallelism 2  --state-backend hashmap|rocksdb",
                "",
                "  generate   Realistic synthetic traffic into any Kafka + schema registry.",
                "               --bootstrap-servers localhost:9092  --registry-url http://localhost:8081",
                "               --registry-user U --registry-password P (or --registry-password-file F)",
                "               --rate 100 (events/s; 0 = as fast as possible)  --duration 5m | --count N",
                "               --seed N  --start 2025-03-01T09:00:00Z (same seed + start = same events)",
                "               --event-rate 1000 (with --rate 0: events per second of event time; 0.05 spreads",
                "                 100,000 events over 23 days, so that the funnel's opportunities and deals happen)",
                "               --kafka.<property> value (any Kafka producer property, e.g. --kafka.security.protocol SASL_SSL)",
                "               --kafka-properties-file F (Kafka client properties, e.g. SASL; --kafka.* override it)",
                "",
                "  bench      The benchmark: preload N events, drain them with a floor job and with LeadFlow,",
                "             then measure event-to-queue latency at a fixed offered rate.",
                "               --events 2000000  --latency-rate 25000  --latency-duration 60s  --parallelism <cores / 2>",
                "               --buffer-timeout 5ms  --checkpoint-interval 10s  --seed 42  --data-dir <temp>",
                "               --warmup 300s (at most: the LeadFlow job runs unmeasured until the JIT has compiled it; 0 = none)",
                "               --history <duration> (event time the preloaded events span; default: events / latency rate)",
                "               --state-backend hashmap|rocksdb (default hashmap; rocksdb checkpoints incrementally)",
                "               --backtest (also time one leadflow backtest replay of the preloaded events)",
                "",
                "  backtest   Replays a period of the input topics through the scoring job once per model and",
                "             compares the handoffs with what sales did next (docs/backtest.md).",
                "               --model candidate.yaml  [--baseline current.yaml (default: the default model)]",
                "               --from 2026-01-01 --to 2026-03-31 (dates, UTC, --to inclusive; or instants)",
                "               --outcome-window 90d  --report backtest.html  --json <report>.json  --parallelism N",
                "               --bootstrap-servers, --registry-url, --registry-user/-password(-file), --kafka.<property>",
                "",
                "  erase <lead-id>",
                "             GDPR erasure: asks the running scoring job to erase the lead (state, stitched anonymous",
                "             ids, queue entries, payloads, claims) and waits for its confirmation; exit 1 on timeout.",
                "               --wait 60s (0 = send and do not wait)  --requested-by <ticket or user>",
                "               --bootstrap-servers, --registry-url, --registry-user/-password(-file), --kafka.<property>",
                "",
                "  rebuild-queue",
                "             Asks the running scoring job to write every open handoff to Redis again (after Redis",
                "             lost data).  --requested-by <who>  and the same Kafka/registry options as erase",
                "",
                "  model publish <file.yaml>",
                "             Validates a scoring model and publishes it to leadflow.scoring-model, the model's one",
                "             source of truth; exit 1 (nothing published) if invalid.  Kafka/registry options as erase",
                "  model show [--full]",
                "             Prints the version in force on leadflow.scoring-model (--full: the document too).",
                "",
                "Logs go to <data-dir>/logs/leadflow.log (demo) or ./leadflow-<command>.log.",
                "");
    }
}
