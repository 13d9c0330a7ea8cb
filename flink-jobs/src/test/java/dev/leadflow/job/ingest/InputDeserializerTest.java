package dev.leadflow.job.ingest;

import static dev.leadflow.job.Events.campaign;
import static dev.leadflow.job.Events.page;
import static dev.leadflow.job.Events.sales;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.Channel;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.EngagementAction;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.job.JobMetrics;
import dev.leadflow.job.LeadFlowPipeline;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.flink.util.clock.RelativeClock;
import org.apache.flink.util.clock.SystemClock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The event-time guard of the input decoders: an occurred_at more than the allowed skew after the
 * record's Kafka timestamp, or before 2000, is dead-lettered with a clear error, counted, and moves
 * no watermark. Real decoder, real (in-memory) registry, real Flink metric group and watermark strategy.
 */
public class InputDeserializerTest {

    private static final String REGISTRY_URL = "mock://input-deserializer-test";
    private static final Instant RECORD_TS = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant YEAR_2099 = Instant.parse("2099-01-01T00:00:00Z");
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final String OUT_OF_RANGE = InputDeserializer.EventTimeOutOfRangeException.class.getName();

    private final SchemaRegistryClient registry = SchemaRegistryClient.create(RegistryConfig.of(REGISTRY_URL));
    private final MetricListener metrics = new MetricListener();

    @Test
    void anEventFromTheFutureGoesToTheDlqWithAClearErrorOnEveryInputTopic() throws Exception {
        List<SpecificRecord> future = List.of(page("lead-1", "anon-1", "pricing", YEAR_2099),
                campaign("lead-1", Channel.WEBINAR, EngagementAction.ATTENDED, YEAR_2099),
                sales("lead-1", SalesActivityType.CALL, "s1", YEAR_2099));
        for (SpecificRecord event : future) {
            String topic = topicOf(event);
            DecodedRecord r = decode(decoder(topic, SKEW), topic, event, RECORD_TS.toEpochMilli());

            assertThat(r.event).as(topic).isNull();
            assertThat(r.deadLetter.errorClass).isEqualTo(OUT_OF_RANGE);
            assertThat(r.deadLetter.message).as(topic).startsWith("occurred_at 2099-01-01T00:00:00Z of event ")
                    .endsWith(" is 72 years after the record's timestamp 2026-03-02T10:00:00Z (allowed: 5m, --max-event-time-skew)");
            // its position and the bytes as read, so it can be fixed and replayed
            assertThat(r.deadLetter.topic).isEqualTo(topic);
            assertThat(r.deadLetter.timestamp).isEqualTo(RECORD_TS.toEpochMilli());
            assertThat(r.deadLetter.value).isEqualTo(serializer(topic).serialize(event));
            // what leadflow.dlq gets: the error in the existing headers
            ProducerRecord<byte[], byte[]> dlq = new DeadLetterSerializer().serialize(r.deadLetter, null, null);
            assertThat(dlq.topic()).isEqualTo(Topics.DLQ);
            assertThat(header(dlq, DeadLetterSerializer.HEADER_ERROR_CLASS)).isEqualTo(OUT_OF_RANGE);
            assertThat(header(dlq, DeadLetterSerializer.HEADER_ERROR_MESSAGE)).isEqualTo(r.deadLetter.message);

            assertThat(counter(topic, JobMetrics.EVENT_TIME_OUT_OF_RANGE)).as(topic).isEqualTo(1);
            assertThat(counter(topic, JobMetrics.DLQ_RECORDS)).as(topic).isEqualTo(1);
        }
    }

    @Test
    void microsecondsSentAsMillisecondsAreCaught() throws Exception {
        Instant micros = Instant.ofEpochMilli(RECORD_TS.toEpochMilli() * 1000);
        DecodedRecord r = decode(decoder(Topics.CLICKSTREAM, SKEW), Topics.CLICKSTREAM,
                page("lead-1", "anon-1", "pricing", micros), RECORD_TS.toEpochMilli());
        assertThat(r.deadLetter.errorClass).isEqualTo(OUT_OF_RANGE);
        assertThat(r.deadLetter.message).startsWith("occurred_at +5") // year 5x,xxx
                .contains(" years after the record's timestamp 2026-03-02T10:00:00Z");
    }

    @Test
    void anEventBefore2000GoesToTheDlq() throws Exception {
        InputDeserializer decoder = decoder(Topics.CLICKSTREAM, SKEW);
        // seconds sent as milliseconds: 2026 becomes January 1970
        Instant secondsAsMillis = Instant.ofEpochMilli(RECORD_TS.getEpochSecond());
        DecodedRecord r = decode(decoder, Topics.CLICKSTREAM, page("lead-1", "anon-1", "pricing", secondsAsMillis),
                RECORD_TS.toEpochMilli());
        assertThat(r.deadLetter.errorClass).isEqualTo(OUT_OF_RANGE);
        assertThat(r.deadLetter.message).startsWith("occurred_at 1970-01-21T")
                .contains(" is before 2000-01-01T00:00:00Z, the earliest event time accepted");

        DecodedRecord justBefore = decode(decoder, Topics.CLICKSTREAM,
                page("lead-1", "anon-1", "pricing", Instant.parse("1999-12-31T23:59:59.999Z")), RECORD_TS.toEpochMilli());
        assertThat(justBefore.deadLetter.message).contains("is before 2000-01-01T00:00:00Z");
        DecodedRecord first = decode(decoder, Topics.CLICKSTREAM,
                page("lead-1", "anon-1", "pricing", Instant.parse("2000-01-01T00:00:00Z")), RECORD_TS.toEpochMilli());
        assertThat(first.deadLetter).as("2000-01-01T00:00:00Z itself is accepted").isNull();
        assertThat(counter(Topics.CLICKSTREAM, JobMetrics.EVENT_TIME_OUT_OF_RANGE)).isEqualTo(2);
    }

    @Test
    void eventsWithinTheSkewPassAndTheBoundaryItselfIsWithin() throws Exception {
        InputDeserializer decoder = decoder(Topics.CLICKSTREAM, SKEW);
        long ts = RECORD_TS.toEpochMilli();
        for (Instant ok : List.of(RECORD_TS.minus(Duration.ofDays(400)), RECORD_TS, RECORD_TS.plusSeconds(90),
                RECORD_TS.plus(SKEW))) {
            DecodedRecord r = decode(decoder, Topics.CLICKSTREAM, page("lead-1", "anon-1", "pricing", ok), ts);
            assertThat(r.deadLetter).as("%s", ok).isNull();
            assertThat(r.event.occurredAt).isEqualTo(ok.toEpochMilli());
            assertThat(r.event.ingestedAt).isEqualTo(ts);
        }
        DecodedRecord over = decode(decoder, Topics.CLICKSTREAM,
                page("lead-1", "anon-1", "pricing", RECORD_TS.plus(SKEW).plusMillis(1)), ts);
        assertThat(over.deadLetter.message).contains(" is 300.001 s after the record's timestamp 2026-03-02T10:00:00Z (allowed: 5m,");
        assertThat(counter(Topics.CLICKSTREAM, JobMetrics.EVENT_TIME_OUT_OF_RANGE)).isEqualTo(1);
    }

    @Test
    void theSkewIsTheConfiguredOne() throws Exception {
        InputDeserializer none = decoder(Topics.SALES, Duration.ZERO);
        long ts = RECORD_TS.toEpochMilli();
        assertThat(decode(none, Topics.SALES, sales("lead-1", SalesActivityType.CALL, "s1", RECORD_TS), ts).deadLetter).isNull();
        assertThat(decode(none, Topics.SALES, sales("lead-1", SalesActivityType.CALL, "s1", RECORD_TS.plusMillis(1)), ts)
                .deadLetter.message).contains("is 0.001 s after", "(allowed: 0s,");

        InputDeserializer day = decoder(Topics.CAMPAIGN, Duration.ofDays(1));
        Instant in20Hours = RECORD_TS.plus(Duration.ofHours(20));
        assertThat(decode(day, Topics.CAMPAIGN, campaign("lead-1", Channel.EMAIL, EngagementAction.OPENED, in20Hours), ts)
                .deadLetter).isNull();
        assertThat(decode(day, Topics.CAMPAIGN, campaign("lead-1", Channel.EMAIL, EngagementAction.OPENED,
                RECORD_TS.plus(Duration.ofDays(3))), ts).deadLetter.message).contains("is 3 days after", "(allowed: 1d,");
    }

    @Test
    void aRecordWithoutTimestampIsCheckedAgainstTheTimeItIsRead() throws Exception {
        DecodedRecord r = decode(decoder(Topics.CLICKSTREAM, SKEW), Topics.CLICKSTREAM,
                page("lead-1", "anon-1", "pricing", YEAR_2099), ConsumerRecord.NO_TIMESTAMP);
        assertThat(r.deadLetter.message).contains("after the time it was read (the record has no timestamp)");
    }

    @Test
    void aDeadLetteredFutureEventMovesNoWatermark() throws Exception {
        InputDeserializer decoder = decoder(Topics.CLICKSTREAM, SKEW);
        long ts = RECORD_TS.toEpochMilli();
        DecodedRecord good = decode(decoder, Topics.CLICKSTREAM, page("lead-1", "anon-1", "pricing", RECORD_TS.minusSeconds(60)), ts);
        DecodedRecord future = decode(decoder, Topics.CLICKSTREAM, page("lead-1", "anon-1", "pricing", YEAR_2099), ts);
        assertThat(future.deadLetter).isNotNull();

        // the sources' own strategy: idle after 30 s, so within this test the wall clock plays no part
        WatermarkStrategy<DecodedRecord> strategy = LeadFlowPipeline.watermarks(Duration.ofSeconds(5), Duration.ofSeconds(30));
        StrategyContext context = new StrategyContext(metrics.getMetricGroup());
        TimestampAssigner<DecodedRecord> timestamps = strategy.createTimestampAssigner(context);
        WatermarkGenerator<DecodedRecord> generator = strategy.createWatermarkGenerator(context);
        Watermarks out = new Watermarks();
        for (DecodedRecord r : List.of(good, future)) {
            generator.onEvent(r, timestamps.extractTimestamp(r, ts), out);
        }
        generator.onPeriodicEmit(out);

        assertThat(timestamps.extractTimestamp(future, ts)).as("a dead letter has no event time").isEqualTo(Long.MIN_VALUE);
        assertThat(out.emitted).containsExactly(RECORD_TS.minusSeconds(60).toEpochMilli() - 5_000 - 1);
    }

    @Test
    void gapsReadInTheirLargestWholeUnit() {
        assertThat(InputDeserializer.span(1)).isEqualTo("0.001 s");
        assertThat(InputDeserializer.span(300_000)).isEqualTo("300 s");
        assertThat(InputDeserializer.span(Duration.ofMinutes(61).toMillis())).isEqualTo("1 hour");
        assertThat(InputDeserializer.span(Duration.ofHours(49).toMillis())).isEqualTo("2 days");
        assertThat(InputDeserializer.span(Duration.ofDays(365).toMillis())).isEqualTo("1 year");
    }

    // ---------------------------------------------------------------------------------------

    private InputDeserializer decoder(String topic, Duration skew) {
        InputDeserializer d = new InputDeserializer(topic, RegistryConfig.of(REGISTRY_URL), 256 * 1024, skew);
        d.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return metrics.getMetricGroup();
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(InputDeserializerTest.class.getClassLoader());
            }
        });
        return d;
    }

    /** Decodes one record as the Kafka source hands it over (offset 7 of partition 0). */
    private DecodedRecord decode(InputDeserializer decoder, String topic, SpecificRecord event, long recordTimestamp)
            throws Exception {
        byte[] value = serializer(topic).serialize(event);
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(topic, 0, 7, recordTimestamp,
                recordTimestamp < 0 ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.CREATE_TIME, 6, value.length,
                "lead-1".getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(), Optional.empty());
        List<DecodedRecord> out = new ArrayList<>();
        decoder.deserialize(record, new Collector<>() {
            @Override
            public void collect(DecodedRecord r) {
                out.add(r);
            }

            @Override
            public void close() {}
        });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private AvroWireSerializer<SpecificRecord> serializer(String topic) {
        SpecificRecord prototype = switch (topic) {
            case Topics.CLICKSTREAM -> new ClickEvent();
            case Topics.CAMPAIGN -> new CampaignEngagement();
            default -> new SalesActivity();
        };
        return new AvroWireSerializer<>(registry, Topics.valueSubject(topic), prototype.getSchema());
    }

    private static String topicOf(SpecificRecord event) {
        return event instanceof ClickEvent ? Topics.CLICKSTREAM
                : event instanceof CampaignEngagement ? Topics.CAMPAIGN : Topics.SALES;
    }

    private long counter(String topic, String name) {
        Optional<Counter> c = metrics.getCounter("stream", InputDeserializer.streamName(topic), name);
        return c.orElseThrow(() -> new AssertionError("no counter " + name + " for " + topic)).getCount();
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** What a source gives its watermark strategy. */
    private record StrategyContext(MetricGroup group)
            implements WatermarkGeneratorSupplier.Context, TimestampAssignerSupplier.Context {
        @Override
        public MetricGroup getMetricGroup() {
            return group;
        }

        @Override
        public RelativeClock getInputActivityClock() {
            return SystemClock.getInstance();
        }
    }

    private static final class Watermarks implements WatermarkOutput {
        final List<Long> emitted = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }
}
