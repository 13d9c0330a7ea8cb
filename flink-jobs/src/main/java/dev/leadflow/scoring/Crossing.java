package dev.leadflow.scoring;

import java.util.Map;
import java.util.function.DoubleToIntFunction;
import java.util.function.LongPredicate;

/**
 * Finds the first millisecond at which a score derived from a lead's decaying signals crosses a
 * threshold with no new events, e.g. when a qualified lead's readiness falls below 45.
 *
 * <p>Engagement is E(t) = P(t) - N(t), the positive and the negative credits, each a sum of
 * decaying exponentials and so non-increasing. On [a, b] therefore E lies within
 * [P(b) - N(a), P(a) - N(b)]. A leftmost branch-and-bound over time uses these bounds to drop
 * intervals where the crossing cannot happen and to split the others, down to single
 * milliseconds, where the scorer's own evaluation decides. This is exact for any mix of
 * positive and negative signals (which may make engagement rise for a while), and takes about
 * log2(range) steps when all signals are positive. The bounds carry a small slack so that
 * rounding never drops the interval holding the answer.
 */
final class Crossing {

    static final long NEVER = Long.MAX_VALUE;

    private static final double SLACK = 1e-9;
    /** Node budget; beyond it the search answers early, which only means an extra, harmless check. */
    private static final int MAX_NODES = 4096;

    private final double[] amount;
    private final long[] asOf;
    private final long[] halfLife;
    private final int n;
    private final boolean anyNegative;

    private boolean falling;
    private DoubleToIntFunction score;
    private int threshold;
    private LongPredicate holds;
    private int budget;

    private Crossing(LeadState s, SignalRules rules) {
        int size = s.signals.size();
        amount = new double[size];
        asOf = new long[size];
        halfLife = new long[size];
        int k = 0;
        boolean negative = false;
        for (Map.Entry<String, SignalState> e : s.signals.entrySet()) {
            SignalRule rule = rules.byKey(e.getKey());
            SignalState st = e.getValue();
            if (rule == null || st.asOf == Long.MIN_VALUE || st.value == 0) {
                continue;
            }
            amount[k] = st.value;
            asOf[k] = st.asOf;
            halfLife[k] = rule.halfLifeMillis();
            negative |= st.value < 0;
            k++;
        }
        n = k;
        anyNegative = negative;
    }

    static Crossing of(LeadState s, SignalRules rules) {
        return new Crossing(s, rules);
    }

    boolean isEmpty() {
        return n == 0;
    }

    /** With negative credits engagement can rise while they decay, so a rising crossing is possible. */
    boolean canRise() {
        return anyNegative;
    }

    /**
     * The first t after {@code after} at which {@code score(E(t))} is below {@code threshold}
     * (falling) or at least {@code threshold} (rising), or {@link #NEVER}.
     *
     * @param score maps engagement points to the integer score; must be non-decreasing
     * @param holds the scorer's exact test of the crossing at one millisecond
     */
    long first(long after, boolean falling, DoubleToIntFunction score, int threshold, LongPredicate holds) {
        this.falling = falling;
        this.score = score;
        this.threshold = threshold;
        this.holds = holds;
        this.budget = MAX_NODES;
        long a = after + 1;
        long b = Math.max(a, quietAfter());
        return search(a, b, positive(a), negative(a), positive(b), negative(b));
    }

    private long search(long a, long b, double pa, double na, double pb, double nb) {
        if (--budget < 0) {
            return a;
        }
        int lo = score.applyAsInt(pb - na - SLACK);
        int hi = score.applyAsInt(pa - nb + SLACK);
        if (falling ? lo >= threshold : hi < threshold) {
            return NEVER;
        }
        boolean everywhere = falling ? hi < threshold : lo >= threshold;
        if (everywhere && holds.test(a)) {
            return a;
        }
        if (b - a <= 1) {
            if (holds.test(a)) {
                return a;
            }
            return b > a && holds.test(b) ? b : NEVER;
        }
        long m = a + (b - a) / 2;
        double pm = positive(m);
        double nm = negative(m);
        long left = search(a, m, pa, na, pm, nm);
        return left != NEVER ? left : search(m, b, pm, nm, pb, nb);
    }

    /**
     * A time after which |E| stays below 0.5, so the rounded engagement is 0 for good: each of the
     * n terms is then below 1 / (2n).
     */
    private long quietAfter() {
        long end = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            double factor = 2.0 * n * Math.abs(amount[i]);
            double halvings = factor > 1 ? Math.log(factor) / Math.log(2) : 0;
            end = Math.max(end, asOf[i] + (long) Math.ceil(halvings * halfLife[i]) + 1);
        }
        return end;
    }

    private double positive(long t) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (amount[i] > 0) {
                sum += amount[i] * Math.pow(2.0, -(double) (t - asOf[i]) / halfLife[i]);
            }
        }
        return sum;
    }

    private double negative(long t) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (amount[i] < 0) {
                sum -= amount[i] * Math.pow(2.0, -(double) (t - asOf[i]) / halfLife[i]);
            }
        }
        return sum;
    }
}
