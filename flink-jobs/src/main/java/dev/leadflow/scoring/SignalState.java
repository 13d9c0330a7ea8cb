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

    /** How many event times are kept for reasons; a power of two (the ring masks with it). */
    static final int RECENT_MAX = 16;

    /** Sum of credits decayed to {@link #asOf}. */
    public double value;
    /** Event time {@link #value} refers to; Long.MIN_VALUE before the first credit. */
    public long asOf = Long.MIN_VALUE;
    /** Newest event time of this signal, credited or not. */
    public long lastSeen = Long.MIN_VALUE;
    /**
     * The newest event times, oldest first, as a ring: {@link #recentCount} entries from
     * {@link #recentHead}. In-order events overwrite the oldest slot, so noting one writes one slot.
     */
    public long[] recent;
    public int recentCount;
    public int recentHead;
    /** The newest UTC day with credits and its points, kept here because nearly every event credits today. */
    public long creditDay = Long.MIN_VALUE;
    public int creditedThatDay;
    /** Earlier days inside the horizon: (UTC day << 32 | points credited that day). */
    public long[] dayCredits;
    public int dayCreditCount;

    public SignalState() {}

    /** The value at {@code t}, which must not be before {@link #asOf}. */
    double decayedAt(long t, long halfLifeMillis) {
        return asOf == Long.MIN_VALUE ? 0 : DecayGroups.decay(value, t - asOf, halfLifeMillis);
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
            value += DecayGroups.decay(amount, asOf - t, halfLifeMillis);
        }
    }

    /** The UTC day (days since the epoch) of {@code t}; without a division when it is the newest credited day. */
    long dayOf(long t) {
        if (creditDay != Long.MIN_VALUE) {
            long start = creditDay * Durations.DAY;
            if (t >= start && t - start < Durations.DAY) {
                return creditDay;
            }
        }
        return Math.floorDiv(t, Durations.DAY);
    }

    /** Points (absolute) already credited on this UTC day. */
    int creditedOn(long day) {
        if (day == creditDay) {
            return creditedThatDay;
        }
        for (int i = dayCreditCount - 1; i >= 0; i--) {
            if (dayCredits[i] >> 32 == day) {
                return (int) dayCredits[i];
            }
        }
        return 0;
    }

    /** Records credited points on a day; days before the one of {@code horizonStart} no longer count. */
    void addDayCredit(long day, int points, long horizonStart) {
        if (day == creditDay) {
            creditedThatDay += points;
        } else if (day > creditDay) {
            if (creditDay != Long.MIN_VALUE) {
                keepEarlierDay(creditDay, creditedThatDay, Math.floorDiv(horizonStart, Durations.DAY));
            }
            creditDay = day;
            creditedThatDay = points;
        } else {
            for (int i = 0; i < dayCreditCount; i++) {
                if (dayCredits[i] >> 32 == day) {
                    dayCredits[i] += points;
                    return;
                }
            }
            keepEarlierDay(day, points, Math.floorDiv(horizonStart, Durations.DAY));
        }
    }

    /** Days beyond the horizon are only dropped when the array is full, so a new day usually just appends. */
    private void keepEarlierDay(long day, int points, long oldestDay) {
        if (day < oldestDay) {
            return;
        }
        if (dayCredits != null && dayCreditCount == dayCredits.length) {
            int kept = 0;
            for (int i = 0; i < dayCreditCount; i++) {
                if (dayCredits[i] >> 32 >= oldestDay) {
                    dayCredits[kept++] = dayCredits[i];
                }
            }
            dayCreditCount = kept;
        }
        if (dayCredits == null || dayCreditCount == dayCredits.length) {
            dayCredits = dayCredits == null ? new long[4] : Arrays.copyOf(dayCredits, dayCredits.length * 2);
        }
        dayCredits[dayCreditCount++] = day << 32 | points;
    }

    /** Notes an event of this signal at {@code t}, credited or not. */
    void seen(long t) {
        lastSeen = Math.max(lastSeen, t);
        if (recent == null) {
            recent = new long[RECENT_MAX];
        }
        int mask = RECENT_MAX - 1;
        if (recentCount == 0 || t >= recent[(recentHead + recentCount - 1) & mask]) {
            if (recentCount < RECENT_MAX) {
                recent[(recentHead + recentCount++) & mask] = t;
            } else {
                recent[recentHead] = t;
                recentHead = (recentHead + 1) & mask;
            }
            return;
        }
        // out of order: insert in place; when full, the oldest goes (or t, if it is older still)
        if (recentCount == RECENT_MAX) {
            if (t <= recent[recentHead]) {
                return;
            }
            recentHead = (recentHead + 1) & mask;
            recentCount--;
        }
        int i = recentCount;
        while (i > 0 && recent[(recentHead + i - 1) & mask] > t) {
            recent[(recentHead + i) & mask] = recent[(recentHead + i - 1) & mask];
            i--;
        }
        recent[(recentHead + i) & mask] = t;
        recentCount++;
    }

    /** How many kept event times lie in {@code (from, to]}. */
    int seenBetween(long from, long to) {
        int n = 0;
        for (int i = 0; i < recentCount; i++) {
            long t = recent[(recentHead + i) & (RECENT_MAX - 1)];
            if (t > from && t <= to) {
                n++;
            }
        }
        return n;
    }
}
