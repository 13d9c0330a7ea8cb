package dev.leadflow.collector;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.collector.mapping.Outgoing;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.SchemaRegistryException;
import dev.leadflow.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a request's records to Kafka in the Confluent wire format and returns only when Kafka has
 * acknowledged every one of them. The producer is idempotent with {@code acks=all}, so an acknowledged
 * record is on every in-sync replica and the producer's own retries never duplicate it. When Kafka does
 * not acknowledge within {@code ackTimeout} the request fails as a whole (503): some of its records may
 * have landed, and the client's retry writes them again with the same event ids, which the job drops.
 */
final class EventWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventWriter.class);

    /** One serializer per topic; each reuses a buffer, so requests take turns on it (encoding takes microseconds). */
    private static final class TopicSerializer {
        private final AvroWireSerializer<SpecificRecord> serializer;

        TopicSerializer(SchemaRegistryClient client, String topic, Schema schema) {
            this.serializer = new AvroWireSerializer<>(client, Topics.valueSubject(topic), schema);
        }

        synchronized byte[] serialize(SpecificRecord record) {
            return serializer.serialize(record);
        }
    }

    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, TopicSerializer> serializers = new HashMap<>();
    private final CollectorMetrics metrics;
    private final Duration ackTimeout;
    private final long retryAfterSeconds;

    EventWriter(CollectorConfig config, CollectorMetrics metrics) {
        this.metrics = metrics;
        this.ackTimeout = config.ackTimeout();
        this.retryAfterSeconds = Math.max(1, config.retryAfter().toSeconds());
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "leadflow-collector");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // the producer gives up within ackTimeout on its own: first fetching metadata, then delivering
        long ackMs = ackTimeout.toMillis();
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.max(100, ackMs / 2));
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(100, ackMs - 50));
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(200, ackMs));
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        RegistryConfig registry = config.registry();
        SchemaRegistryClient client = SchemaRegistryClient.create(registry);
        serializers.put(Topics.CLICKSTREAM, new TopicSerializer(client, Topics.CLICKSTREAM, ClickEvent.getClassSchema()));
        serializers.put(Topics.CAMPAIGN, new TopicSerializer(client, Topics.CAMPAIGN, CampaignEngagement.getClassSchema()));
        serializers.put(Topics.SALES, new TopicSerializer(client, Topics.SALES, SalesActivity.getClassSchema()));
    }

    /**
     * Sends every record and waits for all acknowledgements.
     *
     * @throws CollectorException 503 with {@code Retry-After} if the registry or Kafka cannot take them in time
     */
    void write(List<Outgoing> records) {
        if (records.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + ackTimeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        try {
            for (Outgoing r : records) {
                byte[] value = serializers.get(r.topic()).serialize(r.value());
                Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(r.topic(), r.key(), value));
                if (ack.isDone()) {
                    // failed at once (no metadata within max.block.ms): the rest would wait as long each
                    ack.get();
                }
                acks.add(ack);
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (SchemaRegistryException e) {
            LOG.warn("schema registry unavailable: {}", e.toString());
            throw CollectorException.unavailable("the schema registry is unavailable: nothing was accepted, retry",
                    retryAfterSeconds);
        } catch (KafkaException | ExecutionException | TimeoutException e) {
            LOG.warn("Kafka did not acknowledge {} records: {}", records.size(), e.toString());
            throw CollectorException.unavailable("Kafka did not acknowledge the events in time: nothing was"
                    + " accepted, retry (events already written are recognized by their ids)", retryAfterSeconds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CollectorException.unavailable("interrupted while waiting for Kafka", retryAfterSeconds);
        }
        metrics.kafkaAck(System.nanoTime() - start);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
