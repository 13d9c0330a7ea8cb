package dev.leadflow.job.types;

import dev.leadflow.job.identity.AnonymousVisitor;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link AnonymousVisitor} in format 1 (release 2026.2): the clicks held in the value, no count. Reads
 * state of that release on restore; the job writes format 2 from the next checkpoint on, and moves a
 * visitor's clicks to their list state when it next sees the visitor.
 */
final class AnonymousVisitorSerializerV1 extends MutableRecordSerializer<AnonymousVisitor> {

    private static final long serialVersionUID = 1L;
    static final AnonymousVisitorSerializerV1 INSTANCE = new AnonymousVisitorSerializerV1();

    private AnonymousVisitorSerializerV1() {}

    @Override
    public AnonymousVisitor createInstance() {
        return new AnonymousVisitor();
    }

    @Override
    public AnonymousVisitor copy(AnonymousVisitor from) {
        return AnonymousVisitorSerializer.INSTANCE.copy(from);
    }

    @Override
    protected void write(AnonymousVisitor v, DataOutputView out) throws IOException {
        AnonymousVisitorSerializer.writeFormatOne(v, out);
    }

    @Override
    public AnonymousVisitor deserialize(DataInputView in) throws IOException {
        return AnonymousVisitorSerializer.readFormatOne(in);
    }

    @Override
    public TypeSerializerSnapshot<AnonymousVisitor> snapshotConfiguration() {
        return new AnonymousVisitorSerializer.Snapshot(1);
    }
}
