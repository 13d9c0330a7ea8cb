package dev.leadflow.job.sink;

import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends the queue sink's own records to one topic (Confluent wire format under {@code <topic>-value}) one at a
 * time, each acknowledged by the broker before {@link #publish} returns: erasure confirmations and queue rebuild
 * requests. The producer (acks=all, idempotent; see {@link ErasureConfirmations#producerProperties}) and the
 * registry client are created on the first record, so a job that never needs one opens no connection; after a
 * failure the next attempt starts with a fresh producer, since an idempotent one may be fenced for good. Used
 * from the sink writer's mailbox thread only.
 */
final class AcknowledgedPublisher<T extends SpecificRecord> implements AutoCloseable {

    private final ErasureConfirmations.Target target;
    private final String topic;
    private final Schema schema;
    private final String clientId;
    private final String what;
    private KafkaProducer<byte[], byte[]> producer;
    private AvroWireSerializer<T> serializer;

    /**
     * @param clientId the producer's client id unless the job's Kafka properties set one
     * @param what     what a record is, for the timeout's message ("the erasure confirmation")
     */
    AcknowledgedPublisher(ErasureConfirmations.Target target, String topic, Schema schema, String clientId, String what) {
        this.target = target;
        this.topic = topic;
        this.schema = schema;
        this.clientId = clientId;
        this.what = what;
    }

    /**
     * Sends {@code record} keyed by {@code key} with the record timestamp {@code timestamp} and waits for the
     * broker's acknowledgement, at most {@code timeout}.
     *
     * @throws Exception whatever stopped it (registry, broker, timeout); the caller retries
     */
    void publish(String key, long timestamp, T record, Duration timeout) throws Exception {
        if (serializer == null) {
            serializer = new AvroWireSerializer<>(SchemaRegistryClient.create(target.registry()),
                    Topics.valueSubject(topic), schema);
        }
        if (producer == null) {
            Properties props = ErasureConfirmations.producerProperties(target, timeout);
            props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
            producer = new KafkaProducer<>(props);
        }
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, timestamp,
                key.getBytes(StandardCharsets.UTF_8), serializer.serialize(record));
        try {
            producer.send(r).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            discardProducer();
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            discardProducer();
            throw new TimeoutException("no acknowledgement of " + what + " within " + timeout);
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
