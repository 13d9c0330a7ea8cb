package dev.leadflow.collector;

import io.javalin.Javalin;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector: Segment's HTTP Tracking API and a CRM webhook in front of the contract's Kafka topics.
 * {@link #start} runs it embedded; {@link #main} runs it standalone:
 * {@code java -jar leadflow-collector-<version>.jar --config collector.yaml}, and
 * {@code java -jar leadflow-collector-<version>.jar hash-key <key>} prints the hash a keys file holds.
 */
public final class Collector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

    private final Javalin app;
    private final EventWriter writer;

    private Collector(Javalin app, EventWriter writer) {
        this.app = app;
        this.writer = writer;
    }

    /**
     * Starts the collector and returns once it listens. Kafka need not be up: requests get 503 until it is.
     *
     * @throws IllegalArgumentException if the keys file is invalid
     */
    public static Collector start(CollectorConfig config) {
        WriteKeys keys = WriteKeys.load(config.keysFile());
        CollectorMetrics metrics = new CollectorMetrics();
        EventWriter writer = new EventWriter(config, metrics);
        try {
            Routes routes = new Routes(keys, writer, metrics, config);
            Javalin app = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.startup.showOldJavalinVersionWarning = false;
                cfg.jetty.port = config.port();
                cfg.http.maxRequestSize = Routes.MAX_BATCH_BYTES + 1L;
                routes.register(cfg.routes);
            });
            app.start();
            LOG.info("collector listening on port {} with {}", app.port(), config);
            return new Collector(app, writer);
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    /** What a keys file holds for {@code key} (its SHA-256 in hex), for an embedding application that writes one. */
    public static String hashKey(String key) {
        return WriteKeys.hash(key);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            writer.close();
        }
    }

    /** {@code [--config <file>]} or {@code hash-key <key>}; settings may also come from {@code LEADFLOW_COLLECTOR_*}. */
    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("hash-key")) {
            System.out.println(WriteKeys.hash(args[1]));
            return;
        }
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else {
                System.err.println("usage: java -jar leadflow-collector.jar [--config collector.yaml]"
                        + "  (settings may also come from LEADFLOW_COLLECTOR_* environment variables)\n"
                        + "       java -jar leadflow-collector.jar hash-key <key>   (the sha256 for the keys file)");
                System.exit(2);
            }
        }
        Collector collector;
        try {
            collector = start(CollectorConfig.load(configFile, Map.copyOf(System.getenv())));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(collector::close, "collector-shutdown"));
    }
}
