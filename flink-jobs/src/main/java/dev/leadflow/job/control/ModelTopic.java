package dev.leadflow.job.control;

import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ModelException;
import dev.leadflow.scoring.model.ScoringModel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value Topics#SCORING_MODEL} as a client outside the job sees it: the one source of truth for the
 * scoring model (docs/scoring-model.md). The job's {@code main} {@linkplain #reconcile reconciles}
 * its {@code --model} with it before it submits the job; {@code leadflow model publish/show} use the
 * same reads and writes.
 */
public final class ModelTopic {

    private static final Logger LOG = LoggerFactory.getLogger(ModelTopic.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /** What {@link #reconcile} found and did. */
    public record Reconciled(Action action, String versionInForce) {}

    public enum Action {
        /** The topic had no valid model: the {@code --model} document was published to it. */
        SEEDED,
        /** The topic's newest valid model is the {@code --model} version. */
        SAME,
        /** The topic's newest valid model is another version; it is in force and {@code --model} is not. */
        TOPIC_WINS,
        /** Kafka could not be asked; the job starts and reads the topic itself. */
        UNKNOWN
    }

    private ModelTopic() {}

    /**
     * Before the job starts: seeds an empty (or missing) topic with the {@code --model} document, so
     * that the topic always names the model in force, or warns that the topic's newest model, not
     * {@code --model}, will be in force. Never fails the start: when Kafka cannot be asked, the job
     * still reads the topic from its earliest offset when it runs.
     */
    public static Reconciled reconcile(Properties client, ScoringModel model, String document, Duration timeout) {
        try {
            Optional<String> newest = newestValid(client, timeout);
            if (newest.isEmpty()) {
                createIfMissing(client, timeout);
                publish(client, model.version(), document, timeout);
                LOG.info("{} held no valid scoring model: published --model {} to it (the topic is the model's source of truth)",
                        Topics.SCORING_MODEL, model.version());
                return new Reconciled(Action.SEEDED, model.version());
            }
            String inForce = ScoringModel.fromYaml(newest.get()).version();
            if (inForce.equals(model.version())) {
                return new Reconciled(Action.SAME, inForce);
            }
            LOG.warn("--model {} is not in force: {} holds model {}, which the job applies as it starts. To change the model, "
                    + "publish it (leadflow model publish FILE); --model only seeds an empty topic.",
                    model.version(), Topics.SCORING_MODEL, inForce);
            return new Reconciled(Action.TOPIC_WINS, inForce);
        } catch (Exception e) {
            LOG.warn("could not read or seed {} ({}); the job reads it when it runs, and scores with --model {} until a "
                    + "model arrives there", Topics.SCORING_MODEL, e.toString(), model.version());
            return new Reconciled(Action.UNKNOWN, null);
        }
    }

    /** The newest document on the topic that validates, read from the earliest offset to the current end. */
    public static Optional<String> newestValid(Properties client, Duration timeout) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "leadflow-model-topic");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.listTopics(timeout).get(Topics.SCORING_MODEL);
            if (infos == null || infos.isEmpty()) {
                return Optional.empty();
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            // One partition (the job reads it in order), so the last valid record read is the one in force.
            String newest = null;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + Topics.SCORING_MODEL + " took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.value() == null) {
                        continue;
                    }
                    String text = new String(r.value(), StandardCharsets.UTF_8);
                    try {
                        ScoringModel.fromYaml(text);
                        newest = text;
                    } catch (ModelException e) {
                        // the job rejects it too and keeps the model before it
                    }
                }
            }
            return Optional.ofNullable(newest);
        }
    }

    /**
     * Publishes a model document (keyed by its version: compaction keeps each version's newest
     * document, and order on the one partition decides which is in force); returns its offset.
     */
    public static long publish(Properties client, String version, String document, Duration timeout) throws Exception {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "leadflow-model-topic");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(Topics.SCORING_MODEL, version.getBytes(StandardCharsets.UTF_8),
                    document.getBytes(StandardCharsets.UTF_8))).get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS).offset();
        }
    }

    /** Creates the topic compacted with one partition (the job applies documents in order) if it is missing. */
    public static void createIfMissing(Properties client, Duration timeout) throws Exception {
        try (Admin admin = Admin.create(client)) {
            if (admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(Topics.SCORING_MODEL)) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(Topics.SCORING_MODEL, 1, (short) -1)
                            .configs(Map.of("cleanup.policy", "compact"))))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
