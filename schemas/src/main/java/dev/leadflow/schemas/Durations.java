package dev.leadflow.schemas;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way LeadFlow reads a duration, wherever one is written: the scoring model, the job's settings and
 * environment, the seller API's and the collector's config files, and the {@code leadflow} command's flags. A
 * whole number and a unit — {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 500ms}, {@code 30s},
 * {@code 15m}, {@code 2h}, {@code 90d}; case and blanks around ignored), {@code 0} alone for zero, or ISO-8601
 * ({@code PT15M}). Whether zero or a negative ISO duration is allowed is the caller's rule. A value that
 * is not one gets the same message everywhere, after the name of the setting: {@link #problem}.
 */
public final class Durations {

    /** What a duration looks like, for messages. */
    public static final String LIKE = "a duration like 500ms, 30s, 15m, 2h or 90d";

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    private Durations() {}

    /** The duration {@code text} writes, or empty when it writes none. */
    public static Optional<Duration> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return Optional.of(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        try {
            return Optional.of(Duration.parse(t.toUpperCase(Locale.ROOT)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The duration {@code text} writes; else an {@link IllegalArgumentException} with {@link #problem}, which the
     * caller puts after the setting's name ({@code "leaseDuration: expected a duration like ..."}).
     */
    public static Duration parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException(problem(text)));
    }

    /** {@code expected a duration like 500ms, 30s, 15m, 2h or 90d, was '5 minutes'}. */
    public static String problem(String text) {
        return "expected " + LIKE + ", was '" + text + "'";
    }
}
