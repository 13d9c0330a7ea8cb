package dev.leadflow.scoring;

import dev.leadflow.scoring.model.FitRules;
import dev.leadflow.scoring.model.Grades;
import dev.leadflow.scoring.model.Routing;
import dev.leadflow.scoring.model.SalesRules;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.scoring.model.SignalRule;
import dev.leadflow.scoring.model.SignalRules;
import java.util.List;
import java.util.Objects;

/**
 * Scores one lead at a time: applies events to its {@link LeadState} and says whether it should be
 * handed off. Plain Java with no Flink in it; the Flink operator only moves state in and out,
 * registers a timer at {@link #nextCheckAt} and publishes what {@link Evaluation}s say.
 *
 * <p>Everything follows event time, so a replay gives the same scores. {@link #apply} is the hot
 * path: apart from IDENTIFY (traits, regexes) it allocates only the returned evaluation and,
 * rarely, grows small arrays of the state.
 *
 * <p>Boundaries, all half-open: a touch at t suppresses on [t, t + touchWindow); a cooldown until u
 * holds while evaluation time < u; a hand-raise at t counts on [t, t + handRaiseWindow); an event at
 * exactly clock - horizon is still applied, 1 ms older is stale; with afterAwait queue, a hand-raise
 * at t of a lead with no email awaits traits on [t, t + awaitTraits).
 *
 * <p>A scorer is bound to one model; build a new one when the model changes. State computed under
 * another model is reused: credits keep their values and decay with the new half-lives, fit is
 * recomputed. A scorer keeps a small cache (fit parts for reasons): use one per thread.
 */
public final class LeadScorer {

    static final String IDENTIFY = "identify";

    private final ScoringModel model;
    private final SignalRules signals;
    private final FitRules fitRules;
    private final SalesRules sales;
    private final Routing routing;
    private final Grades grades;
    private final long fingerprint;
    private final long horizon;
    private final long handRaiseWindow;
    private final long awaitTraits;
    private final boolean queueAfterAwait;
    private final long touchWindow;
    private final int recentEventIds;
    private final int qualify;
    private final int exit;
    private final int engagementMax;
    private final int engagedAt;
    private final int priorityTolerance;
    private final FitPartsCache fitParts = new FitPartsCache();

    public LeadScorer(ScoringModel model) {
        this.model = model;
        this.signals = model.signals();
        this.fitRules = model.fit();
        this.sales = model.sales();
        this.routing = model.routing();
        this.grades = model.grades();
        this.fingerprint = model.fingerprint();
        this.horizon = model.horizonMillis();
        this.handRaiseWindow = model.handRaiseWindowMillis();
        this.awaitTraits = model.awaitTraitsMillis();
        this.queueAfterAwait = model.queuesAfterAwait();
        this.touchWindow = model.touchWindowMillis();
        this.recentEventIds = model.recentEventIds();
        this.qualify = model.qualifyThreshold();
        this.exit = model.exitThreshold();
        this.engagementMax = model.engagementMax();
        this.engagedAt = model.engagedThreshold();
        this.priorityTolerance = model.priorityTolerance();
    }

    public ScoringModel model() {
        return model;
    }

    /**
     * Applies one event of the lead and evaluates it at the lead's clock. A duplicate event id or a
     * stale event changes nothing and is reported as {@link EvaluationCause#DUPLICATE} / {@link EvaluationCause#STALE}.
     * Sales activities are never stale: their effects (cooldowns up to a year) outlast the horizon.
     */
    public Evaluation apply(LeadState s, LeadEvent e) {
        if (s.leadId == null) {
            s.leadId = e.leadId;
        }
        long t = e.occurredAt;
        long idHash = 0;
        if (e.eventId != null) {
            idHash = Hashing.hash64(e.eventId);
            if (RecentIds.contains(s, idHash)) {
                return snapshot(s, EvaluationCause.DUPLICATE, e.eventId);
            }
        }
        if (e.source != LeadEvent.Source.SALES && s.clock != Long.MIN_VALUE && t < s.clock - horizon) {
            return snapshot(s, EvaluationCause.STALE, e.eventId);
        }
        if (e.eventId != null) {
            RecentIds.add(s, idHash, recentEventIds);
        }
        ensureDecayGroups(s);
        s.clock = Math.max(s.clock, t);
        s.lastEventAt = Math.max(s.lastEventAt, t);
        boolean sellerAnswered = false;
        SalesType salesType = e.source == LeadEvent.Source.SALES ? SalesType.ofSignal(e.signal) : null;
        if (salesType != null) {
            sellerAnswered = SalesFeedback.apply(s, salesType, e, sales);
        } else if (IDENTIFY.equals(e.signal)) {
            identify(s, e);
        }
        SignalRule rule = signals.resolve(e.signal);
        if (rule != null) {
            credit(s, rule, t);
        }
        if (signals.raisesHand(e.signal, rule)) {
            s.lastHandRaiseAt = Math.max(s.lastHandRaiseAt, t);
        }
        return commit(s, s.clock, EvaluationCause.APPLIED, e.eventId, sellerAnswered);
    }

    /**
     * Re-evaluates the lead at event time {@code at} without an event (an event-time timer). A time
     * at or after the clock advances it; an earlier one evaluates at the clock.
     */
    public Evaluation evaluate(LeadState s, long at) {
        s.clock = Math.max(s.clock, at);
        return commit(s, s.clock, EvaluationCause.TIMER, null, false);
    }

    /**
     * The earliest event time after the lead's clock at which the outcome can change with no new
     * event: qualified readiness falling below the exit threshold (or, with negative signals that
     * decay, readiness rising to the qualify threshold), the engaged flag flipping, a hand-raise,
     * touch window, cooldown or wait for traits ending. Long.MAX_VALUE if none. Exact to the
     * millisecond: evaluating 1 ms earlier gives the old outcome.
     */
    public long nextCheckAt(LeadState s) {
        if (s.clock == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        long now = s.clock;
        long next = Long.MAX_VALUE;
        if (s.lastHandRaiseAt != Long.MIN_VALUE) {
            next = earliestAfter(now, next, s.lastHandRaiseAt + handRaiseWindow);
        }
        if (s.lastTouchAt != Long.MIN_VALUE) {
            next = earliestAfter(now, next, s.lastTouchAt + touchWindow);
        }
        next = earliestAfter(now, next, s.cooldownUntil);
        if (queueAfterAwait && s.lastHandRaiseAt != Long.MIN_VALUE && now < s.lastHandRaiseAt + handRaiseWindow
                && !s.qualified && awaitingTraits(s, now) && salesSuppression(s, now) == Suppression.NONE) {
            // the outcome changes only if the wait is what shows: sales feedback hides it
            next = earliestAfter(now, next, s.lastHandRaiseAt + awaitTraits);
        }
        ensureDecayGroups(s);
        Crossing crossing = Crossing.of(s);
        if (crossing.isEmpty()) {
            return next;
        }
        refreshDerived(s);
        // E is continuous, so when it falls it passes the higher level first, and when it rises
        // the lower one: one search per direction finds the first change.
        double fallTo = Double.NEGATIVE_INFINITY;
        double riseTo = Double.POSITIVE_INFINITY;
        if (s.qualified) {
            fallTo = engagementLevel(exit - s.fit);
        } else if (crossing.canRise()) {
            riseTo = engagementLevel(qualify - s.fit);
        }
        if (engagementScore(engagementPoints(s, now)) >= engagedAt) {
            fallTo = Math.max(fallTo, engagementLevel(engagedAt));
        } else if (crossing.canRise()) {
            riseTo = Math.min(riseTo, engagementLevel(engagedAt));
        }
        if (fallTo != Double.NEGATIVE_INFINITY) {
            next = Math.min(next, crossing.first(now, true, fallTo));
        }
        if (riseTo != Double.POSITIVE_INFINITY) {
            next = Math.min(next, crossing.first(now, false, riseTo));
        }
        return next;
    }

    /**
     * While the lead's handoff is open: the earliest event time after its clock at which what its queue shows
     * must be re-published with no new event, so that the order of a queue follows the leads' decay and no
     * reason sentence is false when shown. That is when readiness has moved by the model's priority tolerance
     * from the published value (so a lead of 90 three days ago cannot outrank a fresh 65), or when a published
     * reason sentence turns false ({@link LeadState#reasonsValidUntil}). Evaluating then reports a change.
     * Long.MAX_VALUE if none, or no handoff is open. Each refresh moves readiness by the tolerance or rewrites a
     * sentence, so a queued lead costs a few updates a day, not one per timer tick.
     */
    public long nextRefreshAt(LeadState s) {
        if (!s.handoffOpen || s.clock == Long.MIN_VALUE || s.publishedScores == -1) {
            return Long.MAX_VALUE;
        }
        long now = s.clock;
        long next = earliestAfter(now, Long.MAX_VALUE, s.reasonsValidUntil);
        ensureDecayGroups(s);
        Crossing crossing = Crossing.of(s);
        if (crossing.isEmpty()) {
            return next;
        }
        refreshDerived(s);
        // readiness = fit + rounded engagement: at most `tolerance` below or above what the queue shows
        int shown = (int) (s.publishedScores & 0xFF);
        double fallTo = engagementLevel(shown - priorityTolerance - s.fit + 1);
        if (Double.isFinite(fallTo)) {
            next = Math.min(next, crossing.first(now, true, fallTo));
        }
        if (crossing.canRise()) {
            double riseTo = engagementLevel(shown + priorityTolerance - s.fit);
            if (Double.isFinite(riseTo)) {
                next = Math.min(next, crossing.first(now, false, riseTo));
            }
        }
        return next;
    }

    /**
     * The lead's top contributing signals at {@code at} (not before its clock), fit parts included,
     * each with its current points and a sentence; as many as the model's {@code reasons.count}.
     */
    public List<Reason> reasons(LeadState s, long at) {
        refreshDerived(s);
        long when = Math.max(at, s.clock);
        List<Reason> chosen = ReasonWriter.reasons(model, s, when, model.reasonsCount(), fitParts);
        // published with the open handoff: its sentences are re-written before any of them turns false
        s.reasonsValidUntil = ReasonWriter.validUntil(model, s, chosen, when);
        return chosen;
    }

    /**
     * When the lead's state may be dropped: its last event plus the inactivity TTL, but not while a
     * cooldown runs (dropping it would let a lead sales turned down come straight back) and never
     * while an opportunity is open. If a handoff is still open then, withdraw it with the state.
     */
    public long expiresAt(LeadState s) {
        if (s.opportunityOpen) {
            return Long.MAX_VALUE;
        }
        long lastEvent = s.lastEventAt == Long.MIN_VALUE ? s.clock : s.lastEventAt;
        long expiry = lastEvent == Long.MIN_VALUE ? Long.MIN_VALUE : lastEvent + model.inactiveTtlMillis();
        return Math.max(expiry, s.cooldownUntil);
    }

    /**
     * Engagement points before rounding and clamping: the sum of all signals decayed to {@code at}
     * (not before the clock).
     */
    public double engagementPoints(LeadState s, long at) {
        ensureDecayGroups(s);
        return DecayGroups.valueAt(s, at);
    }

    /** Points of one signal state (keyed by the model's signal key) decayed to {@code at}; 0 if none. */
    public double signalPoints(LeadState s, String signalKey, long at) {
        SignalRule rule = signals.byKey(signalKey);
        SignalState st = s.signals.get(signalKey);
        return rule == null || st == null ? 0 : st.decayedAt(at, rule.halfLifeMillis());
    }

    private void identify(LeadState s, LeadEvent e) {
        Profile merged = Traits.merge(s.profile, e.traits, e.occurredAt >= s.profileAt);
        s.profileAt = Math.max(s.profileAt, e.occurredAt);
        if (merged != s.profile) {
            s.profile = merged;
            s.profileRev++;
        }
    }

    /** Credits one event within its signal's daily cap (absolute points per UTC day). */
    private void credit(LeadState s, SignalRule rule, long t) {
        SignalState st = s.signals.get(rule.key());
        if (st == null) {
            st = new SignalState();
            s.signals.put(rule.key(), st);
        }
        st.seen(t);
        long day = st.dayOf(t);
        int amount = Math.min(Math.abs(rule.points()), rule.dailyCap() - st.creditedOn(day));
        if (amount <= 0) {
            return;
        }
        st.addDayCredit(day, amount, s.clock - horizon);
        double credit = rule.points() < 0 ? -amount : amount;
        st.credit(credit, t, rule.halfLifeMillis());
        DecayGroups.credit(s, rule.halfLifeMillis(), credit, t);
    }

    /** The per-half-life sums follow the model's half-lives; rebuild them when the model changed. */
    private void ensureDecayGroups(LeadState s) {
        if (s.decayModel != fingerprint) {
            DecayGroups.rebuild(s, signals, fingerprint);
        }
    }

    /**
     * Fit, gate, account domain and queue depend only on profile, owner and model: recompute them
     * when one of those changed, not on every event (fit runs regexes, an owner queue is a new string).
     */
    private void refreshDerived(LeadState s) {
        if (s.derivedModel == fingerprint && s.derivedRev == s.profileRev
                && Objects.equals(s.derivedOwner, s.ownerSellerId)) {
            return;
        }
        // through the cache: the lead's reasons need the same parts as long as the profile stays
        s.fit = s.profile == null ? fitRules.points(s.profile) : fitRules.points(fitParts.parts(fitRules, s.profile));
        s.fitGate = fitRules.domains.gate(s.profile);
        s.accountDomain = fitRules.domains.accountDomain(s.profile);
        s.queue = routing.queueFor(s.profile, s.ownerSellerId);
        s.derivedModel = fingerprint;
        s.derivedRev = s.profileRev;
        s.derivedOwner = s.ownerSellerId;
    }

    /** The outcome at {@code at} from the state as it stands, without changing decisions. */
    private Evaluation compute(LeadState s, long at, EvaluationCause cause, String eventId) {
        refreshDerived(s);
        Evaluation ev = new Evaluation();
        ev.leadId = s.leadId;
        ev.at = at;
        ev.eventId = eventId;
        ev.cause = cause;
        ev.modelVersion = model.version();
        ev.fit = s.fit;
        ev.engagement = engagementScore(engagementPoints(s, at));
        ev.readiness = readiness(ev.fit, ev.engagement);
        ev.grade = grades.grade(ev.fit, ev.engagement);
        ev.qualified = s.qualified ? ev.readiness >= exit : ev.readiness >= qualify;
        ev.handRaised = s.lastHandRaiseAt != Long.MIN_VALUE && at < s.lastHandRaiseAt + handRaiseWindow;
        ev.engaged = ev.engagement >= engagedAt;
        ev.fitGate = s.fitGate;
        suppression(s, at, ev, ev.handRaised && !ev.qualified && awaitingTraits(s, at));
        ev.wantsHandoff = (ev.qualified || ev.handRaised) && ev.fitGate == FitGate.OK
                && ev.suppression == Suppression.NONE;
        ev.queue = s.queue;
        ev.accountDomain = s.accountDomain;
        ev.contact = s.profile;
        ev.handoffId = s.handoffOpen ? s.handoffId : null;
        ev.transition = Transition.NONE;
        ev.version = s.updateSeq;
        return ev;
    }

    private Evaluation snapshot(LeadState s, EvaluationCause cause, String eventId) {
        return compute(s, s.clock, cause, eventId);
    }

    /** Evaluates, then records hysteresis, the handoff lifecycle and whether the outcome changed. */
    private Evaluation commit(LeadState s, long at, EvaluationCause cause, String eventId, boolean sellerAnswered) {
        Evaluation ev = compute(s, at, cause, eventId);
        s.qualified = ev.qualified;
        if (sellerAnswered) {
            s.handoffOpen = false;
            ev.transition = Transition.CLOSED;
            ev.closedBySeller = true;
            ev.handoffId = s.handoffId;
        } else if (ev.wantsHandoff && !s.handoffOpen) {
            s.handoffSeq++;
            s.handoffId = s.leadId + "-" + s.handoffSeq;
            s.handoffOpen = true;
            s.handoffOpenedAt = at;
            ev.transition = Transition.OPENED;
            ev.handoffId = s.handoffId;
        } else if (!ev.wantsHandoff && s.handoffOpen) {
            s.handoffOpen = false;
            ev.transition = Transition.CLOSED;
            ev.handoffId = s.handoffId;
        }
        long scores = packScores(ev, s.handoffOpen);
        boolean reasonsTurnedFalse = s.handoffOpen && at >= s.reasonsValidUntil;
        if (reasonsTurnedFalse || scores != s.publishedScores || ev.suppressedUntil != s.publishedUntil || s.profileRev != s.publishedRev
                || !ev.queue.equals(s.publishedQueue)) {
            s.updateSeq++;
            s.publishedScores = scores;
            s.publishedUntil = ev.suppressedUntil;
            s.publishedRev = s.profileRev;
            s.publishedQueue = ev.queue;
            ev.changed = true;
        }
        ev.version = s.updateSeq;
        return ev;
    }

    /** Sales feedback first (see {@link #salesSuppression}), then a hand-raise awaiting traits. */
    private void suppression(LeadState s, long at, Evaluation ev, boolean awaitingTraits) {
        ev.suppression = salesSuppression(s, at);
        switch (ev.suppression) {
            case OPPORTUNITY_OPEN:
                ev.suppressedUntil = Long.MAX_VALUE;
                break;
            case COOLDOWN:
                ev.suppressedUntil = s.cooldownUntil;
                ev.cooldownCause = s.cooldownCause;
                ev.cooldownReason = s.cooldownReason;
                break;
            case OWNER_WORKING:
                ev.suppressedUntil = s.lastTouchAt + touchWindow;
                break;
            default:
                if (awaitingTraits) {
                    ev.suppression = Suppression.AWAITING_TRAITS;
                    ev.suppressedUntil = s.lastHandRaiseAt + (queueAfterAwait ? awaitTraits : handRaiseWindow);
                } else {
                    ev.suppressedUntil = Long.MIN_VALUE;
                }
        }
    }

    /** Open opportunity first, then a cooldown, then a recent touch. */
    private Suppression salesSuppression(LeadState s, long at) {
        if (s.opportunityOpen) {
            return Suppression.OPPORTUNITY_OPEN;
        }
        if (at < s.cooldownUntil) {
            return Suppression.COOLDOWN;
        }
        if (s.lastTouchAt != Long.MIN_VALUE && at < s.lastTouchAt + touchWindow) {
            return Suppression.OWNER_WORKING;
        }
        return Suppression.NONE;
    }

    /**
     * Whether a lead that only its hand-raise (at {@code s.lastHandRaiseAt}, within the window) would
     * hand off waits for traits at {@code at}: no email yet, so a seller has nobody to contact and the
     * fit gate has not seen who it is (a student or competitor would be claimed before their IDENTIFY
     * withdraws them). With afterAwait queue it waits until awaitTraits has passed since the hand-raise;
     * with drop until an email arrives. It only holds back a new handoff: an open one stays, so a
     * second hand-raise of a lead queued without traits does not withdraw and reopen it.
     */
    private boolean awaitingTraits(LeadState s, long at) {
        if (s.handoffOpen || (s.profile != null && s.profile.email != null)) {
            return false;
        }
        return !queueAfterAwait || at < s.lastHandRaiseAt + awaitTraits;
    }

    /**
     * Scores and flags in one long (each score is at most 100, so 8 bits each). Kept in state as
     * LeadState.publishedScores, yet only compared for equality to see whether anything shown
     * changed (and its low 8 bits read as readiness). So the ordinals are fine here: if a release
     * reorders FitGate or Suppression, a restored lead's packed value differs once and it sends one
     * extra UPDATE with the same content; nothing is misread.
     */
    private static long packScores(Evaluation ev, boolean handoffOpen) {
        return ev.readiness
                | (long) ev.fit << 8
                | (long) ev.engagement << 16
                | (ev.qualified ? 1L : 0) << 24
                | (ev.handRaised ? 1L : 0) << 25
                | (ev.engaged ? 1L : 0) << 26
                | (ev.wantsHandoff ? 1L : 0) << 27
                | (handoffOpen ? 1L : 0) << 28
                | (long) ev.fitGate.ordinal() << 29
                | (long) ev.suppression.ordinal() << 32;
    }

    /**
     * The engagement points from which the engagement score (rounded, clamped to 0..max) is at
     * least {@code k}: k - 0.5, since Math.round(x) >= k exactly when x >= k - 0.5. Readiness
     * reaches a threshold when engagement reaches threshold - fit.
     */
    private double engagementLevel(int k) {
        if (k <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        return k > engagementMax ? Double.POSITIVE_INFINITY : k - 0.5;
    }

    private int engagementScore(double points) {
        return (int) Math.max(0, Math.min(engagementMax, Math.round(points)));
    }

    private static int readiness(int fit, int engagement) {
        return Math.max(0, Math.min(100, fit + engagement));
    }

    private static long earliestAfter(long now, long best, long candidate) {
        return candidate > now ? Math.min(best, candidate) : best;
    }
}
