package dev.leadflow.job;

import dev.leadflow.job.account.AccountPrioritizer;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.job.control.Control;
import dev.leadflow.job.control.ControlRecord;
import dev.leadflow.job.control.LiveModel;
import dev.leadflow.job.control.SplitControl;
import dev.leadflow.job.identity.IdentityStitcher;
import dev.leadflow.job.ingest.DeadLetter;
import dev.leadflow.job.ingest.DecodedRecord;
import dev.leadflow.job.ingest.RouteDecodedRecords;
import dev.leadflow.job.ingest.WallClockIdleWatermarks;
import dev.leadflow.job.scoring.LeadScoringFunction;
import dev.leadflow.job.scoring.LeadUpdate;
import dev.leadflow.job.types.LeadEventSerializer;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.model.ScoringModel;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The topology of the scoring job, in one place: decode (DLQ) → identity stitching (keyed by
 * anonymous id) → lead scoring (keyed by lead id) → account prioritizer (keyed by account) →
 * Redis queue and audit topic. A control source (scoring models, erasure requests, operator
 * commands) is broadcast to the three stateful operators. Production wires Kafka sources and sinks in {@link LeadFlowJob};
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
        public static final String SOURCE_CONTROL = "source-control";
        public static final String DECODE_CONTROL = "split-control";
        public static final String CONTROL_WATERMARKS = "control-watermarks";
        public static final String AUDIT_FILTER = "audit-filter";

        private Uids() {}
    }

    /**
     * The three input sources, each emitting decoded records or dead letters, and the control source
     * (leadflow.scoring-model, leadflow.privacy, leadflow.control).
     */
    public record Inputs(Source<DecodedRecord, ?, ?> clickstream, Source<DecodedRecord, ?, ?> campaign,
            Source<DecodedRecord, ?, ?> sales, Source<ControlRecord, ?, ?> control) {}

    /** Where results go. */
    public record Outputs(Sink<HandoffCommand> queue, Sink<HandoffCommand> audit, Sink<DeadLetter> deadLetters) {}

    private LeadFlowPipeline() {}

    /** Builds the job graph on {@code env}; returns the handoff commands stream (for tests that watch it). */
    public static DataStream<HandoffCommand> defineWorkflow(StreamExecutionEnvironment env, Inputs in, Outputs out,
            ScoringModel model, JobSettings settings) {
        WatermarkStrategy<DecodedRecord> watermarks = watermarks(settings.maxOutOfOrderness, settings.idleAfter);

        // Decoding is chained to each source: a decoder after the union of the three sources could
        // not be chained and would cost every event one more serialization hop. Events cross the
        // shuffles with their own serializer (LeadEvent is no Flink type, so it is named here).
        SingleOutputStreamOperator<LeadEvent> clicks = env.fromSource(in.clickstream(), watermarks, "clickstream")
                .uid(Uids.SOURCE_CLICKSTREAM)
                .process(new RouteDecodedRecords(), LeadEventSerializer.TYPE).uid(Uids.DECODE).name("decode + DLQ (clickstream)");
        SingleOutputStreamOperator<LeadEvent> campaign = env.fromSource(in.campaign(), watermarks, "campaign-engagement")
                .uid(Uids.SOURCE_CAMPAIGN)
                .process(new RouteDecodedRecords(), LeadEventSerializer.TYPE).uid(Uids.DECODE_CAMPAIGN).name("decode + DLQ (campaign-engagement)");
        SingleOutputStreamOperator<LeadEvent> sales = env.fromSource(in.sales(), watermarks, "sales-activity")
                .uid(Uids.SOURCE_SALES)
                .process(new RouteDecodedRecords(), LeadEventSerializer.TYPE).uid(Uids.DECODE_SALES).name("decode + DLQ (sales-activity)");

        // Control messages are rare: one reader. Its output is marked idle and never carries a
        // watermark, so it never holds back event time in the operators it reaches, nor pushes it
        // ahead. (A "maximum" watermark would: with every input stream idle, it would become the
        // operators' watermark, and no event-time timer registered after that would ever fire.)
        SingleOutputStreamOperator<Control> controls = env.fromSource(in.control(), WatermarkStrategy.noWatermarks(), "control")
                .uid(Uids.SOURCE_CONTROL).setParallelism(1)
                .assignTimestampsAndWatermarks(alwaysIdle()).uid(Uids.CONTROL_WATERMARKS)
                .name("control: outside event time").setParallelism(1)
                .process(new SplitControl()).uid(Uids.DECODE_CONTROL).name("control (models, erasures, commands)")
                .setParallelism(1);
        BroadcastStream<Control> broadcast = controls.broadcast(LiveModel.STATE);

        DataStream<LeadEvent> decoded = clicks.union(campaign, sales, controls.getSideOutput(SplitControl.ERASURES));
        clicks.getSideOutput(RouteDecodedRecords.Tags.DEAD_LETTERS)
                .union(campaign.getSideOutput(RouteDecodedRecords.Tags.DEAD_LETTERS),
                        sales.getSideOutput(RouteDecodedRecords.Tags.DEAD_LETTERS),
                        controls.getSideOutput(RouteDecodedRecords.Tags.DEAD_LETTERS))
                .sinkTo(out.deadLetters()).uid(Uids.SINK_DLQ).name("dead letters → " + Topics.DLQ);
        DataStream<LeadEvent> toStitch = clicks.getSideOutput(RouteDecodedRecords.Tags.TO_STITCH)
                .union(campaign.getSideOutput(RouteDecodedRecords.Tags.TO_STITCH),
                        sales.getSideOutput(RouteDecodedRecords.Tags.TO_STITCH));

        DataStream<LeadEvent> stitched = toStitch
                .keyBy(e -> e.anonymousId)
                .connect(broadcast)
                .process(new IdentityStitcher(model.anonymousRetentionMillis(), model.anonymousMaxEvents()),
                        LeadEventSerializer.TYPE)
                .uid(Uids.STITCHING).name("identity stitching");

        DataStream<LeadUpdate> leads = decoded.union(stitched)
                .keyBy(e -> e.leadId)
                .connect(broadcast)
                .process(new LeadScoringFunction(model))
                .uid(Uids.SCORING).name("lead scoring");

        DataStream<HandoffCommand> commands = leads
                .keyBy(u -> u.accountKey)
                .connect(broadcast)
                .process(new AccountPrioritizer(model))
                .uid(Uids.PRIORITIZER).name("account prioritizer");

        commands.sinkTo(out.queue()).uid(Uids.SINK_QUEUE).name("redis queue");
        // The audit trail records handoff actions once: not erasures (a queue operation) nor the
        // ENQUEUEs a queue rebuild re-sends with versions already audited.
        commands.filter(HandoffCommand::isAudited)
                .uid(Uids.AUDIT_FILTER).name("handoff actions only")
                .sinkTo(out.audit()).uid(Uids.SINK_AUDIT).name("handoff audit → leadflow.handoffs");
        return commands;
    }

    /**
     * Watermarks of a stream outside event time: idle from the first periodic emission on, no
     * watermark ever. (The operator that applies it ignores the watermark status of its input.)
     */
    static <T> WatermarkStrategy<T> alwaysIdle() {
        return WatermarkStrategy.<T>forGenerator(ctx -> new WatermarkGenerator<T>() {
            @Override
            public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.markIdle();
            }
        });
    }

    /** The sources' watermarks: bounded out-of-orderness that follows the wall clock once a split is idle. */
    public static WatermarkStrategy<DecodedRecord> watermarks(Duration outOfOrderness, Duration idleAfter) {
        return WatermarkStrategy.<DecodedRecord>forGenerator(
                        ctx -> new WallClockIdleWatermarks<>(outOfOrderness, idleAfter, System::currentTimeMillis))
                .withTimestampAssigner((r, kafkaTs) -> r.event != null ? r.event.occurredAt : Long.MIN_VALUE);
    }
}
