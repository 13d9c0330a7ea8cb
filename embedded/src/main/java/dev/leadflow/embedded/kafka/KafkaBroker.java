package dev.leadflow.embedded.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker for tests: one combined KRaft node (broker + controller) running inside
 * the test JVM, from the same Kafka release the Flink connector is built on. Starts in a few
 * seconds; share one per test class.
 *
 * <p>{@link #stop()} and {@link #restart()} take the broker down and bring it back on the same port
 * and log directories, so tests can inject a broker outage; the node's KRaft controller keeps
 * running meanwhile (as when only the broker process of a cluster restarts).
 */
public final class KafkaBroker implements AutoCloseable {

    /**
     * How to run the broker.
     *
     * @param port          a fixed client port on 127.0.0.1 (an extra {@code FIXED} listener), or 0 for
     *                      the test kit's ephemeral port
     * @param baseDirectory where the node's log and metadata directories go, or null for a temp dir
     * @param deleteOnClose whether {@link #close()} deletes the base directory
     * @param saslPlainUsers users and passwords of an extra SASL_PLAINTEXT listener with mechanism
     *                       PLAIN on a free port ({@link #saslBootstrapServers()}); empty for none
     */
    public record Options(int port, Path baseDirectory, boolean deleteOnClose, Map<String, String> saslPlainUsers) {

        public Options {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            saslPlainUsers = Map.copyOf(saslPlainUsers);
        }

        public Options(int port, Path baseDirectory, boolean deleteOnClose) {
            this(port, baseDirectory, deleteOnClose, Map.of());
        }

        public static Options defaults() {
            return new Options(0, null, true);
        }

        public Options withPort(int newPort) {
            return new Options(newPort, baseDirectory, deleteOnClose, saslPlainUsers);
        }

        /** Also listens with SASL/PLAIN for these users (the plain listener stays for the harness). */
        public Options withSaslPlainUsers(Map<String, String> users) {
            return new Options(port, baseDirectory, deleteOnClose, users);
        }

        /**
         * Keeps the broker's files in {@code dir}. The test kit formats its node directories on every
         * start and cannot reopen a formatted one, so {@code dir} must not hold a previous broker's
         * files: callers that want a fixed place delete it (or use a fresh sub-directory) first.
         */
        public Options withBaseDirectory(Path dir, boolean deleteWhenClosed) {
            return new Options(port, dir, deleteWhenClosed, saslPlainUsers);
        }
    }

    private static final String FIXED_LISTENER = "FIXED";
    private static final String SASL_LISTENER = "SASL";

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final String saslBootstrapServers;

    private KafkaBroker(KafkaClusterTestKit cluster, String bootstrapServers, String saslBootstrapServers) {
        this.cluster = cluster;
        this.bootstrapServers = bootstrapServers;
        this.saslBootstrapServers = saslBootstrapServers;
    }

    /** Formats and starts a single-node KRaft cluster and waits until its broker is ready. */
    public static KafkaBroker start() {
        return start(Options.defaults());
    }

    /**
     * Formats and starts a single-node KRaft cluster with {@code options} and waits until its
     * broker is ready. With a fixed port, clients use that port ({@link #bootstrapServers()}).
     */
    public static KafkaBroker start(Options options) {
        try {
            TestKitNodes.Builder nodesBuilder = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1);
            if (options.baseDirectory() != null) {
                Files.createDirectories(options.baseDirectory());
                nodesBuilder.setBaseDirectory(options.baseDirectory());
            }
            TestKitNodes nodes = nodesBuilder.build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                    // one node: internal topics cannot have more replicas than that
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("num.partitions", "1")
                    .setDeleteOnClose(options.deleteOnClose());
            String bootstrap = null;
            String saslBootstrap = null;
            if (options.port() > 0 || !options.saslPlainUsers().isEmpty()) {
                // The test kit pre-binds ephemeral ports for its own listeners whatever they are
                // configured to, so a fixed port (and the SASL port) needs a listener of its own.
                String broker = nodes.brokerListenerName().value();
                String controller = nodes.controllerListenerName().value();
                StringBuilder listeners = new StringBuilder(broker + "://localhost:0," + controller + "://localhost:0");
                StringBuilder protocols = new StringBuilder(broker + ":PLAINTEXT," + controller + ":PLAINTEXT");
                if (options.port() > 0) {
                    bootstrap = "127.0.0.1:" + options.port();
                    listeners.append(',').append(FIXED_LISTENER).append("://").append(bootstrap);
                    protocols.append(',').append(FIXED_LISTENER).append(":PLAINTEXT");
                }
                if (!options.saslPlainUsers().isEmpty()) {
                    saslBootstrap = "127.0.0.1:" + freePort();
                    listeners.append(',').append(SASL_LISTENER).append("://").append(saslBootstrap);
                    protocols.append(',').append(SASL_LISTENER).append(":SASL_PLAINTEXT");
                    StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
                    options.saslPlainUsers().forEach((user, password) ->
                            jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
                    String prefix = "listener.name." + SASL_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
                    builder.setConfigProp("sasl.enabled.mechanisms", "PLAIN")
                            .setConfigProp(prefix + "plain.sasl.jaas.config", jaas.append(';').toString());
                }
                builder.setConfigProp("listeners", listeners.toString())
                        .setConfigProp("listener.security.protocol.map", protocols.toString());
            }
            KafkaClusterTestKit cluster = builder.build();
            try {
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
            } catch (Exception e) {
                closeQuietly(cluster);
                throw e;
            }
            return new KafkaBroker(cluster, bootstrap, saslBootstrap);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting Kafka", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-JVM Kafka broker", e);
        }
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        try {
            cluster.close();
        } catch (Exception ignored) {
            // the start failure is what the caller needs to see
        }
    }

    public String bootstrapServers() {
        return bootstrapServers != null ? bootstrapServers : cluster.bootstrapServers();
    }

    /** The SASL_PLAINTEXT (PLAIN) listener ({@link Options#withSaslPlainUsers}). */
    public String saslBootstrapServers() {
        if (saslBootstrapServers == null) {
            throw new IllegalStateException("the broker was started without SASL users");
        }
        return saslBootstrapServers;
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot find a free port", e);
        }
    }

    /** Creates the topics (idempotent) with the given partition count. */
    public void createTopics(int partitions, String... topics) {
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : topics) {
                newTopics.add(new NewTopic(t, partitions, (short) 1));
            }
            try {
                admin.createTopics(newTopics).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topics " + List.of(topics), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(p);
    }

    /** A byte-array producer with acks=all, so a returned send is durable on the broker. */
    public KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends records and waits for all of them to be acknowledged. */
    public void send(Collection<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                acks.add(producer.send(r));
            }
            for (java.util.concurrent.Future<?> ack : acks) {
                ack.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("send failed", e);
        }
    }

    /** A fresh consumer reading a topic from the beginning (no group, manual assignment). */
    public KafkaConsumer<byte[], byte[]> consumerFromStart(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "testkit-" + UUID.randomUUID());
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(10))
                .forEach(info -> parts.add(new TopicPartition(topic, info.partition())));
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return consumer;
    }

    /**
     * Reads a topic from the beginning until {@code done} holds for everything read so far, or
     * fails when the deadline passes. Returns every record read.
     */
    public List<ConsumerRecord<byte[], byte[]>> readUntil(
            String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumerFromStart(topic)) {
            while (!done.test(all)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after " + timeout + " reading " + topic
                            + "; read " + all.size() + " records");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    /** Reads whatever the topic holds right now (up to its current end offsets). */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumerFromStart(topic)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out reading " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
            return all;
        }
    }

    /** Whether the broker runs: false between {@link #stop()} and {@link #restart()}. */
    public boolean isRunning() {
        return cluster.brokers().values().stream().noneMatch(b -> b.isShutdown());
    }

    /**
     * Shuts the broker down (controlled shutdown): its listener closes, its logs are closed and its
     * partitions go offline; clients see connection failures until {@link #restart()}.
     */
    public void stop() {
        cluster.brokers().values().forEach(b -> b.shutdown());
    }

    /**
     * Starts the broker again on the same port and log directories (stopping it first if it runs)
     * and waits until it serves requests again.
     */
    public void restart() {
        if (isRunning()) {
            stop();
        }
        cluster.brokers().values().forEach(b -> b.startup());
        awaitServing(Duration.ofSeconds(60));
    }

    private void awaitServing(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get().isEmpty()) {
                        return;
                    }
                } catch (ExecutionException notYet) {
                    // still starting
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka did not serve again within " + timeout);
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting Kafka", e);
        }
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop Kafka", e);
        }
    }
}
