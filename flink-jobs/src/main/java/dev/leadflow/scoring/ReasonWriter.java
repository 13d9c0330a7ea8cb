package dev.leadflow.scoring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The top contributing signals of a lead with a sentence each, e.g. "Viewed pricing 3 times in the
 * last 24 h, +21". Kept off the hot path: it allocates, and runs only when a handoff is published.
 *
 * <p>Order: hand-raises still in their window first (they are why the lead is handed off), then
 * by points, highest first, then newest, then by signal key so that ties are deterministic.
 */
final class ReasonWriter {

    private static final long DAY = Durations.DAY;

    private ReasonWriter() {}

    static List<Reason> reasons(ScoringModel model, LeadState s, long at, int count) {
        List<Reason> all = new ArrayList<>();
        if (s.profile != null) {
            for (FitRules.Part part : model.fit().parts(s.profile)) {
                all.add(new Reason(part.signal(), part.points(), part.detail(), s.profileAt));
            }
        }
        for (Map.Entry<String, SignalState> e : s.signals.entrySet()) {
            SignalRule rule = model.signals().byKey(e.getKey());
            SignalState st = e.getValue();
            if (rule == null) {
                continue;
            }
            int points = (int) Math.round(st.decayedAt(at, rule.halfLifeMillis()));
            if (points != 0) {
                all.add(new Reason(rule.key(), points, sentence(rule.label(), st, at, model.horizonMillis(), points),
                        st.lastSeen));
            }
        }
        Comparator<Reason> order = Comparator
                .comparing((Reason r) -> !raisedHand(model, r, at))
                .thenComparing(r -> -r.points)
                .thenComparing(r -> -r.lastSeen)
                .thenComparing(r -> r.signal);
        all.sort(order);
        return new ArrayList<>(all.subList(0, Math.min(count, all.size())));
    }

    private static boolean raisedHand(ScoringModel model, Reason r, long at) {
        return model.handRaisers().contains(r.signal) && at < r.lastSeen + model.handRaiseWindowMillis();
    }

    /**
     * "{label} {count} {window}, {points}": the window is the shortest of 24 h, 7 days and the
     * horizon that holds every kept event of the signal; older events get "last N days ago".
     */
    static String sentence(String label, SignalState st, long at, long horizonMillis, int points) {
        int total = st.seenBetween(Long.MIN_VALUE, at);
        long[] windows = {DAY, 7 * DAY, horizonMillis};
        String[] names = {"in the last 24 h", "in the last 7 days", "in the last " + days(horizonMillis)};
        long shortestSoFar = 0;
        for (int i = 0; i < windows.length; i++) {
            if (windows[i] <= shortestSoFar) {
                continue;
            }
            shortestSoFar = windows[i];
            if (st.seenBetween(at - windows[i], at) == total) {
                return label + ' ' + times(total, st) + ' ' + names[i] + ", " + Reason.signed(points);
            }
        }
        long ago = Math.max(0, (at - st.lastSeen) / DAY);
        return label + ' ' + times(total, st) + ", last " + ago + (ago == 1 ? " day" : " days") + " ago, "
                + Reason.signed(points);
    }

    private static String times(int n, SignalState st) {
        if (n == SignalState.RECENT_MAX && st.recentCount == SignalState.RECENT_MAX) {
            return "at least " + n + " times";
        }
        return n == 1 ? "once" : n + " times";
    }

    private static String days(long millis) {
        long d = millis / DAY;
        return millis % DAY == 0 ? d + (d == 1 ? " day" : " days") : Durations.format(millis);
    }
}
