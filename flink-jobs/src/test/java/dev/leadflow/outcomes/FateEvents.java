package dev.leadflow.outcomes;

/** Fate events of one lead ("lead") for the outcomes job's tests. */
final class FateEvents {

    private FateEvents() {}

    /** The audit's ENQUEUE of {@code handoff}: queue "default", grade "A1", model "m". */
    static FateEvent enqueue(String handoff, long at) {
        FateEvent e = FateEvent.of(FateEvent.Kind.ENQUEUE, at, handoff + "-enq", "lead");
        e.handoffId = handoff;
        e.queue = "default";
        e.grade = "A1";
        e.modelVersion = "m";
        return e;
    }

    /** A sales activity of the lead. */
    static FateEvent sales(FateEvent.Kind kind, long at, String id) {
        return FateEvent.of(kind, at, id, "lead");
    }
}
