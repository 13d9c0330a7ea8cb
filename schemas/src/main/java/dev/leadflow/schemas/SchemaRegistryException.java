package dev.leadflow.schemas;

/**
 * A failed schema-registry call, carrying the registry's HTTP status and error code so callers can
 * tell a permanent answer ("no such schema id": dead-letter the record) from a transient one
 * (registry down: retry or let the job restart).
 */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Status used when no HTTP response was received (connection refused, timeout, interrupt). */
    public static final int NO_RESPONSE = 0;
    /** Error code used when the response carried none (transport failure, unexpected body). */
    public static final int NO_ERROR_CODE = 0;

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INVALID_SCHEMA = 42201;
    /** The registry answers an incompatible registration with HTTP 409 and this same error code. */
    public static final int INCOMPATIBLE = 409;

    private final int httpStatus;
    private final int errorCode;
    private final String registryMessage;

    public SchemaRegistryException(int httpStatus, int errorCode, String registryMessage) {
        this(httpStatus, errorCode, registryMessage, null);
    }

    public SchemaRegistryException(int httpStatus, int errorCode, String registryMessage, Throwable cause) {
        super(registryMessage + " (HTTP " + httpStatus + ", error code " + errorCode + ")", cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
    }

    /** A call that got no HTTP answer at all; always retriable. */
    public static SchemaRegistryException noResponse(String message, Throwable cause) {
        return new SchemaRegistryException(NO_RESPONSE, NO_ERROR_CODE, message, cause);
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    /** The registry's own message, without the status and code that {@link #getMessage()} adds. */
    public String registryMessage() {
        return registryMessage;
    }

    public boolean isSubjectNotFound() {
        return errorCode == SUBJECT_NOT_FOUND;
    }

    public boolean isVersionNotFound() {
        return errorCode == VERSION_NOT_FOUND;
    }

    public boolean isSchemaNotFound() {
        return errorCode == SCHEMA_NOT_FOUND;
    }

    public boolean isInvalidSchema() {
        return errorCode == INVALID_SCHEMA;
    }

    public boolean isIncompatible() {
        return errorCode == INCOMPATIBLE;
    }

    /**
     * Whether the same call may succeed later: no response, a 5xx, or the two 4xx that mean "not
     * now" (408 request timeout, 429 rate limited). Other 4xx are answers about the request itself.
     * Treating a rate limit as permanent would dead-letter good records, hence the two exceptions.
     */
    public boolean isRetriable() {
        return httpStatus == NO_RESPONSE || httpStatus >= 500 || httpStatus == 408 || httpStatus == 429;
    }
}
