package dev.leadflow.outcomes;

import dev.leadflow.job.JobSettings;
import dev.leadflow.job.LeadFlowJob;
import dev.leadflow.job.ingest.WallClockIdleWatermarks;
import dev.leadflow.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcomes job: every handoff's fate. Reads {@value Topics#HANDOFFS} (the scoring job's audit) and
 * {@value Topics#SALES}, keyed by lead, and writes each change of a handoff's fate to {@value Topics#HANDOFF_OUTCOMES}
 * (see {@link Fates}, {@link HandoffOutcomeFunction}). Same jar as the scoring job, its own main class, uids and
 * consumer group ({@code leadflow-outcomes} unless {@code --group-id} says otherwise); it takes the scoring job's
 * Kafka, registry and checkpoint options, plus {@code --outcome-window} (default 90d).
 */
public final class HandoffOutcomesJob {

    public static final String JOB_NAME = "leadflow-outcomes";
    public static final String DEFAULT_GROUP_ID = "leadflow-outcomes";
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(90);
    /** How long sales events of a lead with no handoff are kept, waiting for a late audit record. */
    static final Duration ORPHAN_RETENTION = Duration.ofDays(1);
    private static final Logger LOG = LoggerFactory.getLogger(HandoffOutcomesJob.class);

    /** Stable operator uids: savepoints of one release restore into the next. */
    public static final class Uids {
        public static final String SOURCE = "outcomes-source";
        public static final String WATERMARKS = "outcomes-watermarks";
        public static final String FATES = "handoff-fates";
        public static final String SINK = "sink-handoff-outcomes";

        private Uids() {}
    }

    private HandoffOutcomesJob() {}

    /** The job's own options taken out of the arguments; the rest are the scoring job's ({@link JobSettings}). */
    public record Settings(JobSettings job, Duration outcomeWindow) {

        public static Settings fromArgs(String[] args, Map<String, String> env) {
            List<String> rest = new ArrayList<>(Arrays.asList(args));
            String window = env.get("LEADFLOW_OUTCOME_WINDOW");
            int i = rest.indexOf("--outcome-window");
            if (i >= 0) {
                if (i + 1 >= rest.size()) {
                    throw new IllegalArgumentException("--outcome-window needs a value, e.g. 90d");
                }
                window = rest.get(i + 1);
                rest.subList(i, i + 2).clear();
            }
            Duration w = JobSettings.duration("outcome-window", window, DEFAULT_WINDOW);
            if (w.isNegative() || w.isZero()) {
                throw new IllegalArgumentException("outcome-window must be positive, was " + window);
            }
            boolean groupGiven = rest.contains("--group-id") || env.containsKey("LEADFLOW_GROUP_ID");
            JobSettings s = JobSettings.fromArgs(rest.toArray(String[]::new), env);
            if (!groupGiven) {
                s.groupId = DEFAULT_GROUP_ID;
            }
            return new Settings(s, w);
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromArgs(args, System.getenv());
        LOG.info("Starting {} with {} and an outcome window of {}", JOB_NAME, settings.job(), settings.outcomeWindow());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(LeadFlowJob.flinkConfig(settings.job()));
        LeadFlowJob.configure(env, settings.job());
        defineWorkflow(env, source(settings.job()), sink(settings.job()), settings);
        env.execute(JOB_NAME);
    }

    /** Builds the job on {@code env}; returns the outcome records (for tests that watch them). */
    public static DataStream<FateRecord> defineWorkflow(StreamExecutionEnvironment env, Source<FateEvent, ?, ?> source,
            Sink<FateRecord> sink, Settings settings) {
        JobSettings s = settings.job();
        WatermarkStrategy<FateEvent> watermarks = WatermarkStrategy.<FateEvent>forGenerator(
                        ctx -> new WallClockIdleWatermarks<>(s.maxOutOfOrderness, s.idleAfter, System::currentTimeMillis))
                .withTimestampAssigner((e, ts) -> e.at);
        DataStream<FateRecord> outcomes = env.fromSource(source, watermarks, "handoffs + sales activity")
                .uid(Uids.SOURCE)
                .keyBy(e -> e.leadId)
                .process(new HandoffOutcomeFunction(settings.outcomeWindow().toMillis(), ORPHAN_RETENTION.toMillis()))
                .uid(Uids.FATES).name("handoff fates");
        outcomes.sinkTo(sink).uid(Uids.SINK).name("handoff outcomes → " + Topics.HANDOFF_OUTCOMES);
        return outcomes;
    }

    // The connector's committedOffsets(...) still takes Kafka's deprecated OffsetResetStrategy.
    @SuppressWarnings("deprecation")
    public static KafkaSource<FateEvent> source(JobSettings s) {
        return KafkaSource.<FateEvent>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setTopics(Topics.HANDOFFS, Topics.SALES)
                .setGroupId(s.groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
                .setDeserializer(new OutcomeInputDeserializer(s.registryConfig()))
                .setProperties(LeadFlowJob.clientProperties(s))
                .setProperty("client.id.prefix", s.groupId)
                .build();
    }

    public static KafkaSink<FateRecord> sink(JobSettings s) {
        return KafkaSink.<FateRecord>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setKafkaProducerConfig(LeadFlowJob.clientProperties(s))
                .setRecordSerializer(new HandoffOutcomeSerializer(s.registryConfig()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }
}
