package dev.leadflow.outcomes;

import dev.leadflow.avro.HandoffAction;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.SchemaRegistryException;
import dev.leadflow.schemas.Topics;
import dev.leadflow.schemas.WireFormatException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes {@code leadflow.handoffs} and {@code leadflow.sales-activity} into {@link FateEvent}s: ENQUEUE and
 * WITHDRAW audit records, and the sales activities that make a fate (accept, reject, calls, e-mails, meetings,
 * opportunities, closed deals). Everything else is skipped. A record that cannot be decoded (not the wire format,
 * a schema the registry does not know) is counted in {@value #UNDECODABLE} and skipped — the scoring job has
 * already dead-lettered bad sales activity, and the audit topic is the job's own; a registry that cannot be
 * reached fails the read, and the job restarts from its checkpoint.
 */
final class OutcomeInputDeserializer implements KafkaRecordDeserializationSchema<FateEvent> {

    static final String UNDECODABLE = dev.leadflow.job.JobMetrics.OUTCOMES_UNDECODABLE;

    private final RegistryConfig registry;
    private transient AvroWireDeserializer<LeadHandoff> handoffs;
    private transient AvroWireDeserializer<SalesActivity> sales;
    private transient Counter undecodable;

    OutcomeInputDeserializer(RegistryConfig registry) {
        this.registry = registry;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        SchemaRegistryClient client = SchemaRegistryClient.create(registry);
        handoffs = new AvroWireDeserializer<>(client, LeadHandoff.class);
        sales = new AvroWireDeserializer<>(client, SalesActivity.class);
        undecodable = context.getMetricGroup().counter(UNDECODABLE);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FateEvent> out) {
        if (record.value() == null) {
            return;
        }
        try {
            FateEvent e = Topics.HANDOFFS.equals(record.topic()) ? fromHandoff(handoffs.deserialize(record.value()))
                    : fromSales(sales.deserialize(record.value()));
            if (e != null) {
                out.collect(e);
            }
        } catch (WireFormatException e) {
            undecodable.inc();
        } catch (SchemaRegistryException e) {
            if (!e.isSchemaNotFound()) {
                throw e;
            }
            undecodable.inc();
        }
    }

    static FateEvent fromHandoff(LeadHandoff h) {
        FateEvent.Kind kind = h.getAction() == HandoffAction.ENQUEUE ? FateEvent.Kind.ENQUEUE
                : h.getAction() == HandoffAction.WITHDRAW ? FateEvent.Kind.WITHDRAW : null;
        if (kind == null) {
            return null;
        }
        FateEvent e = FateEvent.of(kind, h.getOccurredAt().toEpochMilli(), h.getEventId(), h.getLeadId());
        e.handoffId = h.getHandoffId();
        e.queue = h.getQueue();
        e.grade = h.getGrade();
        e.readiness = h.getReadiness();
        e.modelVersion = h.getModelVersion();
        e.accountDomain = h.getAccountDomain();
        return e;
    }

    static FateEvent fromSales(SalesActivity a) {
        FateEvent.Kind kind = switch (a.getType()) {
            case HANDOFF_ACCEPTED -> FateEvent.Kind.ACCEPTED;
            case HANDOFF_REJECTED -> FateEvent.Kind.REJECTED;
            case CALL, EMAIL_SENT, MEETING_BOOKED, MEETING_HELD -> FateEvent.Kind.TOUCH;
            case OPPORTUNITY_OPENED -> FateEvent.Kind.OPPORTUNITY;
            case CLOSED_WON -> FateEvent.Kind.WON;
            case CLOSED_LOST -> FateEvent.Kind.LOST;
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        FateEvent e = FateEvent.of(kind, a.getOccurredAt().toEpochMilli(), a.getEventId(), a.getLeadId());
        e.reason = a.getReason();
        return e;
    }

    @Override
    public TypeInformation<FateEvent> getProducedType() {
        return TypeInformation.of(FateEvent.class);
    }
}
