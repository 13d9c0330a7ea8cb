package dev.leadflow.outcomes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fates of a lead's handoffs, computed from all its kept events at once, so that the order in which the two
 * topics deliver them does not matter: events are taken in event-time order (at equal times a handoff first), an
 * event repeated with the same id counts once, and a sales activity belongs to the latest handoff enqueued at or
 * before it.
 *
 * <ul>
 *   <li>accepted / rejected: the first of the two after the handoff (a later one is a seller changing their mind
 *       through the CRM, which the audit of the first already told);</li>
 *   <li>first touch: the first call, e-mail or meeting after the handoff;</li>
 *   <li>opportunity, won, lost: the first of each within the window after the handoff; later ones do not count;</li>
 *   <li>withdrawn: the job's WITHDRAW of that handoff.</li>
 * </ul>
 */
public final class Fates {

    private static final Comparator<FateEvent> ORDER = Comparator.<FateEvent>comparingLong(e -> e.at)
            .thenComparing(e -> e.kind == FateEvent.Kind.ENQUEUE ? 0 : e.kind == FateEvent.Kind.WITHDRAW ? 1 : 2)
            .thenComparing(e -> e.eventId == null ? "" : e.eventId);

    private Fates() {}

    /** One handoff's fate; {@code null} times for what has not happened. */
    public record Fate(String handoffId, String leadId, String queue, String grade, int readiness, String modelVersion,
            String accountDomain, long enqueuedAt, Long acceptedAt, Long rejectedAt, String rejectReason,
            Long withdrawnAt, Long firstTouchAt, Long opportunityAt, Long wonAt, Long lostAt, long windowEndsAt) {

        /** Event time of the latest change. */
        public long lastChangeAt() {
            long t = enqueuedAt;
            for (Long x : new Long[] {acceptedAt, rejectedAt, withdrawnAt, firstTouchAt, opportunityAt, wonAt, lostAt}) {
                if (x != null && x > t) {
                    t = x;
                }
            }
            return t;
        }
    }

    private static final class Builder {
        final FateEvent enqueue;
        final long windowEndsAt;
        Long acceptedAt;
        Long rejectedAt;
        String rejectReason;
        Long withdrawnAt;
        Long firstTouchAt;
        Long opportunityAt;
        Long wonAt;
        Long lostAt;

        Builder(FateEvent enqueue, long windowMillis) {
            this.enqueue = enqueue;
            this.windowEndsAt = enqueue.at + windowMillis;
        }

        void apply(FateEvent e) {
            boolean inWindow = e.at <= windowEndsAt;
            switch (e.kind) {
                case WITHDRAW -> {
                    if (withdrawnAt == null) {
                        withdrawnAt = e.at;
                    }
                }
                case ACCEPTED -> {
                    if (acceptedAt == null && rejectedAt == null) {
                        acceptedAt = e.at;
                    }
                }
                case REJECTED -> {
                    if (acceptedAt == null && rejectedAt == null) {
                        rejectedAt = e.at;
                        rejectReason = e.reason;
                    }
                }
                case TOUCH -> {
                    if (firstTouchAt == null) {
                        firstTouchAt = e.at;
                    }
                }
                case OPPORTUNITY -> {
                    if (opportunityAt == null && inWindow) {
                        opportunityAt = e.at;
                    }
                }
                case WON -> {
                    if (wonAt == null && inWindow) {
                        wonAt = e.at;
                    }
                }
                case LOST -> {
                    if (lostAt == null && inWindow) {
                        lostAt = e.at;
                    }
                }
                case ENQUEUE -> { }
            }
        }

        Fate build() {
            FateEvent q = enqueue;
            return new Fate(q.handoffId, q.leadId, q.queue, q.grade, q.readiness, q.modelVersion, q.accountDomain, q.at,
                    acceptedAt, rejectedAt, rejectReason, withdrawnAt, firstTouchAt, opportunityAt, wonAt, lostAt,
                    windowEndsAt);
        }
    }

    /** The fates of the handoffs among {@code events}, in the order they were enqueued. */
    public static List<Fate> compute(List<FateEvent> events, long windowMillis) {
        List<FateEvent> sorted = new ArrayList<>(events.size());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (FateEvent e : events) {
            if (e.eventId == null || seen.add(e.kind + "/" + e.eventId)) {
                sorted.add(e);
            }
        }
        sorted.sort(ORDER);
        Map<String, Builder> byHandoff = new LinkedHashMap<>();
        Builder latest = null;
        for (FateEvent e : sorted) {
            switch (e.kind) {
                case ENQUEUE -> {
                    // a queue rebuild re-sends the ENQUEUE of an open handoff: the first one counts
                    Builder b = byHandoff.get(e.handoffId);
                    if (b == null) {
                        b = new Builder(e, windowMillis);
                        byHandoff.put(e.handoffId, b);
                    }
                    latest = b;
                }
                case WITHDRAW -> {
                    Builder b = byHandoff.get(e.handoffId);
                    if (b != null) {
                        b.apply(e);
                    }
                }
                default -> {
                    if (latest != null) {
                        latest.apply(e);
                    }
                }
            }
        }
        List<Fate> out = new ArrayList<>(byHandoff.size());
        for (Builder b : byHandoff.values()) {
            out.add(b.build());
        }
        return out;
    }

    /** Whether {@code f} differs from {@code before} (null: not known before). */
    public static boolean changed(Fate before, Fate f) {
        return !Objects.equals(before, f);
    }
}
