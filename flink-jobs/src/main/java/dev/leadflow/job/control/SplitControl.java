package dev.leadflow.job.control;

import dev.leadflow.job.ingest.RouteDecodedRecords;
import dev.leadflow.job.types.LeadEventSerializer;
import dev.leadflow.scoring.LeadEvent;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Routes control records: dead letters to the DLQ, every control message to the broadcast that
 * reaches each stateful operator, and erasure requests also to lead scoring, keyed by the lead,
 * as a {@link LeadEvent.Source#PRIVACY} event.
 */
public class SplitControl extends ProcessFunction<ControlRecord, Control> {

    private static final long serialVersionUID = 1L;
    public static final OutputTag<LeadEvent> ERASURES = new OutputTag<>("erasures", LeadEventSerializer.TYPE);

    @Override
    public void processElement(ControlRecord r, Context ctx, Collector<Control> out) {
        if (r.deadLetter != null) {
            ctx.output(RouteDecodedRecords.Tags.DEAD_LETTERS, r.deadLetter);
            return;
        }
        Control c = r.control;
        if (c.kind == Control.Kind.ERASE) {
            LeadEvent request = new LeadEvent();
            request.source = LeadEvent.Source.PRIVACY;
            request.eventId = c.id;
            request.leadId = c.leadId;
            request.occurredAt = c.at;
            request.reason = c.requestedBy;
            ctx.output(ERASURES, request);
        }
        out.collect(c);
    }
}
