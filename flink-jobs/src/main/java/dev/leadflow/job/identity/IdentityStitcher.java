package dev.leadflow.job.identity;

import dev.leadflow.job.JobMetrics;
import dev.leadflow.job.control.Control;
import dev.leadflow.job.types.AnonymousVisitorSerializer;
import dev.leadflow.job.types.LeadEventSerializer;
import dev.leadflow.scoring.LeadEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
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
    /** One anonymous id: its link, how many clicks it holds, when it was last seen. */
    public static final ValueStateDescriptor<AnonymousVisitor> VISITOR = new ValueStateDescriptor<>(
            "anonymous-visitor", AnonymousVisitorSerializer.TYPE);
    /**
     * The clicks held for an unlinked anonymous id, in arrival order. A list state, so that a click is
     * appended without reading (and, on RocksDB, deserializing and rewriting) the ones before it: the
     * order by event time and the limit are applied when the clicks are released, and whenever the
     * list reaches twice the limit (see {@link #hold}).
     */
    public static final ListStateDescriptor<LeadEvent> HELD = new ListStateDescriptor<>("held-clicks", LeadEventSerializer.TYPE);

    private final long retentionMs;
    private final int maxBuffered;

    private transient ValueState<AnonymousVisitor> visitor;
    private transient ListState<LeadEvent> held;
    private transient Counter dropped;

    public IdentityStitcher(long retentionMs, int maxBuffered) {
        this.retentionMs = retentionMs;
        this.maxBuffered = maxBuffered;
    }

    @Override
    public void open(OpenContext openContext) {
        visitor = getRuntimeContext().getState(VISITOR);
        held = getRuntimeContext().getListState(HELD);
        dropped = getRuntimeContext().getMetricGroup().counter(JobMetrics.ANONYMOUS_DROPPED);
    }

    @Override
    public void processBroadcastElement(Control c, Context ctx, Collector<LeadEvent> out) throws Exception {
        if (c.kind != Control.Kind.ERASE) {
            return;
        }
        // Forget every anonymous id linked to the lead (a linked id holds no clicks: they went to the
        // lead when it was linked).
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
     * Keeps an anonymous click: appended to the id's list, unread. What is released is what a buffer of
     * {@code maxBuffered} clicks kept in event-time order would hold (see {@link #newest}); so that the
     * list stays bounded, it is cut down to that whenever it reaches twice the limit, which costs one read
     * and one write of the list per {@code maxBuffered} clicks of a bot or a very long anonymous session.
     */
    private void hold(AnonymousVisitor v, LeadEvent event) throws Exception {
        if (v.held != null) {
            // held in the value by release 2026.2: from now on in the list
            held.addAll(v.held);
            v.heldCount = v.held.size();
            v.held = null;
        }
        held.add(event);
        v.heldCount++;
        if (v.heldCount >= 2 * maxBuffered) {
            List<LeadEvent> kept = newest(held.get());
            held.update(kept);
            v.heldCount = kept.size();
        }
    }

    /**
     * The clicks a buffer of {@code maxBuffered} would keep after taking {@code arrivals} in order:
     * oldest first by event time, arrival order among equal times. When the buffer is full (a bot, a
     * very long anonymous session) the oldest click goes — the newest count most once decayed — and is
     * counted; an arriving click no newer than every kept one is the one dropped. Applied again to
     * its own result followed by later arrivals, it gives what it gives on all of them at once, so the
     * list can be cut down at any time.
     */
    private List<LeadEvent> newest(Iterable<LeadEvent> arrivals) {
        List<LeadEvent> kept = new ArrayList<>();
        for (LeadEvent event : arrivals) {
            if (kept.size() >= maxBuffered) {
                if (event.occurredAt <= kept.get(0).occurredAt) {
                    dropped.inc();
                    continue;
                }
                kept.remove(0);
                dropped.inc();
            }
            kept.add(insertionPoint(kept, event.occurredAt), event);
        }
        return kept;
    }

    /** After every click at or before {@code at}, so that clicks of equal time stay in arrival order. */
    private static int insertionPoint(List<LeadEvent> kept, long at) {
        int lo = 0;
        int hi = kept.size();
        if (hi == 0 || kept.get(hi - 1).occurredAt <= at) {
            return hi;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (kept.get(mid).occurredAt <= at) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The held clicks, once, to the lead that the id is now linked to. */
    private void release(AnonymousVisitor v, Collector<LeadEvent> out) throws Exception {
        if (v.held == null && v.heldCount == 0) {
            return;
        }
        List<LeadEvent> arrivals = new ArrayList<>();
        if (v.held != null) {
            arrivals.addAll(v.held);
        }
        if (v.heldCount > 0) {
            held.get().forEach(arrivals::add);
        }
        for (LeadEvent e : newest(arrivals)) {
            LeadEvent linked = e.copy();
            linked.leadId = v.linkedLead;
            out.collect(linked);
        }
        held.clear();
        v.held = null;
        v.heldCount = 0;
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
        held.clear();
    }
}
