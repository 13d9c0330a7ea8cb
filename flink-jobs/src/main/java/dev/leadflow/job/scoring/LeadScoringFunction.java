package dev.leadflow.job.scoring;

import dev.leadflow.job.JobMetrics;
import dev.leadflow.job.control.Control;
import dev.leadflow.job.control.LiveModel;
import dev.leadflow.job.types.LeadStorySerializer;
import dev.leadflow.job.types.ScoredLeadSerializer;
import dev.leadflow.scoring.Evaluation;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.LeadScorer;
import dev.leadflow.scoring.LeadState;
import dev.leadflow.scoring.LeadStory;
import dev.leadflow.scoring.model.ScoringModel;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lead scoring, keyed by lead id. Moves the lead's state in and out of Flink and calls the plain
 * Java {@link LeadScorer}; all scoring maths lives there.
 *
 * <p>One event-time timer per lead, at the earliest of three times the scorer predicts: when the
 * outcome changes with no new event (decay below the exit threshold, a touch window or cooldown
 * ending), when a queued lead's entry must be refreshed (its readiness moved by the priority
 * tolerance, or a reason sentence would turn false), and when the lead's state may be dropped for
 * inactivity. Without the first, a queued lead that goes quiet would never be withdrawn; without
 * the second, a lead of 90 three days ago would outrank a fresh 65; without the third, state of
 * leads that went cold would grow forever.
 *
 * <p>The broadcast input carries control messages: a new scoring model is applied from the next
 * event or timer of each lead on (leads are not all re-scored at once). An erasure request arrives
 * on the keyed input as a {@link LeadEvent.Source#PRIVACY} event: the lead's state and timer are
 * dropped and the prioritizer is told.
 *
 * <p>Each accepted event is also put in words in the lead's {@link LeadStory} (its own state, bounded to the newest
 * {@value LeadStory#LIMIT}), which travels with every update of a lead that wants a handoff; it is read only
 * then, and dropped with the lead.
 */
public class LeadScoringFunction extends KeyedBroadcastProcessFunction<String, LeadEvent, Control, LeadUpdate> {

    private static final long serialVersionUID = 1L;

    /** Everything of one lead in one state: the scorer's state, the last emission, the timer. */
    public static final ValueStateDescriptor<ScoredLead> STATE = new ValueStateDescriptor<>("scored-lead", ScoredLeadSerializer.TYPE);
    /** The lead's recent activity in words, for the seller (see {@link LeadStory}). */
    public static final ValueStateDescriptor<LeadStory> STORY = new ValueStateDescriptor<>("lead-story", LeadStorySerializer.TYPE);

    private final ScoringModel model;

    private transient LiveModel live;
    private transient LeadScorer scorer;
    private transient ValueState<ScoredLead> state;
    private transient ValueState<LeadStory> story;
    private transient Counter stale;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter erasures;

    public LeadScoringFunction(ScoringModel model) {
        this.model = model;
    }

    @Override
    public void open(OpenContext openContext) {
        live = new LiveModel(model, "lead scoring " + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        live.reportTo(getRuntimeContext().getMetricGroup());
        scorer = new LeadScorer(model);
        state = getRuntimeContext().getState(STATE);
        story = getRuntimeContext().getState(STORY);
        stale = getRuntimeContext().getMetricGroup().counter(JobMetrics.STALE_EVENTS);
        duplicates = getRuntimeContext().getMetricGroup().counter(JobMetrics.DUPLICATE_EVENTS);
        late = getRuntimeContext().getMetricGroup().counter(JobMetrics.LATE_EVENTS);
        erasures = getRuntimeContext().getMetricGroup().counter(JobMetrics.ERASURES);
    }

    @Override
    public void processBroadcastElement(Control c, Context ctx, Collector<LeadUpdate> out) throws Exception {
        if (c.kind == Control.Kind.MODEL && live.apply(c, ctx.getBroadcastState(LiveModel.STATE))) {
            scorer = new LeadScorer(live.current());
        }
    }

    private void restoreModel(ReadOnlyContext ctx) throws Exception {
        if (live.restore(ctx.getBroadcastState(LiveModel.STATE))) {
            scorer = new LeadScorer(live.current());
        }
    }

    @Override
    public void processElement(LeadEvent event, ReadOnlyContext ctx, Collector<LeadUpdate> out) throws Exception {
        restoreModel(ctx);
        if (event.source == LeadEvent.Source.PRIVACY) {
            erase(event, ctx.timerService(), out);
            return;
        }
        if (event.occurredAt <= ctx.timerService().currentWatermark()) {
            late.inc();
        }
        ScoredLead lead = state.value();
        if (lead == null) {
            lead = new ScoredLead(new LeadState());
            lead.lead.leadId = event.leadId;
        }
        Evaluation ev = scorer.apply(lead.lead, event);
        if (ev.isStale()) {
            stale.inc();
            return;
        }
        if (ev.isDuplicate()) {
            duplicates.inc();
            return;
        }
        LeadStory told = story.value();
        if (told == null) {
            told = new LeadStory();
        }
        if (told.add(event)) {
            story.update(told);
        }
        publish(lead, ev, event.eventId, event.ingestedAt, ctx.timerService().currentWatermark(), out);
        schedule(lead, ctx.timerService());
        state.update(lead);
    }

    /** Forgets the lead: state and timer go, and the prioritizer withdraws and erases its handoff. */
    private void erase(LeadEvent request, TimerService timers, Collector<LeadUpdate> out) throws Exception {
        ScoredLead lead = state.value();
        LeadEmission last = lead == null ? null : lead.emitted;
        if (lead != null && lead.timer != ScoredLead.NO_TIMER) {
            timers.deleteEventTimeTimer(lead.timer);
        }
        state.clear();
        story.clear();
        erasures.inc();
        String accountKey = last != null ? last.accountKey : LeadUpdate.accountKey(null, request.leadId);
        String accountDomain = last != null ? last.accountDomain : null;
        long version = HandoffVersions.next(last != null ? last.version : 0, request.occurredAt, timers.currentWatermark());
        out.collect(LeadUpdate.erased(request.leadId, accountKey, accountDomain, request.occurredAt, version,
                request.eventId, request.reason, live.current().version()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LeadUpdate> out) throws Exception {
        restoreModel(ctx);
        ScoredLead lead = state.value();
        if (lead == null) {
            return;
        }
        lead.timer = ScoredLead.NO_TIMER;
        LeadState s = lead.lead;
        long due = dueAt(s);
        if (timestamp < due) {
            // A timer kept from before the lead's next check moved later (see schedule): nothing is
            // due yet, so it only moves itself there.
            if (due != Long.MAX_VALUE) {
                ctx.timerService().registerEventTimeTimer(due);
                lead.timer = due;
            }
            state.update(lead);
            return;
        }
        if (timestamp >= scorer.expiresAt(s)) {
            // Inactive for the TTL: tell the account the lead is gone, then forget it.
            LeadEmission last = lead.emitted;
            if (last != null && (last.wantsHandoff || last.engaged)) {
                out.collect(LeadUpdate.leaving(s.leadId, last.accountKey, last.accountDomain, timestamp,
                        HandoffVersions.next(last.version, timestamp, timestamp), live.current().version()));
            }
            state.clear();
            story.clear();
            return;
        }
        Evaluation ev = scorer.evaluate(s, timestamp);
        publish(lead, ev, null, 0L, timestamp, out);
        schedule(lead, ctx.timerService());
        state.update(lead);
    }

    /**
     * Tells the prioritizer what changed for it: handoff wanted or not, scores while wanted, committee membership.
     * Every update gets the lead's next block of versions (see {@link HandoffVersions}), also the one that tells
     * the old account that the lead left it.
     */
    private void publish(ScoredLead lead, Evaluation ev, String triggerEventId, long triggerIngestedAt, long watermark,
            Collector<LeadUpdate> out) throws Exception {
        LeadEmission last = lead.emitted;
        String accountKey = LeadUpdate.accountKey(ev.accountDomain, ev.leadId);
        boolean wasWanted = last != null && last.wantsHandoff;
        boolean wasEngaged = last != null && last.engaged;
        boolean accountMoved = last != null && !accountKey.equals(last.accountKey);
        long version = last == null ? 0 : last.version;
        if (accountMoved && (wasWanted || wasEngaged)) {
            version = HandoffVersions.next(version, ev.at, watermark);
            out.collect(LeadUpdate.leaving(ev.leadId, last.accountKey, last.accountDomain, ev.at, version,
                    live.current().version()));
            // the old account has been told; what follows is between the lead and its new account
            last.accountKey = accountKey;
            last.accountDomain = ev.accountDomain;
            last.engaged = false;
            last.wantsHandoff = false;
            last.version = version;
            wasWanted = false;
            wasEngaged = false;
        }
        boolean relevant = ev.wantsHandoff || wasWanted || ev.engaged != wasEngaged;
        if (!relevant || !(ev.changed || accountMoved)) {
            return;
        }
        LeadUpdate update = toUpdate(lead.lead, ev, accountKey, triggerEventId, triggerIngestedAt);
        update.version = HandoffVersions.next(version, ev.at, watermark);
        out.collect(update);
        LeadEmission now = last == null ? new LeadEmission() : last;
        now.version = update.version;
        now.accountKey = accountKey;
        now.accountDomain = ev.accountDomain;
        now.engaged = ev.engaged;
        now.wantsHandoff = ev.wantsHandoff;
        lead.emitted = now;
    }

    private LeadUpdate toUpdate(LeadState s, Evaluation ev, String accountKey, String triggerEventId, long triggerIngestedAt)
            throws Exception {
        LeadUpdate u = new LeadUpdate();
        u.leadId = ev.leadId;
        u.accountKey = accountKey;
        u.accountDomain = ev.accountDomain;
        u.at = ev.at;
        u.triggerEventId = triggerEventId;
        u.triggerIngestedAt = triggerIngestedAt;
        u.fit = ev.fit;
        u.engagement = ev.engagement;
        u.readiness = ev.readiness;
        u.grade = ev.grade;
        u.handRaised = ev.handRaised;
        u.wantsHandoff = ev.wantsHandoff;
        u.handoffId = ev.handoffId;
        u.queue = ev.queue;
        u.engaged = ev.engaged;
        // Reasons allocate and format text: only worth it for a lead that goes to a queue.
        u.reasons = ev.wantsHandoff ? scorer.reasons(s, ev.at) : List.of();
        LeadStory told = ev.wantsHandoff ? story.value() : null;
        u.story = told == null ? List.of() : told.recent(ev.at);
        if (ev.contact != null) {
            u.name = ev.contactName();
            u.title = ev.contact.title;
            u.company = ev.contact.company;
            u.email = ev.contact.email;
        }
        u.modelVersion = ev.modelVersion;
        return u;
    }

    /** The lead's next timer: its outcome may change, its queue entry needs a refresh, or its state expires. */
    private long dueAt(LeadState s) {
        return Math.min(Math.min(scorer.nextCheckAt(s), scorer.nextRefreshAt(s)), scorer.expiresAt(s));
    }

    private void schedule(ScoredLead lead, TimerService timers) {
        long next = dueAt(lead.lead);
        long current = lead.timer;
        if (current != ScoredLead.NO_TIMER && current <= next) {
            // Keep the earlier timer: when it fires it finds nothing due and moves itself to the
            // lead's next check (onTimer). A delete and a register on nearly every event of an active
            // lead cost more than that one extra firing.
            return;
        }
        if (current != ScoredLead.NO_TIMER) {
            timers.deleteEventTimeTimer(current);
        }
        if (next != Long.MAX_VALUE) {
            timers.registerEventTimeTimer(next);
            lead.timer = next;
        } else {
            lead.timer = ScoredLead.NO_TIMER;
        }
    }
}
