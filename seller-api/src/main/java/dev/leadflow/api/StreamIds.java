package dev.leadflow.api;

/** Redis stream ids ({@code <ms>-<seq>}), compared as the pairs of numbers they are. */
final class StreamIds {

    static final String START = "0-0";

    private StreamIds() {
    }

    static int compare(String a, String b) {
        long[] x = parse(a);
        long[] y = parse(b);
        int byTime = Long.compare(x[0], y[0]);
        return byTime != 0 ? byTime : Long.compare(x[1], y[1]);
    }

    /** Whether a client's {@code Last-Event-ID} is a stream id we could resume from. */
    static boolean isValid(String id) {
        try {
            parse(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long[] parse(String id) {
        int dash = id == null ? -1 : id.indexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException("not a stream id: " + id);
        }
        try {
            long ms = Long.parseLong(id.substring(0, dash));
            long seq = Long.parseLong(id.substring(dash + 1));
            if (ms < 0 || seq < 0) {
                throw new IllegalArgumentException("not a stream id: " + id);
            }
            return new long[] {ms, seq};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a stream id: " + id, e);
        }
    }
}
