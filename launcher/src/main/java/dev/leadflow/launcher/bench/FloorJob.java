package dev.leadflow.launcher.bench;

import dev.leadflow.job.JobSettings;
import dev.leadflow.job.LeadFlowPipeline;
import dev.leadflow.job.ingest.DecodedRecord;
import dev.leadflow.job.types.LeadEventSerializer;
import dev.leadflow.scoring.LeadEvent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * The benchmark's floor: what reading the streams costs at all. The same Kafka sources and
 * decoding as the scoring job (and the same watermarks), keyed by lead (the anonymous id where
 * there is no lead id yet), one {@code ValueState} update per event, and a sink that discards.
 */
public final class FloorJob {

    private FloorJob() {}

    public static void define(StreamExecutionEnvironment env, LeadFlowPipeline.Inputs in, JobSettings s) {
        WatermarkStrategy<DecodedRecord> watermarks = LeadFlowPipeline.watermarks(s.maxOutOfOrderness, s.idleAfter);
        // as in the scoring job, decoding (here: dropping dead letters) is chained to each source
        DataStream<LeadEvent> clicks = decoded(env.fromSource(in.clickstream(), watermarks, "clickstream")
                .uid("floor-clickstream"), "clickstream");
        DataStream<LeadEvent> campaign = decoded(env.fromSource(in.campaign(), watermarks, "campaign-engagement")
                .uid("floor-campaign"), "campaign");
        DataStream<LeadEvent> sales = decoded(env.fromSource(in.sales(), watermarks, "sales-activity")
                .uid("floor-sales"), "sales");
        clicks.union(campaign, sales)
                .keyBy(e -> e.leadId != null ? e.leadId : e.anonymousId)
                .process(new CountPerLead()).name("one state update per event").uid("floor-count")
                .sinkTo(new DiscardingSink<>()).name("discard").uid("floor-discard");
    }

    private static DataStream<LeadEvent> decoded(DataStream<DecodedRecord> source, String stream) {
        return source.filter(r -> r.event != null).name("drop dead letters (" + stream + ")").uid("floor-filter-" + stream)
                .map(r -> r.event).returns(LeadEventSerializer.TYPE).name("event (" + stream + ")").uid("floor-map-" + stream);
    }

    /** One read and one write of a small value per event. */
    static final class CountPerLead extends KeyedProcessFunction<String, LeadEvent, Long> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext openContext) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(LeadEvent e, Context ctx, Collector<Long> out) throws Exception {
            Long c = count.value();
            long next = c == null ? 1 : c + 1;
            count.update(next);
            if ((next & 1023) == 0) {
                out.collect(next);
            }
        }
    }
}
