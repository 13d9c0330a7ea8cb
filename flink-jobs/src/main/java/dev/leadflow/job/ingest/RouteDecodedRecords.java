package dev.leadflow.job.ingest;

import dev.leadflow.job.types.LeadEventSerializer;
import dev.leadflow.scoring.LeadEvent;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Routes decoded records: dead letters to the DLQ side output, clicks that carry an anonymous id
 * to identity stitching, everything else (keyed by a lead id already) straight to scoring.
 *
 * <p>Identified clicks (lead id and anonymous id) take the detour through stitching too, although
 * only the link matters there: sent straight to scoring, an identifying click could overtake the
 * anonymous clicks that stitching releases for it, and the event at which a lead qualifies — its
 * handoff's enqueue time — would depend on thread timing (UpgradeFromSavepointIT caught it).
 */
public class RouteDecodedRecords extends ProcessFunction<DecodedRecord, LeadEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(DecodedRecord r, Context ctx, Collector<LeadEvent> out) {
        if (r.deadLetter != null) {
            ctx.output(Tags.DEAD_LETTERS, r.deadLetter);
        } else if (r.event.anonymousId != null) {
            ctx.output(Tags.TO_STITCH, r.event);
        } else {
            out.collect(r.event);
        }
    }

    /** The side outputs of the pipeline, in one place. */
    public static final class Tags {
        public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
        public static final OutputTag<LeadEvent> TO_STITCH = new OutputTag<>("to-stitch", LeadEventSerializer.TYPE);

        private Tags() {}
    }
}
