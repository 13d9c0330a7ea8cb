package dev.leadflow.job.types;

import static dev.leadflow.job.types.BinaryFields.readString;
import static dev.leadflow.job.types.BinaryFields.readStringMap;
import static dev.leadflow.job.types.BinaryFields.writeString;
import static dev.leadflow.job.types.BinaryFields.writeStringMap;

import dev.leadflow.scoring.LeadEvent;
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
 * {@link LeadEvent} on the wire between operators and in the stitcher's buffer of anonymous
 * clicks. Field order: eventId, source, occurredAt, ingestedAt, leadId, anonymousId, signal,
 * name, url, traits, sellerId, accountDomain, reason.
 *
 * <p>LeadEvent belongs to the scoring package, which has no Flink types, so this type is given
 * explicitly where events flow ({@link #TYPE}) or through {@link Factory} on a field.
 */
public final class LeadEventSerializer extends MutableRecordSerializer<LeadEvent> {

    private static final long serialVersionUID = 1L;
    /** The record format this release writes: raise it with every change of the format (see {@link FormatSnapshot}). */
    public static final int FORMAT = 1;

    public static final LeadEventSerializer INSTANCE = new LeadEventSerializer();
    public static final TypeInformation<LeadEvent> TYPE = new SingletonTypeInfo<>(LeadEvent.class, INSTANCE);

    private LeadEventSerializer() {}

    @Override
    public LeadEvent createInstance() {
        return new LeadEvent();
    }

    @Override
    public LeadEvent copy(LeadEvent from) {
        LeadEvent c = from.copy();
        c.traits = from.traits == null ? null : c.traits;
        return c;
    }

    @Override
    protected void write(LeadEvent e, DataOutputView out) throws IOException {
        writeString(out, e.eventId);
        EnumCodes.writeSource(out, e.source);
        out.writeLong(e.occurredAt);
        out.writeLong(e.ingestedAt);
        writeString(out, e.leadId);
        writeString(out, e.anonymousId);
        writeString(out, e.signal);
        writeString(out, e.name);
        writeString(out, e.url);
        writeStringMap(out, e.traits);
        writeString(out, e.sellerId);
        writeString(out, e.accountDomain);
        writeString(out, e.reason);
    }

    @Override
    public LeadEvent deserialize(DataInputView in) throws IOException {
        LeadEvent e = new LeadEvent();
        e.eventId = readString(in);
        e.source = EnumCodes.readSource(in);
        e.occurredAt = in.readLong();
        e.ingestedAt = in.readLong();
        e.leadId = readString(in);
        e.anonymousId = readString(in);
        e.signal = readString(in);
        e.name = readString(in);
        e.url = readString(in);
        e.traits = readStringMap(in);
        e.sellerId = readString(in);
        e.accountDomain = readString(in);
        e.reason = readString(in);
        return e;
    }

    @Override
    public TypeSerializerSnapshot<LeadEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Names the format in checkpoints and savepoints; reads every format since the first. */
    public static final class Snapshot extends FormatSnapshot<LeadEvent> {
        public Snapshot() {
            super(FORMAT);
        }

        @Override
        protected TypeSerializer<LeadEvent> reader(int format) {
            return format == 1 ? INSTANCE : null;
        }
    }

    /** For a field of type LeadEvent in a Flink POJO: {@code @TypeInfo(LeadEventSerializer.Factory.class)}. */
    public static final class Factory extends TypeInfoFactory<LeadEvent> {
        @Override
        public TypeInformation<LeadEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }
}
