package dev.leadflow.job;

import dev.leadflow.avro.ControlCommand;
import dev.leadflow.avro.ControlCommandType;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The queue sink's own {@code leadflow rebuild-queue}: a {@link ControlCommand} {@code REBUILD_QUEUE} on
 * {@value Topics#CONTROL}, sent when the sink finds itself writing to a new Redis primary, so that every open
 * handoff the job holds is written again (see {@link AccountPrioritizer}). The command's event id is derived
 * from the new primary's replication id: every subtask that sees the same failover sends the same id, and the
 * prioritizer acts on it once. Used from the sink writer's mailbox thread only; the producer is created on the
 * first request.
 */
final class QueueRebuildRequests implements AutoCloseable {

    static final String EVENT_ID_PREFIX = "redis-primary-";

    private final ErasureConfirmations.Target target;
    private KafkaProducer<byte[], byte[]> producer;
    private AvroWireSerializer<ControlCommand> serializer;

    QueueRebuildRequests(ErasureConfirmations.Target target) {
        this.target = target;
    }

    static ControlCommand command(String newReplicationId, String requestedBy, long at) {
        return ControlCommand.newBuilder()
                .setEventId(EVENT_ID_PREFIX + newReplicationId)
                .setOccurredAt(Instant.ofEpochMilli(at))
                .setCommand(ControlCommandType.REBUILD_QUEUE)
                .setRequestedBy(requestedBy)
                .build();
    }

    /**
     * Sends the command and waits for the broker's acknowledgement, at most {@code timeout}.
     *
     * @throws Exception whatever stopped it; the caller retries
     */
    void publish(ControlCommand command, Duration timeout) throws Exception {
        if (serializer == null) {
            serializer = new AvroWireSerializer<>(SchemaRegistryClient.create(target.registry()),
                    Topics.valueSubject(Topics.CONTROL), ControlCommand.getClassSchema());
        }
        if (producer == null) {
            var props = ErasureConfirmations.producerProperties(target, timeout);
            if ("leadflow-erasure-confirmations".equals(props.getProperty(ProducerConfig.CLIENT_ID_CONFIG))) {
                props.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "leadflow-queue-rebuild-requests");
            }
            producer = new KafkaProducer<>(props);
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.CONTROL, null,
                command.getOccurredAt().toEpochMilli(), command.getEventId().getBytes(StandardCharsets.UTF_8),
                serializer.serialize(command));
        try {
            producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            discardProducer();
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            discardProducer();
            throw new TimeoutException("no acknowledgement of the queue rebuild request within " + timeout);
        }
    }

    private void discardProducer() {
        producer.close(Duration.ZERO);
        producer = null;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
