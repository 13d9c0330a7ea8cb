package dev.leadflow.job.ingest;

import java.util.Arrays;

/**
 * An input record that could not be decoded, with its position, so that it can be inspected and
 * replayed from {@code leadflow.dlq}. A Flink POJO.
 */
public class DeadLetter {
    /**
     * The most of a value a dead letter carries. Larger values (oversized events) are cut to this,
     * so that the DLQ record fits Kafka's default 1 MiB message limits and a huge record does not
     * travel through the job; the whole value stays at its position in the source topic.
     */
    public static final int MAX_VALUE_BYTES = 256 * 1024;

    public String topic;
    public int partition;
    public long offset;
    /** Kafka timestamp of the original record, epoch millis. */
    public long timestamp;
    public byte[] key;
    /** The value as read, cut to {@link #MAX_VALUE_BYTES}; null for a tombstone. */
    public byte[] value;
    /** Length of the value as read, -1 for a tombstone (null value). */
    public int valueBytes;
    public String errorClass;
    public String message;

    public DeadLetter() {}

    public DeadLetter(String topic, int partition, long offset, long timestamp, byte[] key,
            byte[] value, Throwable error) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.valueBytes = value == null ? -1 : value.length;
        this.value = value == null || value.length <= MAX_VALUE_BYTES ? value : Arrays.copyOf(value, MAX_VALUE_BYTES);
        this.errorClass = error.getClass().getName();
        this.message = String.valueOf(error.getMessage());
    }

    /** Whether {@link #value} holds only the first {@link #MAX_VALUE_BYTES} of the original. */
    public boolean valueTruncated() {
        return value != null && valueBytes > value.length;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + topic + '/' + partition + '@' + offset + ' ' + errorClass + ": " + message + '}';
    }
}
