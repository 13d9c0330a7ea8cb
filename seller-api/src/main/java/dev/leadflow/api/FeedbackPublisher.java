package dev.leadflow.api;

import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.SchemaRegistryException;
import dev.leadflow.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes sellers' answers back to {@code leadflow.sales-activity} as {@code SalesActivity} records in the
 * Confluent wire format, keyed by lead id, so the scoring job learns them. The producer is idempotent with
 * {@code acks=all}: a returned {@link #publish} means the record is durable on the broker.
 */
final class FeedbackPublisher implements AutoCloseable {

    /**
     * Longest a publish may take before the caller is told it failed. The seller API refuses to start a
     * publish on a lease with less time than this left, so the lease cannot lapse between the publish
     * and the settle that follows it.
     */
    static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaProducer<String, byte[]> producer;
    private final AvroWireSerializer<SalesActivity> serializer;

    FeedbackPublisher(SellerApiConfig config) {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "leadflow-seller-api");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        // the producer gives up within PUBLISH_TIMEOUT on its own: fetching metadata, then delivering
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 4_000);
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.serializer = new AvroWireSerializer<>(config.registry(), Topics.valueSubject(Topics.SALES),
                SalesActivity.getClassSchema());
    }

    /**
     * Publishes and waits for the broker's acknowledgement.
     *
     * @throws ApiException 503 if the registry or Kafka cannot take the record in time; the record may still
     *                      land later, which is harmless because a retry reuses the event id
     */
    void publish(String eventId, String leadId, String accountDomain, String sellerId, SalesActivityType type,
                 String reason) {
        SalesActivity activity = SalesActivity.newBuilder()
                .setEventId(eventId)
                .setOccurredAt(Instant.now())
                .setLeadId(leadId)
                .setAccountDomain(accountDomain)
                .setSellerId(sellerId)
                .setType(type)
                .setReason(reason)
                .build();
        long deadline = System.nanoTime() + PUBLISH_TIMEOUT.toNanos();
        try {
            Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(Topics.SALES, leadId, serialize(activity)));
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (SchemaRegistryException | KafkaException e) {
            throw ApiException.unavailable("could not record the outcome (schema registry or Kafka): try again");
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.unavailable("Kafka did not acknowledge the outcome in time: try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while recording the outcome");
        }
    }

    // the serializer reuses one buffer, so concurrent requests take turns; encoding takes microseconds
    private synchronized byte[] serialize(SalesActivity activity) {
        return serializer.serialize(activity);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
