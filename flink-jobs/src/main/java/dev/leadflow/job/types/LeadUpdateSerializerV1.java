package dev.leadflow.job.types;

import dev.leadflow.job.scoring.LeadUpdate;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link LeadUpdate} in format 1 (release 2026.3 and before): no story. Reads the prioritizer's members of such
 * a savepoint on restore (their story is empty until the lead's next update); the job writes format 2 from the
 * next checkpoint on.
 */
final class LeadUpdateSerializerV1 extends MutableRecordSerializer<LeadUpdate> {

    private static final long serialVersionUID = 1L;
    static final LeadUpdateSerializerV1 INSTANCE = new LeadUpdateSerializerV1();

    private LeadUpdateSerializerV1() {}

    @Override
    public LeadUpdate createInstance() {
        return new LeadUpdate();
    }

    @Override
    public LeadUpdate copy(LeadUpdate from) {
        return LeadUpdateSerializer.INSTANCE.copy(from);
    }

    @Override
    protected void write(LeadUpdate u, DataOutputView out) throws IOException {
        LeadUpdateSerializer.writeFormatOne(u, out);
    }

    @Override
    public LeadUpdate deserialize(DataInputView in) throws IOException {
        return LeadUpdateSerializer.readFormatOne(in);
    }

    @Override
    public TypeSerializerSnapshot<LeadUpdate> snapshotConfiguration() {
        return new LeadUpdateSerializer.Snapshot(1);
    }
}
