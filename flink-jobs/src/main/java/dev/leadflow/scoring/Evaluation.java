package dev.leadflow.scoring;

/**
 * The outcome of scoring a lead at one event time: scores, the handoff decision and why. Public
 * fields and a no-arg constructor, so that it is a Flink POJO if the job passes it between operators.
 */
public class Evaluation {

    public String leadId;
    /** Event time evaluated at: the lead's clock. */
    public long at;
    /** The event applied (null for a timer); a handoff's {@code trigger_event_id}. */
    public String eventId;
    public EvaluationCause cause;

    /** 0..fit max (40 by default). */
    public int fit;
    /** 0..engagement max (60 by default): the decayed signal points, rounded. */
    public int engagement;
    /** fit + engagement, 0..100. */
    public int readiness;
    /** Fit letter A-D and engagement digit 1-4, e.g. "A1"; bands in the model's {@code grades}. */
    public String grade;

    /** Marketing-qualified after hysteresis. */
    public boolean qualified;
    /** A hand-raise (demo request, contact sales, trial) within the model's hand-raise window. */
    public boolean handRaised;
    /** Engagement at or above the account committee's threshold. */
    public boolean engaged;
    public FitGate fitGate;
    public Suppression suppression;
    /** When the suppression ends: Long.MAX_VALUE while an opportunity is open; Long.MIN_VALUE for none. */
    public long suppressedUntil;
    /** For COOLDOWN: the activity that caused it and its free-text reason. */
    public SalesType cooldownCause;
    public String cooldownReason;

    /** (qualified or hand-raised) and fit gate OK and not suppressed. */
    public boolean wantsHandoff;
    /** The open handoff, or the one this evaluation closed; null if neither. */
    public String handoffId;
    public Transition transition;
    /** The handoff was closed by a seller (HANDOFF_ACCEPTED / HANDOFF_REJECTED), not withdrawn by scoring. */
    public boolean closedBySeller;
    public String queue;
    /** Company domain trait, else the email's domain unless free mail, else null. */
    public String accountDomain;
    /** Who the lead is (shared with the state, never mutated); null before any IDENTIFY. */
    public Profile contact;

    /** This evaluation changed the outcome (anything above but {@code at}, {@code eventId}, {@code cause}). */
    public boolean changed;
    /** The lead's {@code updateSeq}: grows by one with every change; a version for what is published. */
    public long version;
    public String modelVersion;

    public Evaluation() {}

    public boolean isDuplicate() {
        return cause == EvaluationCause.DUPLICATE;
    }

    public boolean isStale() {
        return cause == EvaluationCause.STALE;
    }

    public boolean handoffChanged() {
        return transition != Transition.NONE;
    }

    /** "First Last" of the contact, or null. */
    public String contactName() {
        return contact == null ? null : contact.fullName();
    }

    @Override
    public String toString() {
        return "Evaluation{" + leadId + " at=" + at + ' ' + cause + " fit=" + fit + " engagement=" + engagement
                + " readiness=" + readiness + ' ' + grade + (qualified ? " qualified" : "")
                + (handRaised ? " hand-raised" : "") + " gate=" + fitGate + " suppression=" + suppression
                + (wantsHandoff ? " wants-handoff" : "") + " handoff=" + handoffId + ' ' + transition
                + " queue=" + queue + " v" + version + '}';
    }
}
