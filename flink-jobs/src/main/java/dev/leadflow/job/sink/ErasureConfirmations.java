package dev.leadflow.job.sink;

import dev.leadflow.avro.ErasureConfirmation;
import dev.leadflow.job.JobSettings;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.Topics;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes {@link ErasureConfirmation}s to {@link Topics#PRIVACY_CONFIRMATIONS} for the queue sink: Confluent
 * wire format, key = lead id, {@code event_id} = the request's id + {@value #EVENT_ID_SUFFIX}, each acknowledged
 * before the next ({@link AcknowledgedPublisher}: nothing is opened before the first erasure).
 *
 * <p>At-least-once: a job restored from a checkpoint taken before a confirmation was acknowledged replays the
 * ERASE and publishes again, with the same {@code event_id}; consumers de-duplicate on it. A replayed erase finds
 * nothing left in Redis, so the repeated confirmation lists no purged queues.
 */
final class ErasureConfirmations implements AutoCloseable {

    static final String EVENT_ID_SUFFIX = "-erased";

    /** Where confirmations go: the job's Kafka cluster, client properties and registry. */
    record Target(String bootstrapServers, Map<String, String> kafkaProperties, RegistryConfig registry)
            implements Serializable {

        Target {
            kafkaProperties = new HashMap<>(kafkaProperties);
        }

        static Target from(JobSettings s) {
            return new Target(s.bootstrapServers, s.kafkaProperties, s.registryConfig());
        }

        /** Never prints property values: they may hold SASL passwords. */
        @Override
        public String toString() {
            return "Target[" + bootstrapServers + ", kafka properties " + kafkaProperties.keySet() + ", " + registry + "]";
        }
    }

    private final Target target;
    private final AcknowledgedPublisher<ErasureConfirmation> publisher;

    ErasureConfirmations(Target target) {
        this.target = target;
        this.publisher = new AcknowledgedPublisher<>(target, Topics.PRIVACY_CONFIRMATIONS,
                ErasureConfirmation.getClassSchema(), "leadflow-erasure-confirmations", "the erasure confirmation");
    }

    Target target() {
        return target;
    }

    /** The confirmation of the ERASE command {@code erase}, completed at {@code completedAt}. */
    static ErasureConfirmation confirmation(HandoffCommand erase, List<String> queuesPurged, long completedAt) {
        return ErasureConfirmation.newBuilder()
                .setEventId(erase.erasureRequestId + EVENT_ID_SUFFIX)
                .setOccurredAt(Instant.ofEpochMilli(completedAt))
                .setRequestId(erase.erasureRequestId)
                .setLeadId(erase.leadId)
                .setRequestedBy(erase.requestedBy)
                .setQueuesPurged(List.copyOf(queuesPurged))
                .build();
    }

    /**
     * Sends one confirmation and waits for the broker's acknowledgement, at most {@code timeout}.
     *
     * @throws Exception whatever stopped it (registry, broker, timeout); the caller retries
     */
    void publish(ErasureConfirmation confirmation, Duration timeout) throws Exception {
        publisher.publish(confirmation.getLeadId(), confirmation.getOccurredAt().toEpochMilli(), confirmation, timeout);
    }

    /**
     * The job's Kafka properties, with the producer's timeouts bounded by one attempt (so a failing broker
     * surfaces as an error the writer retries, not a long block) unless the job sets them, and durability
     * that the job cannot weaken.
     */
    static Properties producerProperties(Target target, Duration attempt) {
        Properties p = new Properties();
        long ms = Math.max(1_000, attempt.toMillis());
        p.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(ms));
        p.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(ms));
        p.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(ms));
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.putAll(target.kafkaProperties());
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    @Override
    public void close() {
        publisher.close();
    }
}
