package dev.leadflow.job.types;

import static dev.leadflow.job.types.BinaryFields.readString;
import static dev.leadflow.job.types.BinaryFields.readVarInt;
import static dev.leadflow.job.types.BinaryFields.writeString;
import static dev.leadflow.job.types.BinaryFields.writeVarInt;

import dev.leadflow.job.identity.AnonymousVisitor;
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
 * {@link AnonymousVisitor}, format 2: linkedLead, the held clicks of format 1 (0 for none, otherwise
 * count + 1, each in the {@link LeadEventSerializer} format, which is part of this one: a change of
 * either is a new {@link #FORMAT} of this one), lastSeen, heldCount (a varint). Format 1 (release
 * 2026.2, {@link AnonymousVisitorSerializerV1}) is the same without heldCount: its clicks were held in
 * the value, now they are in a list state of their own.
 */
public final class AnonymousVisitorSerializer extends MutableRecordSerializer<AnonymousVisitor> {

    private static final long serialVersionUID = 1L;
    /** The record format this release writes: raise it with every change of the format (see {@link FormatSnapshot}). */
    public static final int FORMAT = 2;
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
        c.heldCount = from.heldCount;
        return c;
    }

    @Override
    protected void write(AnonymousVisitor v, DataOutputView out) throws IOException {
        writeFormatOne(v, out);
        writeVarInt(out, v.heldCount);
    }

    @Override
    public AnonymousVisitor deserialize(DataInputView in) throws IOException {
        AnonymousVisitor v = readFormatOne(in);
        v.heldCount = readVarInt(in);
        return v;
    }

    static void writeFormatOne(AnonymousVisitor v, DataOutputView out) throws IOException {
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

    static AnonymousVisitor readFormatOne(DataInputView in) throws IOException {
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

        Snapshot(int format) {
            super(FORMAT, format);
        }

        @Override
        protected TypeSerializer<AnonymousVisitor> reader(int format) {
            return switch (format) {
                case 1 -> AnonymousVisitorSerializerV1.INSTANCE;
                case 2 -> INSTANCE;
                default -> null;
            };
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
