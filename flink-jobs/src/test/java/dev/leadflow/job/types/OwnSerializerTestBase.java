package dev.leadflow.job.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.testutils.DeeplyEqualsChecker;
import org.junit.jupiter.api.Test;

/**
 * Flink's conformance tests for serializers (round trips alone and in sequence, copies, reuse,
 * snapshot and restore, duplicate across threads, Java serialization) for one of this package's
 * serializers; records without {@code equals} are compared field by field.
 */
abstract class OwnSerializerTestBase<T> extends SerializerTestBase<T> {

    private final TypeSerializer<T> serializer;
    private final Class<T> type;

    OwnSerializerTestBase(TypeSerializer<T> serializer, Class<T> type, boolean hasEquals) {
        super(hasEquals ? new DeeplyEqualsChecker() : FieldByField.checker(type));
        this.serializer = serializer;
        this.type = type;
    }

    @Override
    protected final TypeSerializer<T> createSerializer() {
        return serializer;
    }

    @Override
    protected final int getLength() {
        return -1;
    }

    @Override
    protected final Class<T> getTypeClass() {
        return type;
    }

    /** A stream (as in a heap snapshot) gets the record in one piece, with the same bytes as a network buffer. */
    @Test
    void aStreamGetsTheSameBytesAsABuffer() throws Exception {
        for (T record : getTestData()) {
            DataOutputSerializer buffer = new DataOutputSerializer(16);
            serializer.serialize(record, buffer);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CountingStream stream = new CountingStream(bytes);
            serializer.serialize(record, new DataOutputViewStreamWrapper(stream));
            assertThat(bytes.toByteArray()).isEqualTo(Arrays.copyOf(buffer.getSharedBuffer(), buffer.length()));
            assertThat(stream.writes).as("one write per record").isEqualTo(1);
        }
    }

    private static final class CountingStream extends FilterOutputStream {
        int writes;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            writes++;
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writes++;
            out.write(b, off, len);
        }
    }
}
