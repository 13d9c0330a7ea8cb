package dev.leadflow.launcher.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * The demo's Kafka: one KRaft node (broker and controller) whose log directory lives in the demo's
 * data directory and is formatted only once, so that a second start of the demo reopens the topics
 * the first one wrote (the test kit's broker formats its directories on every start and cannot).
 * The controller quorum is static (a single voter named in the configuration), so its port may change
 * from one start to the next.
 */
final class DemoKafka implements AutoCloseable {

    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final boolean reopened;

    private DemoKafka(KafkaRaftServer server, String bootstrapServers, boolean reopened) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.reopened = reopened;
    }

    /** Starts the node on {@code dir}, formatting it first when it holds no Kafka data yet. */
    static DemoKafka start(Path dir, int port, Duration timeout) throws Exception {
        Path logs = dir.toAbsolutePath().resolve("logs");
        boolean reopened = Files.exists(logs.resolve("meta.properties"));
        if (!reopened) {
            Files.createDirectories(logs);
            ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
            new Formatter()
                    .setPrintStream(new PrintStream(formatterOutput, true, StandardCharsets.UTF_8))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .setDirectories(List.of(logs.toString()))
                    .setMetadataLogDirectory(logs.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        }
        String bootstrap = "127.0.0.1:" + port;
        String controller = "127.0.0.1:" + freePort();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + controller);
        p.put("listeners", "PLAINTEXT://" + bootstrap + ",CONTROLLER://" + controller);
        p.put("advertised.listeners", "PLAINTEXT://" + bootstrap);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logs.toString());
        // one node: internal topics cannot have more replicas than that
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        DemoKafka kafka = new DemoKafka(server, bootstrap, reopened);
        try {
            server.startup();
            kafka.awaitReady(timeout);
            return kafka;
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
    }

    /** True when this start found the topics of an earlier one. */
    boolean reopened() {
        return reopened;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates the topics that do not exist yet. */
    void createTopics(int partitions, String... topics) throws Exception {
        try (Admin admin = admin()) {
            List<NewTopic> missing = new ArrayList<>();
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (String t : topics) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, partitions, (short) 1));
                }
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka did not become ready within " + timeout, notYet);
                    }
                }
                Thread.sleep(100);
            }
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
