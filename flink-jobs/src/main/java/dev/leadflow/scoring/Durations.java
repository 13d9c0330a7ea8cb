package dev.leadflow.scoring;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in the model: a whole number and one unit, {@code 3d 12h 30m 45s 500ms}. */
public final class Durations {

    static final long SECOND = 1_000L;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;

    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Durations() {}

    /** Millis of a positive duration, or -1 if the text is not one. */
    static long parsePositive(String text) {
        long millis = parse(text);
        return millis > 0 ? millis : -1;
    }

    /** Millis of a duration, 0 included ({@code 0m}), or -1 if the text is not one. */
    static long parse(String text) {
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        return Long.parseLong(m.group(1)) * unit(m.group(2));
    }

    /** The largest unit that divides the duration exactly, e.g. {@code 259200000 -> "3d"}. */
    public static String format(long millis) {
        if (millis % DAY == 0) {
            return millis / DAY + "d";
        }
        if (millis % HOUR == 0) {
            return millis / HOUR + "h";
        }
        if (millis % MINUTE == 0) {
            return millis / MINUTE + "m";
        }
        if (millis % SECOND == 0) {
            return millis / SECOND + "s";
        }
        return millis + "ms";
    }

    private static long unit(String unit) {
        switch (unit) {
            case "d":
                return DAY;
            case "h":
                return HOUR;
            case "m":
                return MINUTE;
            case "s":
                return SECOND;
            default:
                return 1;
        }
    }
}
