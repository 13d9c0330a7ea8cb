package dev.leadflow.job.sink;

import dev.leadflow.avro.HandoffAction;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.job.JobMetrics;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.job.ingest.RegistryRetry;
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
import org.apache.flink.metrics.Counter;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each handoff action to {@code leadflow.handoffs} as a Confluent-framed {@code LeadHandoff}, keyed by lead id.
 * Only {@link HandoffCommand#isAudited() audited} actions: the pipeline filters the others out before this
 * sink, and this serializer skips them too (the sink drops a null record) wherever else it is used.
 */
public final class HandoffAuditSerializer implements KafkaRecordSerializationSchema<HandoffCommand> {

    private static final long serialVersionUID = 1L;

    private final RegistryConfig registry;
    private transient AvroWireSerializer<LeadHandoff> serializer;
    private transient Counter registryRetries;

    public HandoffAuditSerializer(RegistryConfig registry) {
        this.registry = registry;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        serializer = new AvroWireSerializer<>(SchemaRegistryClient.create(registry),
                Topics.valueSubject(Topics.HANDOFFS), LeadHandoff.getClassSchema());
        registryRetries = context.getMetricGroup().addGroup("stream", "handoffs").counter(JobMetrics.REGISTRY_RETRIES);
        try {
            // At start, so that a later registry outage does not hold up the first audit record.
            serializer.schemaId();
        } catch (dev.leadflow.schemas.SchemaRegistryException e) {
            // retried when the first record is written
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(HandoffCommand c, KafkaSinkContext context, Long timestamp) {
        if (!c.isAudited()) {
            return null;
        }
        // The schema id is registered once per subtask; if the registry is down then, wait for it
        // (a failure here would restart the job, which loses every cached id) rather than fail.
        try {
            RegistryRetry.call(serializer::schemaId, registryRetries, "the audit schema");
        } catch (java.io.InterruptedIOException e) {
            throw new IllegalStateException("cancelled while waiting for the schema registry", e);
        }
        return new ProducerRecord<>(Topics.HANDOFFS, null, c.at, c.leadId.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(toAvro(c)));
    }

    /**
     * The audit record. Filled through setters, not builders: a builder validates and deep-copies
     * every field, which was a large share of this sink's time at one record per handoff action.
     */
    static LeadHandoff toAvro(HandoffCommand c) {
        List<dev.leadflow.avro.Reason> reasons = new ArrayList<>(c.reasons.size());
        for (Reason r : c.reasons) {
            dev.leadflow.avro.Reason a = new dev.leadflow.avro.Reason();
            a.setSignal(r.signal);
            a.setPoints(r.points);
            a.setDetail(r.detail);
            a.setLastSeen(Instant.ofEpochMilli(r.lastSeen));
            reasons.add(a);
        }
        LeadHandoff h = new LeadHandoff();
        h.setEventId(c.auditEventId());
        h.setOccurredAt(Instant.ofEpochMilli(c.at));
        h.setHandoffId(c.handoffId);
        h.setLeadId(c.leadId);
        h.setQueue(c.queue);
        h.setAction(HandoffAction.valueOf(c.action.name()));
        h.setVersion(c.version);
        h.setPriority(c.priority);
        h.setReadiness(c.readiness);
        h.setFit(c.fit);
        h.setEngagement(c.engagement);
        h.setReasons(reasons);
        h.setModelVersion(c.modelVersion);
        h.setTriggerEventId(c.triggerEventId == null ? "" : c.triggerEventId);
        h.setGrade(c.grade);
        h.setAccountDomain(c.accountDomain);
        return h;
    }
}
