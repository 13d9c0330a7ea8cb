package dev.leadflow.scoring;

/**
 * Finds the first millisecond at which a lead's engagement points E(t) cross a level with no new
 * events, e.g. when a qualified lead's readiness falls below 45. The scorer turns every integer
 * threshold into a level on E (the rounded engagement reaches k exactly when E reaches k - 0.5),
 * and each answer is settled with the very sum the evaluation uses ({@link DecayGroups#valueAt}),
 * so evaluating 1 ms before the answer gives the old outcome and at it the new one.
 *
 * <p>Write E = P - N, the positive and the negative per-half-life sums; both only decay. P alone
 * is easy: ln P(t) is convex and falling (a log-sum-exp of linear functions), so Newton's method
 * on ln P - ln target, started left of the answer, stays left of it and gets there in a few steps
 * (one for a single half-life). With no negative sums that is the whole search. Falling with
 * negative sums: steps that provably stop short of the first crossing, Newton's where E is convex
 * (see {@link #fallingPastNegatives}). Rising (negative sums
 * fading faster than positive ones): on [a, b], E lies within [P(b) - N(a), P(a) - N(b)]; a
 * leftmost branch-and-bound over time drops the intervals where the crossing cannot happen and
 * splits the others down to single milliseconds. It ends where P alone falls below the level,
 * since E never exceeds P.
 */
final class Crossing {

    static final long NEVER = Long.MAX_VALUE;

    private static final double LN2 = Math.log(2);
    /** Widens the interval bounds so that rounding never drops the interval holding the answer. */
    private static final double SLACK = 1e-9;
    /** Node budget; beyond it the search answers early, which only costs an extra, harmless check. */
    private static final int MAX_NODES = 4096;
    private static final int MAX_NEWTON_STEPS = 60;
    private static final int MAX_ROUNDS = 100;
    private static final int MAX_SETTLE_STEPS = 64;

    private final LeadState s;
    private final int n;
    private final boolean anyNegative;
    private final boolean empty;

    private boolean falling;
    private double level;
    private int budget;

    /** Reads the lead's per-half-life sums (see {@link DecayGroups}); they must not change meanwhile. */
    private Crossing(LeadState s) {
        this.s = s;
        this.n = s.decayGroupCount;
        boolean negative = false;
        boolean nonZero = false;
        for (int g = 0; g < n; g++) {
            negative |= s.decayValue[g] < 0;
            nonZero |= s.decayValue[g] != 0;
        }
        anyNegative = negative;
        empty = !nonZero;
    }

    static Crossing of(LeadState s) {
        return new Crossing(s);
    }

    boolean isEmpty() {
        return empty;
    }

    /** Only negative sums, fading, can make engagement rise. */
    boolean canRise() {
        return anyNegative;
    }

    /**
     * The first t after {@code after} with E(t) below {@code level} (falling) or at least
     * {@code level} (rising), or {@link #NEVER}.
     */
    long first(long after, boolean falling, double level) {
        this.falling = falling;
        this.level = level;
        long a = after + 1;
        if (holds(a)) {
            return a;
        }
        if (falling) {
            // without negative sums E is P, summed group by group exactly as the evaluation does,
            // so the first millisecond with P below the level is the answer
            return anyNegative ? fallingPastNegatives(a) : positiveBelow(a, level);
        }
        if (!anyNegative) {
            return NEVER;
        }
        long end = positiveBelow(a, level);
        return end == NEVER ? NEVER : search(a, end);
    }

    private boolean holds(long t) {
        double e = DecayGroups.valueAt(s, t);
        return falling ? e < level : e >= level;
    }

    /**
     * Falling with negative sums. From x, known to be before the crossing, two steps are safe:
     * P falls at most as fast as its fastest half-life, so E stays above the level until
     * P(x) * e^(-rate (t - x)) reaches level + N(x); and where E is convex (E'' >= P''(t1) - N''(x)
     * on [x, t1], both second derivatives being falling), the tangent at x stays below E, so E
     * stays above the level until the tangent's root t1. Take the longer; near the crossing that
     * is Newton's step, which converges fast.
     */
    private long fallingPastNegatives(long a) {
        double x = a;
        for (int i = 0; i < MAX_ROUNDS; i++) {
            double p = 0;
            double neg = 0;
            double fallP = 0;
            double fallN = 0;
            double bendN = 0;
            double rate = 0;
            for (int g = 0; g < n; g++) {
                double term = DecayGroups.decay(s.decayValue[g], (long) x - s.decayAsOf[g], s.decayHalfLife[g]);
                double lambda = LN2 / s.decayHalfLife[g];
                if (term > 0) {
                    p += term;
                    fallP += term * lambda;
                    rate = Math.max(rate, lambda);
                } else {
                    neg -= term;
                    fallN -= term * lambda;
                    bendN -= term * lambda * lambda;
                }
            }
            if (p - neg < level || rate == 0) {
                break;
            }
            double next = p > level + neg ? x + Math.log(p / (level + neg)) / rate : x;
            double slope = fallN - fallP;
            if (slope < 0) {
                double tangentRoot = x + (p - neg - level) / -slope;
                if (tangentRoot > next && positiveCurvature(tangentRoot) >= bendN) {
                    next = tangentRoot;
                }
            }
            if (next - x < 0.5) {
                break;
            }
            x = next;
        }
        return settle((long) Math.ceil(x), a);
    }

    /** P'' at t. */
    private double positiveCurvature(double t) {
        double sum = 0;
        for (int g = 0; g < n; g++) {
            if (s.decayValue[g] > 0) {
                double lambda = LN2 / s.decayHalfLife[g];
                sum += DecayGroups.decay(s.decayValue[g], (long) t - s.decayAsOf[g], s.decayHalfLife[g]) * lambda * lambda;
            }
        }
        return sum;
    }

    /**
     * The exact answer near {@code guess}: the evaluation's own sum decides each millisecond. Falls
     * back to the general search if the guess was off by more than a few milliseconds.
     */
    private long settle(long guess, long a) {
        long t = Math.max(a, guess);
        for (int i = 0; i < MAX_SETTLE_STEPS && !holds(t); i++) {
            t++;
        }
        if (!holds(t)) {
            return search(t, quietAfter());
        }
        while (t - 1 >= a && holds(t - 1)) {
            t--;
        }
        return t;
    }

    /** The first t at or after {@code from} with P(t) below {@code target}, or {@link #NEVER}. */
    private long positiveBelow(long from, double target) {
        if (target <= 0) {
            return NEVER; // P is never negative
        }
        double t = from;
        for (int i = 0; i < MAX_NEWTON_STEPS; i++) {
            double p = 0;
            double slope = 0;
            for (int g = 0; g < n; g++) {
                if (s.decayValue[g] > 0) {
                    double term = DecayGroups.decay(s.decayValue[g], (long) t - s.decayAsOf[g], s.decayHalfLife[g]);
                    p += term;
                    slope += term * LN2 / s.decayHalfLife[g];
                }
            }
            if (p < target || slope <= 0) {
                break;
            }
            double step = Math.log(p / target) * p / slope;
            t += step;
            if (step < 0.5) {
                break;
            }
        }
        long at = Math.max(from, (long) Math.ceil(t));
        while (at > from && positive(at - 1) < target) {
            at--;
        }
        while (positive(at) >= target) {
            at++;
        }
        return at;
    }

    /** Leftmost branch-and-bound on [a, b] (see the class comment). */
    private long search(long a, long b) {
        budget = MAX_NODES;
        long end = Math.max(a, b);
        return search(a, end, positive(a), negative(a), positive(end), negative(end));
    }

    private long search(long a, long b, double pa, double na, double pb, double nb) {
        if (--budget < 0) {
            return a;
        }
        double low = pb - na - SLACK;
        double high = pa - nb + SLACK;
        if (falling ? low >= level : high < level) {
            return NEVER;
        }
        boolean everywhere = falling ? high < level : low >= level;
        if (everywhere && holds(a)) {
            return a;
        }
        if (b - a <= 1) {
            if (holds(a)) {
                return a;
            }
            return b > a && holds(b) ? b : NEVER;
        }
        long m = a + (b - a) / 2;
        double pm = positive(m);
        double nm = negative(m);
        long left = search(a, m, pa, na, pm, nm);
        return left != NEVER ? left : search(m, b, pm, nm, pb, nb);
    }

    /**
     * A time after which |E| stays below 0.5, so the rounded engagement is 0 for good: each of the
     * n sums is then below 1 / (2n).
     */
    private long quietAfter() {
        long end = Long.MIN_VALUE;
        for (int g = 0; g < n; g++) {
            double factor = 2.0 * n * Math.abs(s.decayValue[g]);
            double halvings = factor > 1 ? Math.log(factor) / LN2 : 0;
            end = Math.max(end, s.decayAsOf[g] + (long) Math.ceil(halvings * s.decayHalfLife[g]) + 1);
        }
        return end;
    }

    private double positive(long t) {
        double sum = 0;
        for (int g = 0; g < n; g++) {
            if (s.decayValue[g] > 0) {
                sum += DecayGroups.decay(s.decayValue[g], t - s.decayAsOf[g], s.decayHalfLife[g]);
            }
        }
        return sum;
    }

    private double negative(long t) {
        double sum = 0;
        for (int g = 0; g < n; g++) {
            if (s.decayValue[g] < 0) {
                sum -= DecayGroups.decay(s.decayValue[g], t - s.decayAsOf[g], s.decayHalfLife[g]);
            }
        }
        return sum;
    }
}
