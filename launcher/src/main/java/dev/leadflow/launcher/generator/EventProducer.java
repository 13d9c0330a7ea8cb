package dev.leadflow.launcher.generator;

import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends generated events to Kafka in the Confluent wire format, registering each topic's value
 * schema under {@code <topic>-value} through the schema registry (as a Confluent serializer with
 * auto-registration does). Which Kafka timestamp the records carry is the caller's choice
 * ({@link RecordTime}).
 */
public final class EventProducer implements AutoCloseable {

    /** The Kafka timestamp of each record. */
    public enum RecordTime {
        /**
         * None given: Kafka stamps the send time, the start of the event-to-queue latency. For runs
         * paced at the events' own rate, whose event times follow the wall clock.
         */
        SEND,
        /**
         * The event's occurred_at, as any backfill or replay must: a run that simulates hours in
         * seconds writes events dated ahead of the wall clock, and the job dead-letters an event
         * dated more than {@code --max-event-time-skew} after its record's timestamp. (Kafka 4
         * brokers refuse timestamps over an hour ahead, {@code log.message.timestamp.after.max.ms},
         * and time retention applies to these timestamps.)
         */
        EVENT
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final RecordTime recordTime;
    private final SchemaRegistryClient registry;
    private final Map<String, AvroWireSerializer<SpecificRecord>> serializers = new HashMap<>();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    /**
     * @param throughput tune for bulk loading (large batches, some linger) rather than for the
     *                   lowest latency per record
     * @param recordTime the records' Kafka timestamps
     */
    public EventProducer(String bootstrapServers, RegistryConfig registryConfig, Map<String, String> kafkaProperties,
            boolean throughput, RecordTime recordTime) {
        this.recordTime = recordTime;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // live: Kafka's own default linger (5 ms since Kafka 4.0); 1 ms made the broker append (and
        // the bench's shared cores pay for) five times as many tiny batches at 25,000 events/s
        p.put(ProducerConfig.LINGER_MS_CONFIG, throughput ? "20" : "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, throughput ? "262144" : "32768");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, "134217728");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "leadflow-generator");
        p.putAll(kafkaProperties);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.registry = SchemaRegistryClient.create(registryConfig);
    }

    /** Sends asynchronously; a failure is rethrown by a later {@link #send} or {@link #flush}. */
    public void send(GeneratedEvent e) {
        throwIfFailed();
        byte[] value = serializer(e.topic(), e.value()).serialize(e.value());
        Long timestamp = recordTime == RecordTime.EVENT ? e.occurredAt() : null;
        producer.send(new ProducerRecord<>(e.topic(), null, timestamp, e.key().getBytes(StandardCharsets.UTF_8), value), (meta, ex) -> {
            if (ex != null) {
                failure.compareAndSet(null, ex);
            } else {
                acked.incrementAndGet();
            }
        });
    }

    /** Records acknowledged by the broker so far. */
    public long acked() {
        return acked.get();
    }

    public void flush() {
        producer.flush();
        throwIfFailed();
    }

    private AvroWireSerializer<SpecificRecord> serializer(String topic, SpecificRecord value) {
        return serializers.computeIfAbsent(topic,
                t -> new AvroWireSerializer<>(registry, Topics.valueSubject(t), value.getSchema()));
    }

    private void throwIfFailed() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("Kafka send failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
