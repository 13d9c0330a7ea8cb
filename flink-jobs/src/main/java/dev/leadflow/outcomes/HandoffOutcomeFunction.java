package dev.leadflow.outcomes;

import dev.leadflow.job.JobMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by lead: keeps the lead's handoff and sales events until the outcome window of its latest handoff has
 * passed (event time), recomputes its handoffs' {@link Fates} on every event, and emits a {@link FateRecord} (a {@code HandoffOutcome} on the topic)
 * for each handoff whose fate changed, numbered by revision ({@code <handoff>-r<n>}). Counts what changed in the
 * outcomes metrics. Sales events of a lead with no handoff are kept for {@link #orphanMillis} of event time, in
 * case the handoff's audit record arrives later; then the lead's state is dropped.
 */
public class HandoffOutcomeFunction extends KeyedProcessFunction<String, FateEvent, FateRecord> {

    static final String HANDOFFS = JobMetrics.OUTCOMES_HANDOFFS;
    static final String ACCEPTED = JobMetrics.OUTCOMES_ACCEPTED;
    static final String REJECTED = JobMetrics.OUTCOMES_REJECTED;
    static final String WITHDRAWN = JobMetrics.OUTCOMES_WITHDRAWN;
    static final String OPPORTUNITIES = JobMetrics.OUTCOMES_OPPORTUNITIES;
    static final String WON = JobMetrics.OUTCOMES_WON;
    static final String LOST = JobMetrics.OUTCOMES_LOST;

    private final long windowMillis;
    private final long orphanMillis;
    private transient ListState<FateEvent> events;
    private transient MapState<String, Long> emitted; // handoff → (hash of the fate emitted << 32) | revision
    private transient ValueState<Long> cleanupAt;
    private transient Map<String, Counter> counters;

    public HandoffOutcomeFunction(long windowMillis, long orphanMillis) {
        this.windowMillis = windowMillis;
        this.orphanMillis = orphanMillis;
    }

    @Override
    public void open(OpenContext context) {
        events = getRuntimeContext().getListState(new ListStateDescriptor<>("fate-events", TypeInformation.of(FateEvent.class)));
        emitted = getRuntimeContext().getMapState(new MapStateDescriptor<>("fates-emitted", Types.STRING, Types.LONG));
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));
        counters = new HashMap<>();
    }

    @Override
    public void processElement(FateEvent e, Context ctx, Collector<FateRecord> out) throws Exception {
        List<FateEvent> before = new ArrayList<>();
        events.get().forEach(before::add);
        List<FateEvent> after = new ArrayList<>(before);
        after.add(e);
        events.add(e);

        Map<String, Fates.Fate> old = new HashMap<>();
        for (Fates.Fate f : Fates.compute(before, windowMillis)) {
            old.put(f.handoffId(), f);
        }
        long latestEnqueue = Long.MIN_VALUE;
        for (Fates.Fate f : Fates.compute(after, windowMillis)) {
            latestEnqueue = Math.max(latestEnqueue, f.enqueuedAt());
            Long packed = emitted.get(f.handoffId());
            int hash = f.hashCode();
            if (packed != null && (int) (packed >>> 32) == hash) {
                continue;
            }
            int revision = packed == null ? 1 : (int) (packed & 0xFFFFFFFFL) + 1;
            emitted.put(f.handoffId(), ((long) hash << 32) | (revision & 0xFFFFFFFFL));
            out.collect(FateRecord.of(f, revision));
            count(old.get(f.handoffId()), f);
        }
        long due = Math.max(e.at + orphanMillis, latestEnqueue == Long.MIN_VALUE ? Long.MIN_VALUE : latestEnqueue + windowMillis);
        Long current = cleanupAt.value();
        if (current == null || due > current) {
            cleanupAt.update(due);
            ctx.timerService().registerEventTimeTimer(due);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FateRecord> out) throws Exception {
        Long due = cleanupAt.value();
        if (due != null && timestamp >= due) {
            events.clear();
            emitted.clear();
            cleanupAt.clear();
        }
    }

    /** Counts what became true of a handoff's fate ({@code before} null: the handoff is new). */
    private void count(Fates.Fate before, Fates.Fate f) {
        String grade = f.grade() == null ? "none" : f.grade();
        if (before == null) {
            counter(HANDOFFS, "queue", f.queue(), "grade", grade).inc();
        }
        if (f.acceptedAt() != null && (before == null || before.acceptedAt() == null)) {
            counter(ACCEPTED, "queue", f.queue(), "grade", grade, "model_version", f.modelVersion()).inc();
        }
        if (f.rejectedAt() != null && (before == null || before.rejectedAt() == null)) {
            String reason = f.rejectReason() == null ? "none" : f.rejectReason().split(":", 2)[0].trim();
            counter(REJECTED, "queue", f.queue(), "grade", grade, "model_version", f.modelVersion(), "reason", reason).inc();
        }
        if (f.withdrawnAt() != null && (before == null || before.withdrawnAt() == null)) {
            counter(WITHDRAWN, "queue", f.queue()).inc();
        }
        if (f.opportunityAt() != null && (before == null || before.opportunityAt() == null)) {
            counter(OPPORTUNITIES, "grade", grade).inc();
        }
        if (f.wonAt() != null && (before == null || before.wonAt() == null)) {
            counter(WON, "grade", grade).inc();
        }
        if (f.lostAt() != null && (before == null || before.lostAt() == null)) {
            counter(LOST, "grade", grade).inc();
        }
    }

    /** A counter under label groups (key, value, key, value...), which Prometheus shows as labels. */
    private Counter counter(String name, String... labels) {
        String id = name + "|" + String.join("|", labels);
        return counters.computeIfAbsent(id, k -> {
            MetricGroup g = getRuntimeContext().getMetricGroup();
            for (int i = 0; i < labels.length; i += 2) {
                g = g.addGroup(labels[i], labels[i + 1]);
            }
            return g.counter(name);
        });
    }
}
