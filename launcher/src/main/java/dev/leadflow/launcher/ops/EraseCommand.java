package dev.leadflow.launcher.ops;

import dev.leadflow.avro.ErasureConfirmation;
import dev.leadflow.avro.ErasureRequest;
import dev.leadflow.launcher.Flags;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code leadflow erase <lead-id>}: asks the running scoring job to erase everything it holds about one lead (an
 * {@link ErasureRequest} on {@value Topics#PRIVACY}) and waits for the job's {@link ErasureConfirmation} on
 * {@value Topics#PRIVACY_CONFIRMATIONS}. The confirmation topic is read from its current end, positioned before the
 * request is sent, so a fast confirmation is not missed and an old one for the same lead is not taken for it.
 */
public final class EraseCommand {

    static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(200);

    private EraseCommand() {}

    /** {@code args}: the lead id, then flags. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new Flags.UsageException("which lead? usage: leadflow erase <lead-id> [--wait 60s] [--requested-by WHO]"
                    + " [--bootstrap-servers ..] [--registry-url ..]");
        }
        String leadId = args[0];
        if (leadId.isBlank()) {
            throw new Flags.UsageException("the lead id must not be blank");
        }
        Flags flags = Flags.parse(java.util.Arrays.copyOfRange(args, 1, args.length));
        KafkaConnection connection = KafkaConnection.from(flags);
        String requestedBy = flags.string("requested-by", null);
        Duration wait = flags.duration("wait", DEFAULT_WAIT);
        flags.requireAllUsed();
        if (wait.isNegative()) {
            throw new Flags.UsageException("--wait must not be negative (0 = do not wait)");
        }

        ErasureRequest request = ErasureRequest.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now())
                .setLeadId(leadId)
                .setRequestedBy(requestedBy)
                .build();
        connection.createTopicsIfMissing(1, err, Topics.PRIVACY, Topics.PRIVACY_CONFIRMATIONS);
        if (wait.isZero()) {
            RecordMetadata sent = OneRecord.send(connection, Topics.PRIVACY, leadId, request);
            out.printf("Erasure request %s for lead %s sent to %s (partition %d, offset %d); not waiting for the "
                    + "confirmation.%n", request.getEventId(), leadId, Topics.PRIVACY, sent.partition(), sent.offset());
            return 0;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = confirmationsFromNow(connection)) {
            RecordMetadata sent = OneRecord.send(connection, Topics.PRIVACY, leadId, request);
            out.printf("Erasure request %s for lead %s sent to %s (partition %d, offset %d); waiting up to %d s for "
                            + "the confirmation on %s ...%n", request.getEventId(), leadId, Topics.PRIVACY,
                    sent.partition(), sent.offset(), wait.toSeconds(), Topics.PRIVACY_CONFIRMATIONS);
            out.flush();
            Optional<ErasureConfirmation> confirmation = await(consumer, connection, request.getEventId(), wait, err);
            if (confirmation.isEmpty()) {
                err.printf("leadflow erase: no confirmation of request %s within %d s. The request is on %s and the "
                                + "scoring job erases the lead when it reads it: check that the job runs and reads that "
                                + "topic, then look for request_id %s on %s.%n",
                        request.getEventId(), wait.toSeconds(), Topics.PRIVACY, request.getEventId(),
                        Topics.PRIVACY_CONFIRMATIONS);
                return 1;
            }
            ErasureConfirmation c = confirmation.get();
            out.printf("Erased lead %s at %s (confirmation %s): %s%n", c.getLeadId(), c.getOccurredAt(), c.getEventId(),
                    c.getQueuesPurged().isEmpty() ? "no queue held anything of it"
                            : "removed from queue(s) " + String.join(", ", c.getQueuesPurged()));
            return 0;
        }
    }

    /** A consumer of every partition of the confirmations topic, positioned at its current end. */
    private static KafkaConsumer<byte[], byte[]> confirmationsFromNow(KafkaConnection connection) {
        Properties p = connection.clientProperties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "leadflow-cli-erase");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.PRIVACY_CONFIRMATIONS, OneRecord.SEND_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + Topics.PRIVACY_CONFIRMATIONS + " does not exist at "
                        + connection.bootstrapServers() + ", so no confirmation can be awaited (create it, or use --wait 0)");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // resolve the end offsets now, before the request goes out
            partitions.forEach(consumer::position);
            return consumer;
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** The confirmation whose request_id is {@code requestId}, if one arrives within {@code wait}. */
    static Optional<ErasureConfirmation> await(KafkaConsumer<byte[], byte[]> consumer, KafkaConnection connection,
            String requestId, Duration wait, PrintStream err) {
        AvroWireDeserializer<ErasureConfirmation> decoder = new AvroWireDeserializer<>(
                SchemaRegistryClient.create(connection.registry()), ErasureConfirmation.class);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            long leftMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(Math.min(leftMs, POLL.toMillis())))) {
                ErasureConfirmation c;
                try {
                    c = decoder.deserialize(r.value());
                } catch (RuntimeException e) {
                    err.printf("note: skipped an undecodable record at %s-%d offset %d: %s%n", r.topic(), r.partition(),
                            r.offset(), e.getMessage());
                    continue;
                }
                if (requestId.equals(c.getRequestId())) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }
}
