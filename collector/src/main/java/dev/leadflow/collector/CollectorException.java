package dev.leadflow.collector;

/**
 * A refusal, sent as {@code {"error": code, "field": path, "message": text}} with its HTTP status. The
 * field is the JSON path of the offending value in the request ({@code batch[3].userId}) when there is
 * one. The message is for people and never repeats a write key.
 */
public final class CollectorException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;
    private final long retryAfterSeconds;

    public CollectorException(int status, String code, String field, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    /** Machine-readable reason; also the {@code reason} label of the rejection metric. */
    public String code() {
        return code;
    }

    /** The JSON path of the offending value, or null. */
    public String field() {
        return field;
    }

    /** Seconds for a {@code Retry-After} header, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static CollectorException malformed(String message) {
        return new CollectorException(400, "invalid_json", null, message, 0);
    }

    public static CollectorException missing(String field) {
        return new CollectorException(400, "missing_field", field, field + " is required", 0);
    }

    public static CollectorException missingEither(String field, String other) {
        return new CollectorException(400, "missing_field", field, field + " or " + other + " is required", 0);
    }

    public static CollectorException invalid(String field, String problem) {
        return new CollectorException(400, "invalid_field", field, field + ": " + problem, 0);
    }

    public static CollectorException tooLarge(String code, String field, String message) {
        return new CollectorException(400, code, field, message, 0);
    }

    public static CollectorException unauthorized(String message) {
        return new CollectorException(401, "unauthorized", null, message, 0);
    }

    public static CollectorException forbidden(String message) {
        return new CollectorException(403, "forbidden", null, message, 0);
    }

    public static CollectorException rateLimited(long retryAfterSeconds) {
        return new CollectorException(429, "rate_limited", null,
                "this write key sent more events than its rate allows: retry after " + retryAfterSeconds + " s",
                retryAfterSeconds);
    }

    public static CollectorException unavailable(String message, long retryAfterSeconds) {
        return new CollectorException(503, "kafka_unavailable", null, message, retryAfterSeconds);
    }
}
