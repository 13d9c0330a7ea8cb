package dev.leadflow.schemas;

/**
 * A Kafka value that is not a decodable Confluent wire-format Avro message. Retrying cannot help:
 * the bytes themselves are bad, so callers send the record to the dead-letter topic.
 */
public class WireFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
