package dev.leadflow.job.types;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What the serializers of this package share: a mutable record of variable length, no instance
 * reuse (Flink's streaming runtime creates new records anyway), copies made by the subclass.
 */
abstract class MutableRecordSerializer<T> extends TypeSerializerSingleton<T> {

    private static final long serialVersionUID = 1L;

    /** Per thread: a record is written here first when the output is a stream (see serialize). */
    private static final ThreadLocal<DataOutputSerializer> SCRATCH = ThreadLocal.withInitial(() -> new DataOutputSerializer(4096));
    /** A scratch buffer grown beyond this by an unusually large record is not kept. */
    private static final int SCRATCH_KEPT = 1 << 20;

    /** Writes the record's fields in this serializer's format. */
    protected abstract void write(T record, DataOutputView out) throws IOException;

    /**
     * Network buffers (and the scratch buffer below) are a {@link DataOutputSerializer}: the fields go
     * straight in. Any other output is a stream, such as a heap snapshot's checkpoint file, where every
     * small write (a varint byte, a long) is a chain of calls down the stream wrappers; the record is
     * written to a per-thread buffer first and handed on in one write. That was most of the
     * checkpoint thread's time.
     */
    @Override
    public final void serialize(T record, DataOutputView out) throws IOException {
        if (out instanceof DataOutputSerializer) {
            write(record, out);
            return;
        }
        DataOutputSerializer buffer = SCRATCH.get();
        buffer.clear();
        write(record, buffer);
        out.write(buffer.getSharedBuffer(), 0, buffer.length());
        if (buffer.getSharedBuffer().length > SCRATCH_KEPT) {
            SCRATCH.remove();
        }
    }

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public final void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }
}
