package dev.leadflow.scoring;


/**
 * Durations of the model, read as every duration of LeadFlow is ({@link dev.leadflow.schemas.Durations}: a whole
 * number and one unit, {@code 3d 12h 30m 45s 500ms}), and written back with the largest unit.
 */
public final class Durations {

    static final long SECOND = 1_000L;
    public static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    public static final long DAY = 24 * HOUR;

    private Durations() {}

    /** Millis of a positive duration, or -1 if the text is not one. */
    public static long parsePositive(String text) {
        long millis = parse(text);
        return millis > 0 ? millis : -1;
    }

    /**
     * Millis of a duration, 0 included ({@code 0m}), or -1 if the text is not one (or is negative): read as every
     * duration of LeadFlow is ({@link dev.leadflow.schemas.Durations}).
     */
    public static long parse(String text) {
        return dev.leadflow.schemas.Durations.tryParse(text)
                .filter(d -> !d.isNegative())
                .map(java.time.Duration::toMillis)
                .orElse(-1L);
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
}
