package dev.leadflow.api;

/**
 * An answer other than success, sent as {@code {"error": code, "message": text}} with its HTTP status.
 * The message is for people and never holds a secret; the code is for programs.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    static ApiException malformed(String message) {
        return new ApiException(400, "malformed_request", message);
    }

    static ApiException invalidField(String field, String problem) {
        return new ApiException(422, "invalid_field", field + ": " + problem);
    }

    static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }

    static ApiException tooLarge(int limit) {
        return new ApiException(413, "body_too_large", "request body is larger than " + limit + " bytes");
    }

    static ApiException unavailable(String message) {
        return new ApiException(503, "unavailable", message);
    }
}
