package dev.leadflow.launcher.ops;

import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Sends one Avro record in the Confluent wire format and waits until every in-sync replica has it. */
final class OneRecord {

    static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private OneRecord() {}

    /**
     * Registers (or finds) the value schema under {@code <topic>-value}, sends the record keyed by {@code key} and
     * returns where it landed.
     *
     * @throws IllegalStateException when the registry or the broker refuses or does not answer in time
     */
    static RecordMetadata send(KafkaConnection connection, String topic, String key, SpecificRecord value) {
        byte[] bytes = new AvroWireSerializer<>(SchemaRegistryClient.create(connection.registry()),
                Topics.valueSubject(topic), value.getSchema()).serialize(value);
        Properties p = connection.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(SEND_TIMEOUT.toMillis()));
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(SEND_TIMEOUT.toMillis()));
        p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(SEND_TIMEOUT.toMillis()));
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "leadflow-cli");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), bytes))
                    .get(SEND_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka did not accept the record for " + topic + " at "
                    + connection.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + connection.bootstrapServers() + " did not acknowledge the record for "
                    + topic + " within " + SEND_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        }
    }
}
