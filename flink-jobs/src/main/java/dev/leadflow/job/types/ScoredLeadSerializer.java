package dev.leadflow.job.types;

import static dev.leadflow.job.types.BinaryFields.readString;
import static dev.leadflow.job.types.BinaryFields.writeString;

import dev.leadflow.job.scoring.LeadEmission;
import dev.leadflow.job.scoring.ScoredLead;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link ScoredLead}: a presence byte and the {@link LeadStateSerializer} format of the lead, a presence
 * byte and the emission (accountKey, accountDomain, engaged, wantsHandoff, version), then the timer. The lead's
 * format is part of this one: a change of either is a new {@link #FORMAT} of this one.
 */
public final class ScoredLeadSerializer extends MutableRecordSerializer<ScoredLead> {

    private static final long serialVersionUID = 1L;
    /** The record format this release writes: raise it with every change of the format (see {@link FormatSnapshot}). */
    public static final int FORMAT = 1;
    /** The {@link LeadStateSerializer#FORMAT} that this {@link #FORMAT} embeds (FormatSnapshotTest compares them). */
    static final int EMBEDDED_LEAD_STATE_FORMAT = 1;

    public static final ScoredLeadSerializer INSTANCE = new ScoredLeadSerializer();
    public static final TypeInformation<ScoredLead> TYPE = new SingletonTypeInfo<>(ScoredLead.class, INSTANCE);

    private ScoredLeadSerializer() {}

    @Override
    public ScoredLead createInstance() {
        return new ScoredLead();
    }

    @Override
    public ScoredLead copy(ScoredLead from) {
        ScoredLead c = new ScoredLead(from.lead == null ? null : LeadStateSerializer.INSTANCE.copy(from.lead));
        if (from.emitted != null) {
            LeadEmission e = new LeadEmission();
            e.accountKey = from.emitted.accountKey;
            e.accountDomain = from.emitted.accountDomain;
            e.engaged = from.emitted.engaged;
            e.wantsHandoff = from.emitted.wantsHandoff;
            e.version = from.emitted.version;
            c.emitted = e;
        }
        c.timer = from.timer;
        return c;
    }

    @Override
    protected void write(ScoredLead s, DataOutputView out) throws IOException {
        out.writeBoolean(s.lead != null);
        if (s.lead != null) {
            LeadStateSerializer.INSTANCE.serialize(s.lead, out);
        }
        LeadEmission e = s.emitted;
        out.writeBoolean(e != null);
        if (e != null) {
            writeString(out, e.accountKey);
            writeString(out, e.accountDomain);
            out.writeBoolean(e.engaged);
            out.writeBoolean(e.wantsHandoff);
            out.writeLong(e.version);
        }
        out.writeLong(s.timer);
    }

    @Override
    public ScoredLead deserialize(DataInputView in) throws IOException {
        ScoredLead s = new ScoredLead(in.readBoolean() ? LeadStateSerializer.INSTANCE.deserialize(in) : null);
        if (in.readBoolean()) {
            LeadEmission e = new LeadEmission();
            e.accountKey = readString(in);
            e.accountDomain = readString(in);
            e.engaged = in.readBoolean();
            e.wantsHandoff = in.readBoolean();
            e.version = in.readLong();
            s.emitted = e;
        }
        s.timer = in.readLong();
        return s;
    }

    @Override
    public TypeSerializerSnapshot<ScoredLead> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Names the format in checkpoints and savepoints; reads every format since the first. */
    public static final class Snapshot extends FormatSnapshot<ScoredLead> {
        public Snapshot() {
            super(FORMAT);
        }

        @Override
        protected TypeSerializer<ScoredLead> reader(int format) {
            return format == 1 ? INSTANCE : null;
        }
    }

    /** Named by {@code @TypeInfo} on {@link ScoredLead}. */
    public static final class Factory extends TypeInfoFactory<ScoredLead> {
        @Override
        public TypeInformation<ScoredLead> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }
}
