package dev.leadflow.job.types;

import static dev.leadflow.job.types.BinaryFields.readString;
import static dev.leadflow.job.types.BinaryFields.readVarInt;
import static dev.leadflow.job.types.BinaryFields.writeString;
import static dev.leadflow.job.types.BinaryFields.writeVarInt;

import dev.leadflow.job.scoring.LeadUpdate;
import dev.leadflow.scoring.Reason;
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
 * {@link LeadUpdate} from lead scoring to the account prioritizer, and in the prioritizer's state
 * (each member's latest update). Field order: leadId, accountKey, accountDomain, at, version,
 * triggerEventId, triggerIngestedAt, fit, engagement, readiness, grade, flags (handRaised,
 * wantsHandoff, engaged), handoffId, queue, reasons, name, title, company, email, modelVersion,
 * erasureRequestId, requestedBy — format 1 — then, since format 2, the story ({@link LeadStorySerializer}'s
 * entries). LeadUpdate names this serializer with {@code @TypeInfo}; {@link LeadUpdateSerializerV1} reads
 * format 1 state (the prioritizer's members of release 2026.3 and before).
 */
public final class LeadUpdateSerializer extends MutableRecordSerializer<LeadUpdate> {

    private static final long serialVersionUID = 1L;
    /** The record format this release writes: raise it with every change of the format (see {@link FormatSnapshot}). */
    public static final int FORMAT = 2;
    private static final int HAND_RAISED = 1;
    private static final int WANTS_HANDOFF = 2;
    private static final int ENGAGED = 4;

    public static final LeadUpdateSerializer INSTANCE = new LeadUpdateSerializer();
    public static final TypeInformation<LeadUpdate> TYPE = new SingletonTypeInfo<>(LeadUpdate.class, INSTANCE);

    private LeadUpdateSerializer() {}

    @Override
    public LeadUpdate createInstance() {
        return new LeadUpdate();
    }

    @Override
    public LeadUpdate copy(LeadUpdate from) {
        LeadUpdate u = from.shallowCopy();
        u.reasons = copyReasons(from.reasons);
        u.story = from.story == null ? null : new ArrayList<>(from.story); // entries are never changed once made
        return u;
    }

    private static List<Reason> copyReasons(List<Reason> reasons) {
        if (reasons == null) {
            return null;
        }
        List<Reason> copy = new ArrayList<>(reasons.size());
        for (Reason r : reasons) {
            copy.add(r == null ? null : new Reason(r.signal, r.points, r.detail, r.lastSeen));
        }
        return copy;
    }

    @Override
    protected void write(LeadUpdate u, DataOutputView out) throws IOException {
        writeFormatOne(u, out);
        LeadStorySerializer.writeEntries(out, u.story);
    }

    @Override
    public LeadUpdate deserialize(DataInputView in) throws IOException {
        LeadUpdate u = readFormatOne(in);
        u.story = LeadStorySerializer.readEntries(in);
        return u;
    }

    /** Format 1: everything but the story. */
    static void writeFormatOne(LeadUpdate u, DataOutputView out) throws IOException {
        writeString(out, u.leadId);
        writeString(out, u.accountKey);
        writeString(out, u.accountDomain);
        out.writeLong(u.at);
        out.writeLong(u.version);
        writeString(out, u.triggerEventId);
        out.writeLong(u.triggerIngestedAt);
        out.writeInt(u.fit);
        out.writeInt(u.engagement);
        out.writeInt(u.readiness);
        writeString(out, u.grade);
        out.writeByte((u.handRaised ? HAND_RAISED : 0) | (u.wantsHandoff ? WANTS_HANDOFF : 0) | (u.engaged ? ENGAGED : 0));
        writeString(out, u.handoffId);
        writeString(out, u.queue);
        writeReasons(out, u.reasons);
        writeString(out, u.name);
        writeString(out, u.title);
        writeString(out, u.company);
        writeString(out, u.email);
        writeString(out, u.modelVersion);
        writeString(out, u.erasureRequestId);
        writeString(out, u.requestedBy);
    }

    /** 0 for null, otherwise size + 1; each reason a presence byte, then signal, points, detail, lastSeen. */
    private static void writeReasons(DataOutputView out, List<Reason> reasons) throws IOException {
        if (reasons == null) {
            writeVarInt(out, 0);
            return;
        }
        writeVarInt(out, reasons.size() + 1);
        for (Reason r : reasons) {
            out.writeBoolean(r != null);
            if (r != null) {
                writeString(out, r.signal);
                out.writeInt(r.points);
                writeString(out, r.detail);
                out.writeLong(r.lastSeen);
            }
        }
    }

    private static List<Reason> readReasons(DataInputView in) throws IOException {
        int header = readVarInt(in);
        if (header == 0) {
            return null;
        }
        int size = header - 1;
        List<Reason> reasons = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            reasons.add(in.readBoolean() ? new Reason(readString(in), in.readInt(), readString(in), in.readLong()) : null);
        }
        return reasons;
    }

    /** Format 1: everything but the story (left null). */
    static LeadUpdate readFormatOne(DataInputView in) throws IOException {
        LeadUpdate u = new LeadUpdate();
        u.story = null;
        u.leadId = readString(in);
        u.accountKey = readString(in);
        u.accountDomain = readString(in);
        u.at = in.readLong();
        u.version = in.readLong();
        u.triggerEventId = readString(in);
        u.triggerIngestedAt = in.readLong();
        u.fit = in.readInt();
        u.engagement = in.readInt();
        u.readiness = in.readInt();
        u.grade = readString(in);
        int flags = in.readUnsignedByte();
        u.handRaised = (flags & HAND_RAISED) != 0;
        u.wantsHandoff = (flags & WANTS_HANDOFF) != 0;
        u.engaged = (flags & ENGAGED) != 0;
        u.handoffId = readString(in);
        u.queue = readString(in);
        u.reasons = readReasons(in);
        u.name = readString(in);
        u.title = readString(in);
        u.company = readString(in);
        u.email = readString(in);
        u.modelVersion = readString(in);
        u.erasureRequestId = readString(in);
        u.requestedBy = readString(in);
        return u;
    }

    @Override
    public TypeSerializerSnapshot<LeadUpdate> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Names the format in checkpoints and savepoints; reads every format since the first. */
    public static final class Snapshot extends FormatSnapshot<LeadUpdate> {
        public Snapshot() {
            super(FORMAT);
        }

        /** The snapshot of state in an older {@code format} (of {@link LeadUpdateSerializerV1}). */
        Snapshot(int format) {
            super(FORMAT, format);
        }

        @Override
        protected TypeSerializer<LeadUpdate> reader(int format) {
            return switch (format) {
                case 1 -> LeadUpdateSerializerV1.INSTANCE;
                case 2 -> INSTANCE;
                default -> null;
            };
        }
    }

    /** Named by {@code @TypeInfo} on {@link LeadUpdate}. */
    public static final class Factory extends TypeInfoFactory<LeadUpdate> {
        @Override
        public TypeInformation<LeadUpdate> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }
}
