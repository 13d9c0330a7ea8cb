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
    /** Upper bounds (seconds) of the time-to-first-touch and time-to-accept buckets; the last is +Inf. */
    static final long[] BUCKETS = {60, 300, 900, 3_600, 14_400, 86_400, 259_200, 604_800};

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
        if (e.kind == FateEvent.Kind.WON && isNew(e, before)) {
            counter(JobMetrics.OUTCOMES_DEALS_WON).inc();
        }

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
        for (List<String> increment : increments(before, f)) {
            counter(increment.get(0), increment.subList(1, increment.size()).toArray(String[]::new)).inc();
        }
    }

    /**
     * The counters one change of a handoff's fate increments, each as its name followed by its label groups (key,
     * value, ...); {@code before} null: the handoff is new. Each thing that became true counts once, whatever
     * the order its events arrived in.
     */
    static List<List<String>> increments(Fates.Fate before, Fates.Fate f) {
        List<List<String>> out = new ArrayList<>();
        String grade = f.grade() == null ? "none" : f.grade();
        if (before == null) {
            out.add(List.of(HANDOFFS, "queue", f.queue(), "grade", grade));
        }
        if (became(before, f, Fates.Fate::acceptedAt)) {
            out.add(List.of(ACCEPTED, "queue", f.queue(), "grade", grade, "model_version", f.modelVersion()));
            observe(out, JobMetrics.OUTCOMES_ACCEPT_TIME, f.queue(), f.acceptedAt() - f.enqueuedAt());
        }
        if (became(before, f, Fates.Fate::rejectedAt)) {
            String reason = f.rejectReason() == null ? "none" : f.rejectReason().split(":", 2)[0].trim();
            out.add(List.of(REJECTED, "queue", f.queue(), "grade", grade, "model_version", f.modelVersion(), "reason", reason));
        }
        if (became(before, f, Fates.Fate::withdrawnAt)) {
            out.add(List.of(WITHDRAWN, "queue", f.queue()));
        }
        if (became(before, f, Fates.Fate::firstTouchAt)) {
            observe(out, JobMetrics.OUTCOMES_FIRST_TOUCH, f.queue(), f.firstTouchAt() - f.enqueuedAt());
        }
        if (became(before, f, Fates.Fate::opportunityAt)) {
            out.add(List.of(OPPORTUNITIES, "grade", grade));
        }
        if (became(before, f, Fates.Fate::wonAt)) {
            out.add(List.of(WON, "grade", grade));
        }
        if (became(before, f, Fates.Fate::lostAt)) {
            out.add(List.of(LOST, "grade", grade));
        }
        // sourced: the won deal's opportunity opened after this handoff (the two may arrive in either order)
        boolean sourced = f.wonAt() != null && f.opportunityAt() != null;
        if (sourced && (before == null || before.wonAt() == null || before.opportunityAt() == null)) {
            out.add(List.of(JobMetrics.OUTCOMES_WON_SOURCED, "grade", grade));
        }
        return out;
    }

    private static boolean became(Fates.Fate before, Fates.Fate f, java.util.function.Function<Fates.Fate, Long> time) {
        return time.apply(f) != null && (before == null || time.apply(before) == null);
    }

    /** One duration into cumulative buckets: every bucket whose bound it does not exceed, and +Inf. */
    private static void observe(List<List<String>> out, String name, String queue, long millis) {
        for (long bound : BUCKETS) {
            if (millis <= bound * 1000) {
                out.add(List.of(name, "queue", queue, "le", Long.toString(bound)));
            }
        }
        out.add(List.of(name, "queue", queue, "le", "Inf"));
    }

    /** Whether no event of {@code before} has {@code e}'s kind and id (a repeated record counts once). */
    static boolean isNew(FateEvent e, List<FateEvent> before) {
        if (e.eventId == null) {
            return true;
        }
        for (FateEvent b : before) {
            if (b.kind == e.kind && e.eventId.equals(b.eventId)) {
                return false;
            }
        }
        return true;
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
