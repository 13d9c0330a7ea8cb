package dev.leadflow.schemas;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A binary decoder over a byte array that refuses lengths and item counts the rest of the array
 * cannot hold. Avro allocates a string's buffer, and sizes an array, from the length read before
 * the data, so one corrupt varint in a Kafka record would otherwise allocate gigabytes and could
 * take the TaskManager down with an OutOfMemoryError, again on every replay of that record.
 *
 * <p>Every map entry takes at least one byte (its key's length), so map block counts are always
 * bounded by the bytes left. Array items take at least one byte unless they can encode to nothing
 * (null, a zero-size fixed, a record of only those), so array counts are bounded only when the
 * writer schema has no such arrays; see {@link #arrayItemsTakeBytes(Schema)}.
 */
final class BoundedBinaryDecoder extends Decoder {

    private BinaryDecoder in;
    private boolean boundArrayCounts;

    /**
     * Points this decoder at a new message; the wrapped decoder must read from a byte array.
     *
     * @param boundArrayCounts {@link #arrayItemsTakeBytes(Schema)} of the message's writer schema
     */
    void reset(BinaryDecoder binaryDecoder, boolean boundArrayCounts) {
        this.in = binaryDecoder;
        this.boundArrayCounts = boundArrayCounts;
    }

    /** Whether every item of every array in {@code writerSchema} encodes to at least one byte. */
    static boolean arrayItemsTakeBytes(Schema writerSchema) {
        return !hasArrayOfPossiblyEmptyItems(writerSchema, new HashSet<>());
    }

    private static boolean hasArrayOfPossiblyEmptyItems(Schema schema, Set<String> visitedRecords) {
        return switch (schema.getType()) {
            case ARRAY -> canBeEmpty(schema.getElementType(), new HashSet<>())
                    || hasArrayOfPossiblyEmptyItems(schema.getElementType(), visitedRecords);
            case MAP -> hasArrayOfPossiblyEmptyItems(schema.getValueType(), visitedRecords);
            case UNION -> schema.getTypes().stream().anyMatch(t -> hasArrayOfPossiblyEmptyItems(t, visitedRecords));
            case RECORD -> visitedRecords.add(schema.getFullName()) && schema.getFields().stream()
                    .anyMatch(f -> hasArrayOfPossiblyEmptyItems(f.schema(), visitedRecords));
            default -> false;
        };
    }

    /** Whether a value of this schema can encode to zero bytes. */
    private static boolean canBeEmpty(Schema schema, Set<String> visitedRecords) {
        return switch (schema.getType()) {
            case NULL -> true;
            case FIXED -> schema.getFixedSize() == 0;
            // a record met again inside itself needs a union or collection to end, so it takes bytes
            case RECORD -> visitedRecords.add(schema.getFullName()) && schema.getFields().stream()
                    .allMatch(f -> canBeEmpty(f.schema(), visitedRecords));
            default -> false;
        };
    }

    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    private int checkedLength() throws IOException {
        long length = in.readLong();
        if (length < 0) {
            throw new AvroRuntimeException("Malformed data: negative length " + length);
        }
        return (int) checkFits(length, "length");
    }

    private long checkFits(long count, String what) throws IOException {
        // For a byte-array source, available() is exactly the number of unread bytes.
        int remaining = in.inputStream().available();
        if (count > remaining) {
            throw new EOFException(what + " " + count + " exceeds the " + remaining + " bytes left");
        }
        return count;
    }

    private long checkedArrayCount(long count) throws IOException {
        return boundArrayCounts ? checkFits(count, "array item count") : count;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = checkedLength();
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        in.readFixed(result.getBytes(), 0, length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = checkedLength();
        byte[] bytes = new byte[length];
        in.readFixed(bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = checkedLength();
        byte[] bytes = new byte[length];
        in.readFixed(bytes, 0, length);
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void skipString() throws IOException {
        in.skipString();
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipBytes();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkedArrayCount(in.readArrayStart());
    }

    @Override
    public long arrayNext() throws IOException {
        return checkedArrayCount(in.arrayNext());
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
        return checkFits(in.readMapStart(), "map entry count");
    }

    @Override
    public long mapNext() throws IOException {
        return checkFits(in.mapNext(), "map entry count");
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
