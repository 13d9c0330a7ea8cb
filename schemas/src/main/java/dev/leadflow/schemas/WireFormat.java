package dev.leadflow.schemas;

import java.io.ByteArrayOutputStream;

/**
 * Confluent's wire format for Kafka values: magic byte 0x00, the writer schema's registry id as a
 * 4-byte big-endian int, then the Avro binary encoding of the datum. Keeping exactly this layout
 * is what lets Confluent serializers in any language read and write our topics.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0x0;
    /** Magic byte plus schema id; the Avro payload starts at this offset. */
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /**
     * The schema id of a wire-format message, after checking its header.
     *
     * @throws WireFormatException if the value is null, shorter than the header, or does not
     *     start with the magic byte
     */
    public static int schemaId(byte[] message) {
        if (message == null) {
            throw new WireFormatException("value is null; expected a Confluent wire-format Avro message");
        }
        if (message.length == 0) {
            throw new WireFormatException("value is empty; expected a Confluent wire-format Avro message");
        }
        if (message[0] != MAGIC_BYTE) {
            throw new WireFormatException(String.format(
                    "unknown magic byte 0x%02x (expected 0x00): not a Confluent wire-format message%s",
                    message[0] & 0xff, message[0] == '{' ? ", looks like JSON" : ""));
        }
        if (message.length < HEADER_LENGTH) {
            throw new WireFormatException("value is " + message.length
                    + " bytes, shorter than the " + HEADER_LENGTH + "-byte wire-format header");
        }
        return ((message[1] & 0xff) << 24) | ((message[2] & 0xff) << 16) | ((message[3] & 0xff) << 8)
                | (message[4] & 0xff);
    }

    /** Writes the 5-byte header for {@code schemaId}. */
    public static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }
}
