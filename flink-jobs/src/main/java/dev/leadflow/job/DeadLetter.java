package dev.leadflow.job;

/**
 * An input record that could not be decoded, with its position, so that it can be inspected and
 * replayed from {@code leadflow.dlq}. A Flink POJO.
 */
public class DeadLetter {
    public String topic;
    public int partition;
    public long offset;
    /** Kafka timestamp of the original record, epoch millis. */
    public long timestamp;
    public byte[] key;
    public byte[] value;
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
        this.value = value;
        this.errorClass = error.getClass().getName();
        this.message = String.valueOf(error.getMessage());
    }

    @Override
    public String toString() {
        return "DeadLetter{" + topic + '/' + partition + '@' + offset + ' ' + errorClass + ": " + message + '}';
    }
}
