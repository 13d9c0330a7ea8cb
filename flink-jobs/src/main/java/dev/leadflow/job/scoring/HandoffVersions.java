package dev.leadflow.job.scoring;

/**
 * The version every queue action carries. Redis ({@code apply.lua}) applies an action only when its version is
 * greater than the one it holds for the lead in that queue, so a replayed or reordered action is a no-op. That
 * works only if a lead's versions grow strictly over all of its actions, whichever account (and so whichever
 * prioritizer subtask) emits them: an account move is a WITHDRAW from the old account and an ENQUEUE from the
 * new one, decided by two subtasks for one event.
 *
 * <p>So lead scoring, keyed by lead, owns the version. Each {@link LeadUpdate} it emits opens a block of
 * {@link #BLOCK} versions above the previous block of the lead ({@link LeadUpdate#version} is the block's first);
 * the prioritizer numbers the actions it derives from that update (a WITHDRAW and an ENQUEUE for a move within
 * an account, an UPDATE when a colleague changes the committee) inside the block. A block also never starts
 * below {@code time * }{@link #PER_MS}: when scoring has forgotten a lead (inactivity, erasure) and the lead comes
 * back, its new versions still start above those Redis may keep from before.
 */
public final class HandoffVersions {

    /** Versions per millisecond of event time in the floor. */
    static final long PER_MS = 4096;
    /** Versions per update from scoring: room for the prioritizer's actions between two updates of a lead. */
    public static final long BLOCK = 1024;
    /** Times beyond this (year 37,000 or so: only a broken producer's) floor no higher, so versions never overflow. */
    private static final long LATEST_FLOOR_MS = Long.MAX_VALUE / PER_MS / 2;

    private HandoffVersions() {}

    /**
     * The first version of the next block of a lead.
     *
     * @param previous the first version of the lead's previous block, 0 if scoring has no memory of one
     * @param at the event time of the decision
     * @param watermark the operator's current watermark: a lead scoring forgot when the watermark passed its
     *     expiry may come back with an event older than that, whose time alone would be too low a floor
     */
    public static long next(long previous, long at, long watermark) {
        if (previous == 0) {
            return floor(Math.max(at, watermark));
        }
        return Math.max(previous + BLOCK, floor(at));
    }

    private static long floor(long time) {
        return Math.min(Math.max(0, time), LATEST_FLOOR_MS) * PER_MS;
    }

    /** Whether {@code version} still lies in the block that starts at {@code first}. */
    public static boolean inBlock(long version, long first) {
        return version >= first && version < first + BLOCK;
    }
}
