package dev.leadflow.job.types;

import static dev.leadflow.job.types.BinaryFields.readString;
import static dev.leadflow.job.types.BinaryFields.readVarInt;
import static dev.leadflow.job.types.BinaryFields.writeString;
import static dev.leadflow.job.types.BinaryFields.writeVarInt;

import dev.leadflow.job.AnonymousVisitor;
import dev.leadflow.scoring.LeadEvent;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link AnonymousVisitor}: linkedLead, the held clicks (0 for none, otherwise count + 1, each in the
 * {@link LeadEventSerializer} format, which is part of this one: a change of either is a new
 * {@link #FORMAT} of this one), lastSeen.
 */
public final class AnonymousVisitorSerializer extends MutableRecordSerializer<AnonymousVisitor> {

    private static final long serialVersionUID = 1L;
    /** The record format this release writes: raise it with every change of the format (see {@link FormatSnapshot}). */
    public static final int FORMAT = 1;
    /** The {@link LeadEventSerializer#FORMAT} that this {@link #FORMAT} embeds (FormatSnapshotTest compares them). */
    static final int EMBEDDED_LEAD_EVENT_FORMAT = 1;

    public static final AnonymousVisitorSerializer INSTANCE = new AnonymousVisitorSerializer();
    public static final TypeInformation<AnonymousVisitor> TYPE = new SingletonTypeInfo<>(AnonymousVisitor.class, INSTANCE);

    private AnonymousVisitorSerializer() {}

    @Override
    public AnonymousVisitor createInstance() {
        return new AnonymousVisitor();
    }

    @Override
    public AnonymousVisitor copy(AnonymousVisitor from) {
        AnonymousVisitor c = new AnonymousVisitor();
        c.linkedLead = from.linkedLead;
        if (from.held != null) {
            c.held = new ArrayList<>(from.held.size());
            for (LeadEvent e : from.held) {
                c.held.add(LeadEventSerializer.INSTANCE.copy(e));
            }
        }
        c.lastSeen = from.lastSeen;
        return c;
    }

    @Override
    protected void write(AnonymousVisitor v, DataOutputView out) throws IOException {
        writeString(out, v.linkedLead);
        if (v.held == null) {
            writeVarInt(out, 0);
        } else {
            writeVarInt(out, v.held.size() + 1);
            for (LeadEvent e : v.held) {
                LeadEventSerializer.INSTANCE.serialize(e, out);
            }
        }
        out.writeLong(v.lastSeen);
    }

    @Override
    public AnonymousVisitor deserialize(DataInputView in) throws IOException {
        AnonymousVisitor v = new AnonymousVisitor();
        v.linkedLead = readString(in);
        int header = readVarInt(in);
        if (header > 0) {
            List<LeadEvent> held = new ArrayList<>(header - 1);
            for (int i = 0; i < header - 1; i++) {
                held.add(LeadEventSerializer.INSTANCE.deserialize(in));
            }
            v.held = held;
        }
        v.lastSeen = in.readLong();
        return v;
    }

    @Override
    public TypeSerializerSnapshot<AnonymousVisitor> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Names the format in checkpoints and savepoints; reads every format since the first. */
    public static final class Snapshot extends FormatSnapshot<AnonymousVisitor> {
        public Snapshot() {
            super(FORMAT);
        }

        @Override
        protected TypeSerializer<AnonymousVisitor> reader(int format) {
            return format == 1 ? INSTANCE : null;
        }
    }

    /** Named by {@code @TypeInfo} on {@link AnonymousVisitor}. */
    public static final class Factory extends TypeInfoFactory<AnonymousVisitor> {
        @Override
        public TypeInformation<AnonymousVisitor> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }
}
