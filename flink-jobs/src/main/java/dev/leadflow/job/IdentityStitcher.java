package dev.leadflow.job;

import dev.leadflow.job.types.LeadEventSerializer;
import dev.leadflow.scoring.LeadEvent;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Identity stitching, keyed by anonymous id. Clicks that carry only an anonymous id are kept
 * (bounded in time and count) until an event links that anonymous id to a lead; then they are
 * released with the lead id set and their original event time and id, so the lead is credited
 * with what the person did before identifying, exactly once (the scorer also drops a repeated
 * event id). Later anonymous clicks of a linked id go straight to the lead. A later IDENTIFY
 * with another lead id relinks (a shared computer).
 *
 * <p>An erasure request (broadcast input) forgets every anonymous id linked to the erased lead. The
 * state is keyed by anonymous id, so this visits every key: acceptable for requests that come a few
 * times a day, not for a per-event path.
 */
public class IdentityStitcher extends KeyedBroadcastProcessFunction<String, LeadEvent, Control, LeadEvent> {

    private static final long serialVersionUID = 1L;
    static final ValueStateDescriptor<String> LINKED_LEAD = new ValueStateDescriptor<>("linked-lead", Types.STRING);
    static final ListStateDescriptor<LeadEvent> BUFFER = new ListStateDescriptor<>(
            "anonymous-events", LeadEventSerializer.TYPE);
    static final ValueStateDescriptor<Integer> BUFFERED = new ValueStateDescriptor<>("anonymous-count", Types.INT);
    static final ValueStateDescriptor<Long> LAST_SEEN = new ValueStateDescriptor<>("last-seen", Types.LONG);

    private final long retentionMs;
    private final int maxBuffered;

    private transient ValueState<String> linkedLead;
    private transient ListState<LeadEvent> buffer;
    private transient ValueState<Integer> buffered;
    private transient ValueState<Long> lastSeen;
    private transient Counter dropped;

    public IdentityStitcher(long retentionMs, int maxBuffered) {
        this.retentionMs = retentionMs;
        this.maxBuffered = maxBuffered;
    }

    @Override
    public void open(OpenContext openContext) {
        linkedLead = getRuntimeContext().getState(LINKED_LEAD);
        buffer = getRuntimeContext().getListState(BUFFER);
        buffered = getRuntimeContext().getState(BUFFERED);
        lastSeen = getRuntimeContext().getState(LAST_SEEN);
        dropped = getRuntimeContext().getMetricGroup().counter(JobMetrics.ANONYMOUS_DROPPED);
    }

    @Override
    public void processBroadcastElement(Control c, Context ctx, Collector<LeadEvent> out) throws Exception {
        if (c.kind != Control.Kind.ERASE) {
            return;
        }
        // Find the anonymous ids linked to the lead, then clear each of their states. Every state is
        // cleared through its own pass so that nothing depends on which key is current in a pass.
        Set<String> linked = new HashSet<>();
        ctx.applyToKeyedState(LINKED_LEAD, (anonymousId, state) -> {
            if (c.leadId.equals(state.value())) {
                linked.add(anonymousId);
                state.clear();
            }
        });
        if (linked.isEmpty()) {
            return;
        }
        ctx.applyToKeyedState(BUFFER, (anonymousId, state) -> clearIf(linked, anonymousId, state));
        ctx.applyToKeyedState(BUFFERED, (anonymousId, state) -> clearIf(linked, anonymousId, state));
        ctx.applyToKeyedState(LAST_SEEN, (anonymousId, state) -> clearIf(linked, anonymousId, state));
    }

    private static void clearIf(Set<String> keys, String key, State state) {
        if (keys.contains(key)) {
            state.clear();
        }
    }

    @Override
    public void processElement(LeadEvent event, ReadOnlyContext ctx, Collector<LeadEvent> out) throws Exception {
        touch(event.occurredAt, ctx.timerService());
        if (event.leadId != null) {
            linkedLead.update(event.leadId);
            releaseBuffered(event.leadId, out);
            out.collect(event);
            return;
        }
        String lead = linkedLead.value();
        if (lead != null) {
            LeadEvent linked = event.copy();
            linked.leadId = lead;
            out.collect(linked);
            return;
        }
        int count = buffered.value() == null ? 0 : buffered.value();
        if (count >= maxBuffered) {
            // A bot or a very long anonymous session: keep the oldest, count what is dropped.
            dropped.inc();
            return;
        }
        buffer.add(event);
        buffered.update(count + 1);
    }

    private void releaseBuffered(String leadId, Collector<LeadEvent> out) throws Exception {
        Iterable<LeadEvent> held = buffer.get();
        if (held == null) {
            return;
        }
        for (LeadEvent e : held) {
            LeadEvent linked = e.copy();
            linked.leadId = leadId;
            out.collect(linked);
        }
        buffer.clear();
        buffered.clear();
    }

    /**
     * Keeps state alive for {@code retentionMs} of event time after the last event of this id. One
     * timer per id: registered on the first event; later events only move {@code lastSeen}, and the
     * timer, when it fires, moves itself to {@code lastSeen + retentionMs} if that is later (cheaper
     * than a delete and a register on every click).
     */
    private void touch(long eventTime, TimerService timers) throws Exception {
        Long previous = lastSeen.value();
        if (previous == null) {
            lastSeen.update(eventTime);
            timers.registerEventTimeTimer(eventTime + retentionMs);
        } else if (eventTime > previous) {
            lastSeen.update(eventTime);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LeadEvent> out) throws Exception {
        Long last = lastSeen.value();
        if (last != null && last + retentionMs > timestamp) {
            ctx.timerService().registerEventTimeTimer(last + retentionMs);
            return;
        }
        // Nothing has happened on this anonymous id for the retention period: forget it.
        linkedLead.clear();
        buffer.clear();
        buffered.clear();
        lastSeen.clear();
    }
}
