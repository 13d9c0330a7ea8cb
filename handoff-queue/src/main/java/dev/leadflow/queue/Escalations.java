package dev.leadflow.queue;

/** The records of response targets and escalation steps ({@link HandoffQueue#schedule} and friends). */
public final class Escalations {

    private Escalations() {
    }

    /** A lead that entered the queue or changed, whose response target is not (re)computed yet. */
    public record Fresh(String leadId, long since) {
    }

    /** A lead whose next escalation step is due: {@code stepsDone} taken so far. */
    public record Due(String leadId, String handoffId, int stepsDone, String kind, long deadline) {
    }

    /** What {@link HandoffQueue#schedule} did. */
    public enum Scheduled { SCHEDULED, TIGHTENED, UNCHANGED, GONE }

    /**
     * What one escalation step did: {@code taken} is false when another caller took it first, or the lead
     * was claimed or left meanwhile ({@code skipped} says which); {@code movedTo} names the overflow queue
     * the lead now waits in, else null.
     */
    public record Step(boolean taken, String skipped, double priority, String movedTo) {
    }

    /** A notification to deliver; {@code attempts} failed before. */
    public record Note(String noteId, String json, int attempts) {
    }

    /** The outcome of one delivery attempt, as recorded. */
    public enum Delivery { DELIVERED, RETRY, DROPPED }
}
