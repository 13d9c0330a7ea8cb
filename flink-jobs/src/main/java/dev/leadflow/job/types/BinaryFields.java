package dev.leadflow.job.types;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The building blocks of the formats in this package: variable-length unsigned ints, nullable
 * strings and string maps (enums: {@link EnumCodes}).
 *
 * <p>A string is one varint header and its bytes: 0 for null, otherwise
 * {@code (byteLength << 1 | utf8) + 1}. Strings whose chars all fit in one byte (ids, signal keys,
 * URLs, most names) are written as ISO-8859-1, which the JDK copies in one step both ways; the
 * others as UTF-8. One {@code write(byte[])} per string instead of Flink's one call per char.
 */
final class BinaryFields {

    private BinaryFields() {}

    static void writeVarInt(DataOutputView out, int value) throws IOException {
        while ((value & ~0x7F) != 0) {
            out.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }

    static int readVarInt(DataInputView in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed varint: more than 5 bytes");
    }

    static void writeString(DataOutputView out, String s) throws IOException {
        if (s == null) {
            out.writeByte(0);
            return;
        }
        boolean oneByte = true;
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) > 0xFF) {
                oneByte = false;
                break;
            }
        }
        byte[] bytes = s.getBytes(oneByte ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        writeVarInt(out, (bytes.length << 1 | (oneByte ? 0 : 1)) + 1);
        out.write(bytes);
    }

    static String readString(DataInputView in) throws IOException {
        int header = readVarInt(in);
        if (header == 0) {
            return null;
        }
        header -= 1;
        int length = header >>> 1;
        if (length < 0) {
            throw new IOException("malformed string: negative length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, (header & 1) == 0 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /** A map of strings: 0 for null, otherwise size + 1 and the entries. Read back as a HashMap. */
    static void writeStringMap(DataOutputView out, Map<String, String> map) throws IOException {
        if (map == null) {
            writeVarInt(out, 0);
            return;
        }
        writeVarInt(out, map.size() + 1);
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    static Map<String, String> readStringMap(DataInputView in) throws IOException {
        int header = readVarInt(in);
        if (header == 0) {
            return null;
        }
        int size = header - 1;
        Map<String, String> map = new HashMap<>(size < 12 ? 16 : (int) (size / 0.75f) + 1);
        for (int i = 0; i < size; i++) {
            map.put(readString(in), readString(in));
        }
        return map;
    }
}
