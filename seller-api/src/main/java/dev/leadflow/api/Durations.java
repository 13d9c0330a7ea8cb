package dev.leadflow.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations of the config files, read as everywhere else ({@link dev.leadflow.schemas.Durations}), and shown to people. */
final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /** {@code text} as {@link dev.leadflow.schemas.Durations} reads every duration (its message when not one). */
    static Duration parse(String text) {
        return dev.leadflow.schemas.Durations.parse(text);
    }

    /** Short and readable: {@code 5 min}, {@code 1 h}, {@code 1 h 30 min}, {@code 45 s}. */
    static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        long m = s / 60;
        if (m < 60) {
            return m + " min";
        }
        return (m / 60) + " h" + (m % 60 == 0 ? "" : " " + (m % 60) + " min");
    }
}
