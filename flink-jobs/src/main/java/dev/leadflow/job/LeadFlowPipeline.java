package dev.leadflow.job;

import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.ScoringModel;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The topology of the scoring job, in one place: decode (DLQ) → identity stitching (keyed by
 * anonymous id) → lead scoring (keyed by lead id) → account prioritizer (keyed by account) →
 * Redis queue and audit topic. Production wires Kafka sources and sinks in {@link LeadFlowJob};
 * tests call the same method with their own. Every operator has a stable uid so that savepoints
 * restore across releases.
 */
public final class LeadFlowPipeline {

    /** Stable operator uids; never change one without a state migration. */
    public static final class Uids {
        public static final String SOURCE_CLICKSTREAM = "source-clickstream";
        public static final String SOURCE_CAMPAIGN = "source-campaign-engagement";
        public static final String SOURCE_SALES = "source-sales-activity";
        /** Decoding of the clickstream (the name predates one decoder per source). */
        public static final String DECODE = "decode-split";
        public static final String DECODE_CAMPAIGN = "decode-split-campaign-engagement";
        public static final String DECODE_SALES = "decode-split-sales-activity";
        public static final String STITCHING = "identity-stitching";
        public static final String SCORING = "lead-scoring";
        public static final String PRIORITIZER = "account-prioritizer";
        public static final String SINK_QUEUE = "sink-redis-queue";
        public static final String SINK_AUDIT = "sink-handoff-audit";
        public static final String SINK_DLQ = "sink-dlq";

        private Uids() {}
    }

    /** The three input sources, each emitting decoded records or dead letters. */
    public record Inputs(Source<DecodedRecord, ?, ?> clickstream, Source<DecodedRecord, ?, ?> campaign,
            Source<DecodedRecord, ?, ?> sales) {}

    /** Where results go. */
    public record Outputs(Sink<HandoffCommand> queue, Sink<HandoffCommand> audit, Sink<DeadLetter> deadLetters) {}

    private LeadFlowPipeline() {}

    /** Builds the job graph on {@code env}; returns the handoff commands stream (for tests that watch it). */
    public static DataStream<HandoffCommand> defineWorkflow(StreamExecutionEnvironment env, Inputs in, Outputs out,
            ScoringModel model, JobSettings settings) {
        WatermarkStrategy<DecodedRecord> watermarks = watermarks(settings.maxOutOfOrderness, settings.idleAfter);

        // Decoding is chained to each source: a decoder after the union of the three sources could
        // not be chained and would cost every event one more serialization hop.
        SingleOutputStreamOperator<LeadEvent> clicks = env.fromSource(in.clickstream(), watermarks, "clickstream")
                .uid(Uids.SOURCE_CLICKSTREAM)
                .process(new SplitDeadLetters()).uid(Uids.DECODE).name("decode + DLQ (clickstream)");
        SingleOutputStreamOperator<LeadEvent> campaign = env.fromSource(in.campaign(), watermarks, "campaign-engagement")
                .uid(Uids.SOURCE_CAMPAIGN)
                .process(new SplitDeadLetters()).uid(Uids.DECODE_CAMPAIGN).name("decode + DLQ (campaign-engagement)");
        SingleOutputStreamOperator<LeadEvent> sales = env.fromSource(in.sales(), watermarks, "sales-activity")
                .uid(Uids.SOURCE_SALES)
                .process(new SplitDeadLetters()).uid(Uids.DECODE_SALES).name("decode + DLQ (sales-activity)");

        DataStream<LeadEvent> decoded = clicks.union(campaign, sales);
        clicks.getSideOutput(SplitDeadLetters.Tags.DEAD_LETTERS)
                .union(campaign.getSideOutput(SplitDeadLetters.Tags.DEAD_LETTERS),
                        sales.getSideOutput(SplitDeadLetters.Tags.DEAD_LETTERS))
                .sinkTo(out.deadLetters()).uid(Uids.SINK_DLQ).name("dead letters → " + Topics.DLQ);
        DataStream<LeadEvent> toStitch = clicks.getSideOutput(SplitDeadLetters.Tags.TO_STITCH)
                .union(campaign.getSideOutput(SplitDeadLetters.Tags.TO_STITCH),
                        sales.getSideOutput(SplitDeadLetters.Tags.TO_STITCH));

        DataStream<LeadEvent> stitched = toStitch
                .keyBy(e -> e.anonymousId)
                .process(new IdentityStitcher(model.anonymousRetentionMillis(), model.anonymousMaxEvents()))
                .uid(Uids.STITCHING).name("identity stitching");

        DataStream<LeadUpdate> leads = decoded.union(stitched)
                .keyBy(e -> e.leadId)
                .process(new LeadScoringFunction(model))
                .uid(Uids.SCORING).name("lead scoring");

        DataStream<HandoffCommand> commands = leads
                .keyBy(u -> u.accountKey)
                .process(new AccountPrioritizer(model))
                .uid(Uids.PRIORITIZER).name("account prioritizer");

        commands.sinkTo(out.queue()).uid(Uids.SINK_QUEUE).name("redis queue");
        commands.sinkTo(out.audit()).uid(Uids.SINK_AUDIT).name("handoff audit → leadflow.handoffs");
        return commands;
    }

    /** The sources' watermarks: bounded out-of-orderness that follows the wall clock once a split is idle. */
    public static WatermarkStrategy<DecodedRecord> watermarks(Duration outOfOrderness, Duration idleAfter) {
        return WatermarkStrategy.<DecodedRecord>forGenerator(
                        ctx -> new WallClockIdleWatermarks<>(outOfOrderness, idleAfter, System::currentTimeMillis))
                .withTimestampAssigner((r, kafkaTs) -> r.event != null ? r.event.occurredAt : Long.MIN_VALUE);
    }
}
