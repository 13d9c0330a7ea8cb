package dev.leadflow.scoring;

import dev.leadflow.scoring.model.FitRules;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.scoring.model.SignalRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The top contributing signals of a lead with a sentence each, e.g. "Viewed pricing 3 times in the
 * last 24 h, +21". Kept off the hot path: it allocates, and runs only when a handoff is published.
 *
 * <p>Order: hand-raises still in their window first (they are why the lead is handed off), then
 * by points, highest first, then newest, then by signal key so that ties are deterministic. Only
 * the chosen few get a sentence.
 */
final class ReasonWriter {

    private static final long DAY = Durations.DAY;

    private ReasonWriter() {}

    static List<Reason> reasons(ScoringModel model, LeadState s, long at, int count) {
        return reasons(model, s, at, count, null);
    }

    /**
     * As above; {@code fitCache} (may be null) keeps the fit parts of recently seen profiles, which
     * take regexes to find. Only the chosen reasons get a sentence: a lead has many signals and
     * fit parts but hands off only the top few.
     */
    static List<Reason> reasons(ScoringModel model, LeadState s, long at, int count, FitPartsCache fitCache) {
        List<Reason> chosen = new ArrayList<>(Math.max(0, count));
        if (count <= 0) {
            return chosen;
        }
        Top top = new Top(count);
        List<FitRules.Part> parts = List.of();
        if (s.profile != null) {
            parts = fitCache != null ? fitCache.parts(model.fit(), s.profile) : model.fit().parts(s.profile);
            for (int i = 0; i < parts.size(); i++) {
                FitRules.Part part = parts.get(i);
                top.offer(part.signal(), part.points(), s.profileAt, raisedHand(model, part.signal(), s.profileAt, at),
                        -1 - i, null, null);
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
                top.offer(rule.key(), points, st.lastSeen, raisedHand(model, rule.key(), st.lastSeen, at), 0, rule, st);
            }
        }
        for (int i = 0; i < top.size; i++) {
            String detail = top.rule[i] != null
                    ? sentence(top.rule[i].label(), top.state[i], at, model.horizonMillis(), top.points[i])
                    : parts.get(-1 - top.part[i]).detail();
            chosen.add(new Reason(top.signal[i], top.points[i], detail, top.lastSeen[i]));
        }
        return chosen;
    }

    private static boolean raisedHand(ScoringModel model, String signal, long lastSeen, long at) {
        return model.handRaisers().contains(signal) && at < lastSeen + model.handRaiseWindowMillis();
    }

    /**
     * The best {@code capacity} candidates so far, in order: hand-raises still in their window
     * first (they are why the lead is handed off), then by points, highest first, then newest,
     * then by signal key so that ties are deterministic. Insertion into a short sorted array.
     */
    private static final class Top {
        final String[] signal;
        final int[] points;
        final long[] lastSeen;
        final boolean[] raised;
        /** -1 - index of the fit part, or 0 for a signal. */
        final int[] part;
        final SignalRule[] rule;
        final SignalState[] state;
        int size;

        Top(int capacity) {
            signal = new String[capacity];
            points = new int[capacity];
            lastSeen = new long[capacity];
            raised = new boolean[capacity];
            part = new int[capacity];
            rule = new SignalRule[capacity];
            state = new SignalState[capacity];
        }

        void offer(String sig, int pts, long seen, boolean hand, int partIndex, SignalRule r, SignalState st) {
            int cap = signal.length;
            int pos = size;
            while (pos > 0 && before(sig, pts, seen, hand, pos - 1)) {
                pos--;
            }
            if (pos >= cap) {
                return;
            }
            int last = Math.min(size, cap - 1);
            for (int i = last; i > pos; i--) {
                signal[i] = signal[i - 1];
                points[i] = points[i - 1];
                lastSeen[i] = lastSeen[i - 1];
                raised[i] = raised[i - 1];
                part[i] = part[i - 1];
                rule[i] = rule[i - 1];
                state[i] = state[i - 1];
            }
            signal[pos] = sig;
            points[pos] = pts;
            lastSeen[pos] = seen;
            raised[pos] = hand;
            part[pos] = partIndex;
            rule[pos] = r;
            state[pos] = st;
            size = Math.min(size + 1, cap);
        }

        /** Whether the candidate sorts strictly before entry {@code i}. */
        private boolean before(String sig, int pts, long seen, boolean hand, int i) {
            if (hand != raised[i]) {
                return hand;
            }
            if (pts != points[i]) {
                return pts > points[i];
            }
            if (seen != lastSeen[i]) {
                return seen > lastSeen[i];
            }
            return sig.compareTo(signal[i]) < 0;
        }
    }

    /**
     * "{label} {count} {window}, {points}": the window is the shortest of 24 h, 7 days and the
     * horizon that holds every kept event of the signal; older events get "last N days ago".
     */
    static String sentence(String label, SignalState st, long at, long horizonMillis, int points) {
        int total = st.seenBetween(Long.MIN_VALUE, at);
        long[] windows = windows(horizonMillis);
        int w = window(st, at, windows, total);
        if (w >= 0) {
            String name = w == 0 ? "in the last 24 h" : w == 1 ? "in the last 7 days" : "in the last " + days(horizonMillis);
            return label + ' ' + times(total, st) + ' ' + name + ", " + Reason.signed(points);
        }
        long ago = Math.max(0, (at - st.lastSeen) / DAY);
        return label + ' ' + times(total, st) + ", last " + ago + (ago == 1 ? " day" : " days") + " ago, "
                + Reason.signed(points);
    }

    /**
     * The event time from which a sentence written at {@code at} for one of {@code chosen} would say something
     * false, if no event came: the oldest event it counts leaves its window, or "last N days ago" becomes N + 1.
     * Long.MAX_VALUE if none would (fit parts never do). Points are not part of it: they follow readiness,
     * which the priority tolerance keeps close.
     */
    static long validUntil(ScoringModel model, LeadState s, List<Reason> chosen, long at) {
        long until = Long.MAX_VALUE;
        long[] windows = windows(model.horizonMillis());
        for (Reason r : chosen) {
            SignalState st = s.signals.get(r.signal);
            if (st == null || st.recentCount == 0) {
                continue;
            }
            int w = window(st, at, windows, st.seenBetween(Long.MIN_VALUE, at));
            long end;
            if (w >= 0) {
                // counted in (t - window, t]: the oldest kept event leaves it at oldest + window
                end = st.recent[st.recentHead] + windows[w];
            } else {
                long ago = Math.max(0, (at - st.lastSeen) / DAY);
                end = st.lastSeen + (ago + 1) * DAY;
            }
            until = Math.min(until, end);
        }
        return until;
    }

    private static long[] windows(long horizonMillis) {
        return new long[] {DAY, 7 * DAY, horizonMillis};
    }

    /** Index of the shortest window that holds all {@code total} kept events at {@code at}, or -1. */
    private static int window(SignalState st, long at, long[] windows, int total) {
        long shortestSoFar = 0;
        for (int i = 0; i < windows.length; i++) {
            if (windows[i] <= shortestSoFar) {
                continue;
            }
            shortestSoFar = windows[i];
            if (st.seenBetween(at - windows[i], at) == total) {
                return i;
            }
        }
        return -1;
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
