package dev.leadflow.api;

import dev.leadflow.queue.HandoffQueue;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seller API: the HTTP service and page through which sellers claim, accept and reject leads.
 * {@link #start} runs it embedded (the demo launcher does); {@link #main} runs it standalone:
 * {@code java -jar leadflow-seller-api-<version>.jar --config api.yaml}.
 */
public final class SellerApi implements AutoCloseable {

    /** Connections for requests; event streams have a pool of their own ({@code maxLiveQueues}). */
    private static final int REDIS_POOL_SIZE = 32;
    private static final Logger LOG = LoggerFactory.getLogger(SellerApi.class);

    private final Javalin app;
    private final Deque<AutoCloseable> resources;

    private SellerApi(Javalin app, Deque<AutoCloseable> resources) {
        this.app = app;
        this.resources = resources;
    }

    /**
     * Starts the service and returns once it listens. Redis and Kafka need not be up yet: requests that
     * need them get 503 until they are.
     *
     * @throws IllegalArgumentException if the users file is invalid
     */
    public static SellerApi start(SellerApiConfig config) {
        Users users = Users.load(config.usersFile());
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            HandoffQueue queue = opened(resources,
                    HandoffQueue.connect(config.redis().withPoolSize(REDIS_POOL_SIZE), HandoffQueue.Options.defaults()));
            HandoffQueue feedReader = opened(resources,
                    HandoffQueue.connect(config.redis().withPoolSize(config.maxLiveQueues()), HandoffQueue.Options.defaults()));
            KnownQueues known = new KnownQueues(queue, config.queuePolicies().overflowQueues());
            ApiMetrics metrics = new ApiMetrics(queue, config.queuePolicies(), known);
            FeedbackPublisher publisher = opened(resources, new FeedbackPublisher(config));
            ResponseTargets targets = opened(resources, new ResponseTargets(queue, known, config.queuePolicies(), metrics));
            Webhooks webhooks = opened(resources, new Webhooks(queue, targets, config.queuePolicies(), metrics));
            HandoffService service = new HandoffService(queue, known, publisher, metrics, config.leaseDuration(),
                    config.queuePolicies(), targets);
            LeaseReaper reaper = opened(resources, new LeaseReaper(queue, known, metrics));
            LiveFeeds feeds = opened(resources, new LiveFeeds(queue, feedReader, config.maxEventStreams(),
                    config.maxLiveQueues()));
            Authenticator auth = opened(resources, new Authenticator(config.usersFile(), users, config.sessions()));
            ApiRoutes api = new ApiRoutes(auth, service, feeds, metrics, config.bodyLimitBytes());
            Javalin app = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.startup.showOldJavalinVersionWarning = false;
                cfg.jetty.port = config.port();
                cfg.http.maxRequestSize = config.bodyLimitBytes();
                // Jetty reuses header values seen earlier on a connection, by default matching them ignoring
                // case: "Bearer ABC" could then arrive as an earlier "Bearer abc". Tokens are case-sensitive.
                cfg.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
                api.register(cfg.routes);
                PageRoutes.register(cfg.routes);
            });
            // open event streams must end while Jetty still runs (it recycles their responses when it stops)
            opened(resources, () -> {
                feeds.close();
                app.stop();
            });
            app.start();
            reaper.start(config.reclaimInterval());
            auth.start(feeds, User::maySee);
            targets.start();
            webhooks.start();
            LOG.info("seller API listening on port {} with {}", app.port(), config);
            return new SellerApi(app, resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        closeAll(resources);
    }

    /** {@code [--config <file>]}; every setting can also come from {@code LEADFLOW_API_*} variables. */
    public static void main(String[] args) {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else {
                System.err.println("usage: java -jar leadflow-seller-api.jar [--config api.yaml]"
                        + "  (settings may also come from LEADFLOW_API_* environment variables)");
                System.exit(2);
            }
        }
        SellerApi api;
        try {
            api = start(SellerApiConfig.load(configFile, Map.copyOf(System.getenv())));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(api::close, "seller-api-shutdown"));
    }

    private static <T extends AutoCloseable> T opened(Deque<AutoCloseable> resources, T resource) {
        resources.push(resource);
        return resource;
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                LOG.warn("error while stopping: {}", e.toString());
            }
        }
    }
}
