package dev.leadflow.scoring;

import dev.leadflow.scoring.model.SignalRule;
import dev.leadflow.scoring.model.SignalRules;
import java.util.Arrays;
import java.util.Map;

/**
 * Engagement as one decaying value per half-life. Credits that share a half-life decay as a
 * single exponential, sum(v_i * 2^(-(t - t_i) / h)) = V * 2^(-(t - asOf) / h), so scoring an
 * event costs one exponential per distinct half-life (a handful), not one per signal of the lead, and
 * touches three small arrays instead of every {@link SignalState}. The per-signal states remain
 * the source of truth (reasons, daily caps); the groups are rebuilt from them when the model
 * changes. Groups are kept sorted by half-life so that the sum does not depend on arrival order.
 */
final class DecayGroups {

    private static final double LN2 = Math.log(2);

    private DecayGroups() {}

    /** Adds a credit made at {@code t} to the group of its half-life. */
    static void credit(LeadState s, long halfLife, double amount, long t) {
        int g = group(s, halfLife);
        if (s.decayAsOf[g] == Long.MIN_VALUE) {
            s.decayValue[g] = amount;
            s.decayAsOf[g] = t;
        } else if (t >= s.decayAsOf[g]) {
            s.decayValue[g] = decay(s.decayValue[g], t - s.decayAsOf[g], halfLife) + amount;
            s.decayAsOf[g] = t;
        } else {
            s.decayValue[g] += decay(amount, s.decayAsOf[g] - t, halfLife);
        }
    }

    /** The sum of all groups at {@code t}, which must not be before any group's newest credit. */
    static double valueAt(LeadState s, long t) {
        double sum = 0;
        for (int g = 0; g < s.decayGroupCount; g++) {
            sum += decay(s.decayValue[g], t - s.decayAsOf[g], s.decayHalfLife[g]);
        }
        return sum;
    }

    /** Recomputes the groups from the per-signal states under {@code rules}' half-lives. */
    static void rebuild(LeadState s, SignalRules rules, long fingerprint) {
        s.decayGroupCount = 0;
        s.decayModel = fingerprint;
        if (s.signals.isEmpty()) {
            return; // a new lead: nothing to sum, and no iterator to allocate
        }
        for (Map.Entry<String, SignalState> e : s.signals.entrySet()) {
            SignalRule rule = rules.byKey(e.getKey());
            SignalState st = e.getValue();
            if (rule != null && st.asOf != Long.MIN_VALUE) {
                credit(s, rule.halfLifeMillis(), st.value, st.asOf);
            }
        }
    }

    /**
     * {@code value * 2^(-elapsed / halfLife)}. Whole half-lives are exact (8 points are exactly 4.0
     * one half-life later); otherwise {@code exp}, about twice as fast as {@code pow} and within a
     * few ulps of it.
     */
    static double decay(double value, long elapsed, long halfLife) {
        if (elapsed == 0) {
            return value;
        }
        double halvings = (double) elapsed / halfLife;
        long whole = (long) halvings;
        if (whole == halvings && Math.abs(whole) < 1000) {
            return value * Double.longBitsToDouble((1023 - whole) << 52); // exactly 2^-whole
        }
        return value * Math.exp(-LN2 * halvings);
    }

    private static int group(LeadState s, long halfLife) {
        int g = 0;
        while (g < s.decayGroupCount && s.decayHalfLife[g] < halfLife) {
            g++;
        }
        if (g < s.decayGroupCount && s.decayHalfLife[g] == halfLife) {
            return g;
        }
        if (s.decayHalfLife == null || s.decayGroupCount == s.decayHalfLife.length) {
            int size = s.decayHalfLife == null ? 4 : s.decayHalfLife.length * 2;
            s.decayHalfLife = s.decayHalfLife == null ? new long[size] : Arrays.copyOf(s.decayHalfLife, size);
            s.decayAsOf = s.decayAsOf == null ? new long[size] : Arrays.copyOf(s.decayAsOf, size);
            s.decayValue = s.decayValue == null ? new double[size] : Arrays.copyOf(s.decayValue, size);
        }
        int tail = s.decayGroupCount - g;
        System.arraycopy(s.decayHalfLife, g, s.decayHalfLife, g + 1, tail);
        System.arraycopy(s.decayAsOf, g, s.decayAsOf, g + 1, tail);
        System.arraycopy(s.decayValue, g, s.decayValue, g + 1, tail);
        s.decayHalfLife[g] = halfLife;
        s.decayAsOf[g] = Long.MIN_VALUE;
        s.decayValue[g] = 0;
        s.decayGroupCount++;
        return g;
    }
}
