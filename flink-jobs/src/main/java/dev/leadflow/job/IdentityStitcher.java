package dev.leadflow.job;

import dev.leadflow.job.types.AnonymousVisitorSerializer;
import dev.leadflow.scoring.LeadEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Identity stitching, keyed by anonymous id. Clicks that carry only an anonymous id are kept
 * (bounded in time, and in count: the newest by event time) until an event links that anonymous id
 * to a lead; then they are released, oldest first, with the lead id set and their original event
 * time and id, so the lead is credited
 * with what the person did before identifying, exactly once (the scorer also drops a repeated
 * event id). Later anonymous clicks of a linked id go straight to the lead. A later IDENTIFY
 * with another lead id relinks (a shared computer).
 *
 * <p>An erasure request (broadcast input) forgets every anonymous id linked to the erased lead. The
 * state is keyed by anonymous id, so this visits every key (one pass over one state): acceptable for
 * requests that come a few times a day, not for a per-event path.
 */
public class IdentityStitcher extends KeyedBroadcastProcessFunction<String, LeadEvent, Control, LeadEvent> {

    private static final long serialVersionUID = 1L;
    /** Everything of one anonymous id in one state: its link, the clicks held for it, when it was last seen. */
    static final ValueStateDescriptor<AnonymousVisitor> VISITOR = new ValueStateDescriptor<>(
            "anonymous-visitor", AnonymousVisitorSerializer.TYPE);

    private final long retentionMs;
    private final int maxBuffered;

    private transient ValueState<AnonymousVisitor> visitor;
    private transient Counter dropped;

    public IdentityStitcher(long retentionMs, int maxBuffered) {
        this.retentionMs = retentionMs;
        this.maxBuffered = maxBuffered;
    }

    @Override
    public void open(OpenContext openContext) {
        visitor = getRuntimeContext().getState(VISITOR);
        dropped = getRuntimeContext().getMetricGroup().counter(JobMetrics.ANONYMOUS_DROPPED);
    }

    @Override
    public void processBroadcastElement(Control c, Context ctx, Collector<LeadEvent> out) throws Exception {
        if (c.kind != Control.Kind.ERASE) {
            return;
        }
        // Forget every anonymous id linked to the lead, with what it held.
        ctx.applyToKeyedState(VISITOR, (anonymousId, state) -> {
            AnonymousVisitor v = state.value();
            if (v != null && c.leadId.equals(v.linkedLead)) {
                state.clear();
            }
        });
    }

    @Override
    public void processElement(LeadEvent event, ReadOnlyContext ctx, Collector<LeadEvent> out) throws Exception {
        AnonymousVisitor v = visitor.value();
        if (v == null) {
            v = new AnonymousVisitor();
        }
        touch(v, event.occurredAt, ctx.timerService());
        if (event.leadId != null) {
            v.linkedLead = event.leadId;
            release(v, out);
            out.collect(event);
        } else if (v.linkedLead != null) {
            LeadEvent linked = event.copy();
            linked.leadId = v.linkedLead;
            out.collect(linked);
        } else {
            hold(v, event);
        }
        visitor.update(v);
    }

    /**
     * Keeps an anonymous click, oldest first by event time. When the buffer is full (a bot, a very
     * long anonymous session) the oldest click goes — the newest count most once decayed — and is
     * counted; an arriving click no newer than every kept one is the one dropped.
     *
     * <p>Cost per click: in event-time order (the usual case, and a bot's) one comparison and an
     * append; when full, also one array shift of the references to the kept clicks (at most
     * {@code maxBuffered}, one {@code System.arraycopy}) to drop the head. A late click costs a
     * binary search and the same kind of shift to insert it in place.
     */
    private void hold(AnonymousVisitor v, LeadEvent event) {
        if (v.held == null) {
            v.held = new ArrayList<>();
        }
        List<LeadEvent> held = v.held;
        if (held.size() >= maxBuffered) {
            if (event.occurredAt <= held.get(0).occurredAt) {
                dropped.inc();
                return;
            }
            held.remove(0);
            dropped.inc();
        }
        held.add(insertionPoint(held, event.occurredAt), event);
    }

    /** After every click at or before {@code at}, so that clicks of equal time stay in arrival order. */
    private static int insertionPoint(List<LeadEvent> held, long at) {
        int lo = 0;
        int hi = held.size();
        if (hi == 0 || held.get(hi - 1).occurredAt <= at) {
            return hi;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (held.get(mid).occurredAt <= at) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The held clicks, once, to the lead that the id is now linked to. */
    private static void release(AnonymousVisitor v, Collector<LeadEvent> out) {
        if (v.held == null) {
            return;
        }
        for (LeadEvent e : v.held) {
            LeadEvent linked = e.copy();
            linked.leadId = v.linkedLead;
            out.collect(linked);
        }
        v.held = null;
    }

    /**
     * Keeps state alive for {@code retentionMs} of event time after the last event of this id. One
     * timer per id: registered on the first event; later events only move {@code lastSeen}, and the
     * timer, when it fires, moves itself to {@code lastSeen + retentionMs} if that is later (cheaper
     * than a delete and a register on every click).
     */
    private void touch(AnonymousVisitor v, long eventTime, TimerService timers) {
        if (v.lastSeen == Long.MIN_VALUE) {
            v.lastSeen = eventTime;
            timers.registerEventTimeTimer(eventTime + retentionMs);
        } else if (eventTime > v.lastSeen) {
            v.lastSeen = eventTime;
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LeadEvent> out) throws Exception {
        AnonymousVisitor v = visitor.value();
        if (v != null && v.lastSeen + retentionMs > timestamp) {
            ctx.timerService().registerEventTimeTimer(v.lastSeen + retentionMs);
            return;
        }
        // Nothing has happened on this anonymous id for the retention period: forget it.
        visitor.clear();
    }
}
