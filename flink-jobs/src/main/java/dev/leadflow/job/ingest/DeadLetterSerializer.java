package dev.leadflow.job.ingest;

import dev.leadflow.schemas.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes an undecodable record to {@code leadflow.dlq} byte for byte (key and value as read),
 * with its origin and the error in headers, so it can be inspected and replayed.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;
    public static final String HEADER_TOPIC = "leadflow.source.topic";
    public static final String HEADER_PARTITION = "leadflow.source.partition";
    public static final String HEADER_OFFSET = "leadflow.source.offset";
    public static final String HEADER_ERROR_CLASS = "leadflow.error.class";
    public static final String HEADER_ERROR_MESSAGE = "leadflow.error.message";
    /** Length in bytes of the value as read (absent for a tombstone). */
    public static final String HEADER_VALUE_BYTES = "leadflow.source.value.bytes";
    /** "true" when the DLQ value is only the first {@link DeadLetter#MAX_VALUE_BYTES} of it. */
    public static final String HEADER_VALUE_TRUNCATED = "leadflow.source.value.truncated";
    private static final int MAX_MESSAGE_CHARS = 2_000;

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_TOPIC, utf8(d.topic));
        headers.add(HEADER_PARTITION, utf8(Integer.toString(d.partition)));
        headers.add(HEADER_OFFSET, utf8(Long.toString(d.offset)));
        headers.add(HEADER_ERROR_CLASS, utf8(d.errorClass));
        String message = d.message.length() > MAX_MESSAGE_CHARS ? d.message.substring(0, MAX_MESSAGE_CHARS) : d.message;
        headers.add(HEADER_ERROR_MESSAGE, utf8(message));
        if (d.valueBytes >= 0) {
            headers.add(HEADER_VALUE_BYTES, utf8(Integer.toString(d.valueBytes)));
        }
        if (d.valueTruncated()) {
            headers.add(HEADER_VALUE_TRUNCATED, utf8("true"));
        }
        Long ts = d.timestamp >= 0 ? d.timestamp : null;
        return new ProducerRecord<>(Topics.DLQ, null, ts, d.key, d.value, headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
