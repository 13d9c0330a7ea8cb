package dev.leadflow.scoring;

import java.util.Arrays;

/**
 * One signal of one lead: the decayed sum of its credits, what each UTC day credited (for the
 * daily cap), and the newest event times (for the sentences of reasons). A Flink POJO inside
 * {@link LeadState}.
 *
 * <p>The decay is exact and order-independent: {@code value} is the sum of every credit decayed
 * to {@code asOf}, the newest credit time. A later credit first decays the sum to its own time; an
 * earlier one (out of order, or re-stitched) is decayed to {@code asOf} before it is added. Either
 * way the value at time t is {@code sum(points_i * 2^(-(t - t_i) / halfLife))}.
 */
public class SignalState {

    /** How many event times are kept for reasons. */
    static final int RECENT_MAX = 16;

    /** Sum of credits decayed to {@link #asOf}. */
    public double value;
    /** Event time {@link #value} refers to; Long.MIN_VALUE before the first credit. */
    public long asOf = Long.MIN_VALUE;
    /** Newest event time of this signal, credited or not. */
    public long lastSeen = Long.MIN_VALUE;
    /** The newest event times, newest first; the first {@link #recentCount} entries are used. */
    public long[] recent;
    public int recentCount;
    /** (UTC day << 32 | points credited that day), for days inside the horizon. */
    public long[] dayCredits;
    public int dayCreditCount;

    public SignalState() {}

    /** The value at {@code t}, which must not be before {@link #asOf}. */
    double decayedAt(long t, long halfLifeMillis) {
        if (asOf == Long.MIN_VALUE) {
            return 0;
        }
        return t == asOf ? value : value * Math.pow(2.0, -(double) (t - asOf) / halfLifeMillis);
    }

    /** Adds a credit made at {@code t}. */
    void credit(double amount, long t, long halfLifeMillis) {
        if (asOf == Long.MIN_VALUE) {
            value = amount;
            asOf = t;
        } else if (t >= asOf) {
            value = decayedAt(t, halfLifeMillis) + amount;
            asOf = t;
        } else {
            value += amount * Math.pow(2.0, -(double) (asOf - t) / halfLifeMillis);
        }
    }

    /** Points (absolute) already credited on this UTC day. */
    int creditedOn(long day) {
        for (int i = 0; i < dayCreditCount; i++) {
            if (dayCredits[i] >> 32 == day) {
                return (int) dayCredits[i];
            }
        }
        return 0;
    }

    /** Records credited points on a day, forgetting days before {@code oldestDay}. */
    void addDayCredit(long day, int points, long oldestDay) {
        for (int i = 0; i < dayCreditCount; i++) {
            if (dayCredits[i] >> 32 == day) {
                dayCredits[i] += points;
                return;
            }
        }
        int kept = 0;
        for (int i = 0; i < dayCreditCount; i++) {
            if (dayCredits[i] >> 32 >= oldestDay) {
                dayCredits[kept++] = dayCredits[i];
            }
        }
        dayCreditCount = kept;
        if (dayCredits == null || dayCreditCount == dayCredits.length) {
            dayCredits = dayCredits == null ? new long[4] : Arrays.copyOf(dayCredits, dayCredits.length * 2);
        }
        dayCredits[dayCreditCount++] = day << 32 | points;
    }

    /** Notes an event of this signal at {@code t}, credited or not. */
    void seen(long t) {
        lastSeen = Math.max(lastSeen, t);
        if (recent == null) {
            recent = new long[2];
        }
        int pos = 0;
        while (pos < recentCount && recent[pos] >= t) {
            pos++;
        }
        if (pos == RECENT_MAX) {
            return;
        }
        if (recentCount == recent.length && recentCount < RECENT_MAX) {
            recent = Arrays.copyOf(recent, Math.min(RECENT_MAX, recent.length * 2));
        }
        int last = Math.min(recentCount, recent.length - 1);
        System.arraycopy(recent, pos, recent, pos + 1, last - pos);
        recent[pos] = t;
        recentCount = Math.min(recentCount + 1, RECENT_MAX);
    }

    /** How many kept event times lie in {@code (from, to]}. */
    int seenBetween(long from, long to) {
        int n = 0;
        for (int i = 0; i < recentCount; i++) {
            if (recent[i] > from && recent[i] <= to) {
                n++;
            }
        }
        return n;
    }
}
