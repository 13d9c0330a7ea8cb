package dev.leadflow.scoring;

import java.util.Objects;

/**
 * One contributing signal of a handoff, e.g. {@code page:pricing, 21, "Viewed pricing 3 times in
 * the last 24 h, +21"}. Fit parts appear as {@code fit:title}, {@code fit:company_size}, ... A Flink POJO.
 */
public class Reason {

    public String signal;
    /** Current (decayed) points, rounded. */
    public int points;
    /** A sentence for sellers, ending with the signed points. */
    public String detail;
    /** Newest event time of the signal (for fit: of the newest IDENTIFY). */
    public long lastSeen;

    public Reason() {}

    public Reason(String signal, int points, String detail, long lastSeen) {
        this.signal = signal;
        this.points = points;
        this.detail = detail;
        this.lastSeen = lastSeen;
    }

    /** "+21", "-10". */
    public static String signed(int points) {
        return points > 0 ? "+" + points : Integer.toString(points);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Reason)) {
            return false;
        }
        Reason r = (Reason) o;
        return points == r.points && lastSeen == r.lastSeen && Objects.equals(signal, r.signal)
                && Objects.equals(detail, r.detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(signal, points, detail, lastSeen);
    }

    @Override
    public String toString() {
        return signal + ": " + detail;
    }
}
