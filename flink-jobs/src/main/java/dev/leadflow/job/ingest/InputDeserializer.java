package dev.leadflow.job.ingest;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.job.JobMetrics;
import dev.leadflow.job.LeadFlowJob;
import dev.leadflow.job.LeadFlowPipeline;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.SchemaRegistryException;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.Durations;
import dev.leadflow.scoring.LeadEvent;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes one input topic's Confluent-framed Avro records into {@link LeadEvent}s. A record that
 * cannot be decoded (garbage, wrong magic byte, unknown schema id, truncated Avro, a writer schema
 * that cannot be read into the reader schema, a tombstone, a value over {@code maxEventBytes}, a
 * missing id) becomes a {@link DeadLetter} with its position instead of failing the job.
 *
 * <p>So does an event whose {@code occurred_at} cannot be true: more than {@code maxEventTimeSkew}
 * after the record's Kafka timestamp (a producer bug, e.g. microseconds sent as milliseconds), or
 * before {@link #EARLIEST_EVENT_TIME} (seconds sent as milliseconds, a zero). Let through, one such
 * event would move its lead's clock and its split's watermark to that time for good: every real
 * event after it would be older than the horizon and skipped, and the lead's state would never
 * expire. Dead letters carry no event time ({@link LeadFlowPipeline#watermarks}), so these move
 * neither. They are counted in {@link JobMetrics#DLQ_RECORDS} and {@link JobMetrics#EVENT_TIME_OUT_OF_RANGE}.
 *
 * <p>Registry trouble is different. A definite answer that the id does not exist (40403) is the
 * record's fault: dead-lettered. A transient failure (no answer, timeout, 5xx, 408, 429) says
 * nothing about the record: the lookup is retried with backoff (100 ms doubling to at most
 * {@link RegistryRetry#MAX_BACKOFF}) for as long as it takes, counted in {@link JobMetrics#REGISTRY_RETRIES}.
 * Only records with an id this subtask has not cached yet need the registry; records with cached
 * ids keep flowing. The waiting record holds up its source subtask (the splits it reads) and,
 * with it, the pending checkpoint. Checkpoints are unaligned ({@link LeadFlowJob#ALIGNED_CHECKPOINT_TIMEOUT}),
 * but Flink aligns barriers on the broadcast control input of the stateful operators, so once a
 * checkpoint has started they may hold their other inputs until the record is decoded. Any other registry answer (401, 403, a malformed
 * response) is a configuration error and fails the source, so Flink restarts it from the
 * checkpoint rather than dead-letter good records.
 */
public final class InputDeserializer implements KafkaRecordDeserializationSchema<DecodedRecord> {

    private static final long serialVersionUID = 1L;
    /** No event of this system happened before; an earlier occurred_at is a unit or encoding error. */
    public static final Instant EARLIEST_EVENT_TIME = Instant.parse("2000-01-01T00:00:00Z");
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private final String topic;
    private final RegistryConfig registry;
    private final int maxEventBytes;
    private final long maxEventTimeSkewMs;

    private transient AvroWireDeserializer<?> decoder;
    private transient Counter eventsIn;
    private transient Counter deadLetters;
    private transient Counter registryRetries;
    private transient Counter outOfRange;

    /**
     * @param maxEventTimeSkew how far an event's occurred_at may lie after its record's Kafka
     *                         timestamp (producer clocks differ; a backfill stamps records with the
     *                         events' own times)
     */
    public InputDeserializer(String topic, RegistryConfig registry, int maxEventBytes, Duration maxEventTimeSkew) {
        if (!Topics.CLICKSTREAM.equals(topic) && !Topics.CAMPAIGN.equals(topic) && !Topics.SALES.equals(topic)) {
            throw new IllegalArgumentException("not an input topic: " + topic);
        }
        this.topic = topic;
        this.registry = registry;
        this.maxEventBytes = maxEventBytes;
        if (maxEventTimeSkew.isNegative()) {
            throw new IllegalArgumentException("maxEventTimeSkew must not be negative: " + maxEventTimeSkew);
        }
        this.maxEventTimeSkewMs = maxEventTimeSkew.toMillis();
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        SchemaRegistryClient client = SchemaRegistryClient.create(registry);
        decoder = decoderFor(client, recordClass(topic));
        var group = context.getMetricGroup().addGroup("stream", streamName(topic));
        eventsIn = group.counter(JobMetrics.EVENTS_IN);
        deadLetters = group.counter(JobMetrics.DLQ_RECORDS);
        registryRetries = group.counter(JobMetrics.REGISTRY_RETRIES);
        outOfRange = group.counter(JobMetrics.EVENT_TIME_OUT_OF_RANGE);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodedRecord> out) throws IOException {
        eventsIn.inc();
        byte[] value = record.value();
        if (value == null) {
            deadLetter(record, new InvalidEventException("tombstone: the value is null, expected a Confluent wire-format Avro event"), out);
            return;
        }
        if (value.length > maxEventBytes) {
            // Not decoded at all: whatever is decoded may end up in state, and nothing valid is this big.
            deadLetter(record, new InvalidEventException("value of " + value.length + " bytes exceeds the "
                    + maxEventBytes + "-byte limit for one event (--max-event-bytes)"), out);
            return;
        }
        try {
            Object decoded = RegistryRetry.call(() -> decoder.deserialize(record.value()), registryRetries, position(record));
            LeadEvent event = map(decoded, record.timestamp());
            validate(event);
            checkEventTime(event, record);
            out.collect(DecodedRecord.of(event));
        } catch (SchemaRegistryException e) {
            // Only an id the registry does not know is the record's fault. Anything else left here
            // (wrong credentials, a response that is not the registry's) is the job's: fail and
            // restart rather than dead-letter good records.
            if (!e.isSchemaNotFound()) {
                throw new IOException("schema registry error while decoding " + position(record), e);
            }
            deadLetter(record, e, out);
        } catch (EventTimeOutOfRangeException e) {
            outOfRange.inc();
            deadLetter(record, e, out);
        } catch (RuntimeException e) {
            // Any other failure to decode or map is a property of this record, not of the job.
            deadLetter(record, e, out);
        }
    }

    /**
     * Rejects an occurred_at that cannot be true. The bound ahead is the record's Kafka timestamp,
     * not the wall clock, so that a replay decides as the first reading did; a record without one
     * (an old message format) is checked against the time it is read.
     */
    private void checkEventTime(LeadEvent e, ConsumerRecord<byte[], byte[]> record) {
        if (e.occurredAt < EARLIEST_EVENT_TIME.toEpochMilli()) {
            throw new EventTimeOutOfRangeException("occurred_at " + Instant.ofEpochMilli(e.occurredAt)
                    + " of event " + e.eventId + " is before " + EARLIEST_EVENT_TIME
                    + ", the earliest event time accepted (seconds sent as milliseconds?)");
        }
        boolean stamped = record.timestamp() >= 0;
        long reference = stamped ? record.timestamp() : System.currentTimeMillis();
        if (e.occurredAt - reference > maxEventTimeSkewMs) {
            throw new EventTimeOutOfRangeException("occurred_at " + Instant.ofEpochMilli(e.occurredAt)
                    + " of event " + e.eventId + " is " + span(e.occurredAt - reference) + " after "
                    + (stamped ? "the record's timestamp " : "the time it was read (the record has no timestamp) ")
                    + Instant.ofEpochMilli(reference) + " (allowed: "
                    + (maxEventTimeSkewMs == 0 ? "0s" : Durations.format(maxEventTimeSkewMs)) + ", --max-event-time-skew)");
        }
    }

    /** A gap in the largest whole unit that reads well: 73 years, 12 days, 5 hours, 300.001 s. */
    static String span(long ms) {
        if (ms >= 365 * DAY_MS) {
            return plural(ms / (365 * DAY_MS), "year");
        }
        if (ms >= DAY_MS) {
            return plural(ms / DAY_MS, "day");
        }
        if (ms >= 3_600_000) {
            return plural(ms / 3_600_000, "hour");
        }
        return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + " s";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, Exception e, Collector<DecodedRecord> out) {
        deadLetters.inc();
        out.collect(DecodedRecord.dead(new DeadLetter(record.topic(), record.partition(), record.offset(),
                record.timestamp(), record.key(), record.value(), e)));
    }

    private static LeadEvent map(Object value, long ingestedAt) {
        if (value instanceof ClickEvent) {
            return EventMapper.fromClick((ClickEvent) value, ingestedAt);
        }
        if (value instanceof CampaignEngagement) {
            return EventMapper.fromCampaign((CampaignEngagement) value, ingestedAt);
        }
        return EventMapper.fromSales((SalesActivity) value, ingestedAt);
    }

    private static void validate(LeadEvent e) {
        if (e.eventId == null || e.eventId.isBlank()) {
            throw new InvalidEventException("event_id is empty");
        }
        if (e.leadId == null && e.anonymousId == null) {
            throw new InvalidEventException("event " + e.eventId + " has neither lead_id nor anonymous_id");
        }
    }

    private static <T extends SpecificRecord> AvroWireDeserializer<T> decoderFor(SchemaRegistryClient c, Class<T> type) {
        return new AvroWireDeserializer<>(c, type);
    }

    private static Class<? extends SpecificRecord> recordClass(String topic) {
        switch (topic) {
            case Topics.CLICKSTREAM: return ClickEvent.class;
            case Topics.CAMPAIGN: return CampaignEngagement.class;
            default: return SalesActivity.class;
        }
    }

    public static String streamName(String topic) {
        return topic.startsWith("leadflow.") ? topic.substring("leadflow.".length()) : topic;
    }

    public static String position(ConsumerRecord<?, ?> r) {
        return r.topic() + "/" + r.partition() + "@" + r.offset();
    }

    @Override
    public TypeInformation<DecodedRecord> getProducedType() {
        return TypeInformation.of(DecodedRecord.class);
    }

    /** A record that decoded but breaks the contract (e.g. no id to key it by). */
    static class InvalidEventException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidEventException(String message) {
            super(message);
        }
    }

    /** An event whose occurred_at cannot be true; its class name in the DLQ header says so. */
    static final class EventTimeOutOfRangeException extends InvalidEventException {
        private static final long serialVersionUID = 1L;

        EventTimeOutOfRangeException(String message) {
            super(message);
        }
    }
}
