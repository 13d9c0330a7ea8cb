package dev.leadflow.scoring;

import java.util.HashMap;
import java.util.Map;

/**
 * Everything the scorer remembers about one lead; the Flink operator keeps one per lead id in
 * keyed state and hands it to {@link LeadScorer}. A Flink POJO: public no-arg constructor, public
 * fields, interface-typed collections and primitive arrays, nested POJOs; no Kryo.
 *
 * <p>Times are event-time epoch millis; {@code Long.MIN_VALUE} means "never".
 */
public class LeadState {

    public String leadId;

    // --- who: traits and what the model derives from them (cached; recomputed when either changes)
    /** Null until the first IDENTIFY. Replaced, never mutated, when traits change. */
    public Profile profile;
    /** Event time of the newest IDENTIFY applied: an older one only fills traits still unknown. */
    public long profileAt = Long.MIN_VALUE;
    /** Grows whenever the traits change. */
    public int profileRev;
    /** Fingerprint of the model that computed fit, gate, account domain and queue; 0 = none. */
    public long derivedModel;
    public int derivedRev;
    public int fit;
    public FitGate fitGate = FitGate.OK;
    public String accountDomain;
    /** Queue from routing, computed with {@link #derivedOwner} as the owner. */
    public String queue;
    public String derivedOwner;

    // --- sales feedback
    public String ownerSellerId;
    public long ownerAssignedAt = Long.MIN_VALUE;
    public long lastTouchAt = Long.MIN_VALUE;
    public boolean opportunityOpen;
    /** Event time of the newest OPPORTUNITY_OPENED / CLOSED_* applied: a later one wins, whatever the arrival order. */
    public long opportunityChangedAt = Long.MIN_VALUE;
    public long cooldownUntil = Long.MIN_VALUE;
    public SalesType cooldownCause;
    /** Free text of the activity that set the cooldown, e.g. the seller's HANDOFF_REJECTED reason. */
    public String cooldownReason;
    public long lastHandRaiseAt = Long.MIN_VALUE;

    // --- decisions
    /** Hysteresis: becomes true at the qualify threshold, false only below the exit threshold. */
    public boolean qualified;
    public boolean handoffOpen;
    /** Grows by one for every handoff opened; the handoff id is {@code leadId + "-" + handoffSeq}. */
    public long handoffSeq;
    /** Id of the open (or last) handoff, null before the first. */
    public String handoffId;
    /** Event time the open (or last) handoff was opened: a seller's answer older than that is about an earlier one. */
    public long handoffOpenedAt = Long.MIN_VALUE;
    /** Grows by one for every evaluation that changes the outcome; use it as the version of what is published. */
    public long updateSeq;

    // --- the last published outcome, to tell whether an evaluation changed it
    /** Scores and flags packed by {@link LeadScorer}; -1 before the first evaluation. */
    public long publishedScores = -1;
    public String publishedQueue;
    public long publishedUntil;
    public int publishedRev;
    /**
     * Event time from which a reason sentence last published for the open handoff would be false (an event
     * leaves "the last 24 h", a "last 3 days ago" becomes 4); Long.MAX_VALUE when none would.
     */
    public long reasonsValidUntil = Long.MAX_VALUE;

    // --- engagement
    /** Keyed by the model's signal key (a wildcard rule has one entry for all its channels). */
    public Map<String, SignalState> signals = new HashMap<>();
    /**
     * The signals summed per half-life (see DecayGroups), sorted by half-life: the first
     * {@link #decayGroupCount} entries of each array. Derived from {@link #signals} under the model
     * with fingerprint {@link #decayModel}.
     */
    public long[] decayHalfLife;
    public long[] decayAsOf;
    public double[] decayValue;
    public int decayGroupCount;
    public long decayModel;

    // --- de-duplication: hashes of recent event ids (see RecentIds)
    /** Buckets of 8 hashes, newest first; 0 marks an empty slot. */
    public long[] recentEventIds;
    /** Ids added so far, counted up to the table's size (it grows when full). */
    public int recentEventIdCount;

    // --- clocks
    /** Newest event time applied or evaluated at. */
    public long clock = Long.MIN_VALUE;
    /** Newest event time applied (timers do not move it); drives the inactivity TTL. */
    public long lastEventAt = Long.MIN_VALUE;

    public LeadState() {}

    @Override
    public String toString() {
        return "LeadState{" + leadId + " clock=" + clock + " qualified=" + qualified + " handoff="
                + (handoffOpen ? handoffId : "none") + " signals=" + (signals == null ? "none" : signals.keySet()) + '}';
    }
}
