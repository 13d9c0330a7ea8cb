package dev.leadflow.job;

import dev.leadflow.avro.HandoffAction;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes each handoff action to {@code leadflow.handoffs} as a Confluent-framed {@code LeadHandoff}, keyed by lead id. */
public final class HandoffAuditSerializer implements KafkaRecordSerializationSchema<HandoffCommand> {

    private static final long serialVersionUID = 1L;

    private final RegistryConfig registry;
    private transient AvroWireSerializer<LeadHandoff> serializer;

    public HandoffAuditSerializer(RegistryConfig registry) {
        this.registry = registry;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        serializer = new AvroWireSerializer<>(SchemaRegistryClient.create(registry),
                Topics.valueSubject(Topics.HANDOFFS), LeadHandoff.getClassSchema());
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(HandoffCommand c, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(Topics.HANDOFFS, null, c.at, c.leadId.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(toAvro(c)));
    }

    static LeadHandoff toAvro(HandoffCommand c) {
        List<dev.leadflow.avro.Reason> reasons = new ArrayList<>(c.reasons.size());
        for (Reason r : c.reasons) {
            reasons.add(dev.leadflow.avro.Reason.newBuilder()
                    .setSignal(r.signal)
                    .setPoints(r.points)
                    .setDetail(r.detail)
                    .setLastSeen(Instant.ofEpochMilli(r.lastSeen))
                    .build());
        }
        return LeadHandoff.newBuilder()
                .setEventId(c.auditEventId())
                .setOccurredAt(Instant.ofEpochMilli(c.at))
                .setHandoffId(c.handoffId)
                .setLeadId(c.leadId)
                .setQueue(c.queue)
                .setAction(HandoffAction.valueOf(c.action.name()))
                .setVersion(c.version)
                .setPriority(c.priority)
                .setReadiness(c.readiness)
                .setFit(c.fit)
                .setEngagement(c.engagement)
                .setReasons(reasons)
                .setModelVersion(c.modelVersion)
                .setTriggerEventId(c.triggerEventId == null ? "" : c.triggerEventId)
                .setGrade(c.grade)
                .setAccountDomain(c.accountDomain)
                .build();
    }
}
