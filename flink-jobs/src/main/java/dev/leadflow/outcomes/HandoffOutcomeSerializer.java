package dev.leadflow.outcomes;

import dev.leadflow.avro.HandoffOutcome;
import dev.leadflow.job.ingest.RegistryRetry;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.SchemaRegistryException;
import dev.leadflow.schemas.Topics;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.kafka.clients.producer.ProducerRecord;

/** {@link HandoffOutcome}s on {@code leadflow.handoff-outcomes}, keyed by handoff id, Confluent wire format. */
final class HandoffOutcomeSerializer implements KafkaRecordSerializationSchema<FateRecord> {

    private final RegistryConfig registry;
    private transient AvroWireSerializer<HandoffOutcome> serializer;
    private transient Counter registryRetries;

    HandoffOutcomeSerializer(RegistryConfig registry) {
        this.registry = registry;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        serializer = new AvroWireSerializer<>(SchemaRegistryClient.create(registry),
                Topics.valueSubject(Topics.HANDOFF_OUTCOMES), HandoffOutcome.getClassSchema());
        registryRetries = context.getMetricGroup().addGroup("stream", "handoff-outcomes").counter("leadflow_registry_retries");
        try {
            serializer.schemaId();
        } catch (SchemaRegistryException e) {
            // retried with the first record
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(FateRecord fate, KafkaSinkContext context, Long timestamp) {
        HandoffOutcome o = fate.toAvro();
        try {
            RegistryRetry.call(serializer::schemaId, registryRetries, "the handoff-outcome schema");
        } catch (InterruptedIOException e) {
            throw new IllegalStateException("cancelled while waiting for the schema registry", e);
        }
        return new ProducerRecord<>(Topics.HANDOFF_OUTCOMES, null, o.getOccurredAt().toEpochMilli(),
                o.getHandoffId().getBytes(StandardCharsets.UTF_8), serializer.serialize(o));
    }
}
