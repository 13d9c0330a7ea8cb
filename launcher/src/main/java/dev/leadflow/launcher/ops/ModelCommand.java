package dev.leadflow.launcher.ops;

import dev.leadflow.launcher.Flags;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.ModelException;
import dev.leadflow.scoring.ScoringModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code leadflow model publish FILE} and {@code leadflow model show}: the scoring model on
 * {@value Topics#SCORING_MODEL}, the one source of truth the job follows (README "The scoring model"). Publish
 * validates the document the way the job does and writes nothing if it is invalid; show reads the topic to its end
 * and prints the newest valid version, the one a job started now scores with.
 */
public final class ModelCommand {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final String USAGE = "usage: leadflow model publish <file.yaml> | leadflow model show [--full]"
            + " [--bootstrap-servers ..] [--registry-url ..]";

    private ModelCommand() {}

    /** {@code args}: {@code publish FILE} or {@code show}, then flags. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new Flags.UsageException("publish or show? " + USAGE);
        }
        switch (args[0]) {
            case "publish":
                return publish(Arrays.copyOfRange(args, 1, args.length), out, err);
            case "show":
                return show(Flags.parse(Arrays.copyOfRange(args, 1, args.length)), out);
            default:
                throw new Flags.UsageException("unknown subcommand '" + args[0] + "'; " + USAGE);
        }
    }

    private static int publish(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new Flags.UsageException("which file? " + USAGE);
        }
        Path file = Path.of(args[0]);
        Flags flags = Flags.parse(Arrays.copyOfRange(args, 1, args.length));
        KafkaConnection connection = KafkaConnection.from(flags);
        flags.requireAllUsed();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Flags.UsageException("no such file: " + file);
        }
        ScoringModel model;
        try {
            model = ScoringModel.fromYaml(text);
        } catch (ModelException e) {
            err.println("leadflow model publish: " + file + " is not a valid scoring model, nothing published: "
                    + e.getMessage());
            return 1;
        }
        connection.createTopicsIfMissing(1, err, Topics.SCORING_MODEL);
        Properties p = connection.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(OneRecord.SEND_TIMEOUT.toMillis()));
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "leadflow-cli-model");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            // Keyed by version: compaction keeps each version's newest document, and order on the one partition
            // still decides which is in force.
            RecordMetadata sent = producer.send(new ProducerRecord<>(Topics.SCORING_MODEL,
                            model.version().getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_8)))
                    .get(OneRecord.SEND_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            out.printf("Published scoring model %s to %s (partition %d, offset %d); the running job applies it from "
                    + "each lead's next event on.%n", model.version(), Topics.SCORING_MODEL, sent.partition(), sent.offset());
        }
        return 0;
    }

    private static int show(Flags flags, PrintStream out) throws Exception {
        KafkaConnection connection = KafkaConnection.from(flags);
        boolean full = flags.bool("full");
        flags.requireAllUsed();
        String newest = newestValid(connection);
        if (newest == null) {
            out.println("No valid scoring model on " + Topics.SCORING_MODEL
                    + ": the job scores with its --model (or the model in its restored state).");
            return 0;
        }
        out.println(ScoringModel.fromYaml(newest).version());
        if (full) {
            out.print(newest);
        }
        return 0;
    }

    /** The newest document on the topic that validates, read from the earliest offset to the current end. */
    static String newestValid(KafkaConnection connection) {
        Properties p = connection.clientProperties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "leadflow-cli-model");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.SCORING_MODEL, OneRecord.SEND_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return null;
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            // One partition (the job reads it in order), so the last valid record read is the one in force.
            String newest = null;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
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
            return newest;
        }
    }
}
