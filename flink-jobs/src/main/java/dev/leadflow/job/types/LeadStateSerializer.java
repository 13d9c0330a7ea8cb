package dev.leadflow.job.types;

import static dev.leadflow.job.types.BinaryFields.readString;
import static dev.leadflow.job.types.BinaryFields.readVarInt;
import static dev.leadflow.job.types.BinaryFields.writeString;
import static dev.leadflow.job.types.BinaryFields.writeVarInt;

import dev.leadflow.scoring.LeadState;
import dev.leadflow.scoring.Profile;
import dev.leadflow.scoring.SignalState;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link LeadState}, lead scoring's state per lead: written whole into every checkpoint (the
 * heap state backend) and deep-copied when a lead is touched while a checkpoint is being written.
 * Fields are written in the order LeadState declares them; a {@link Profile} and each
 * {@link SignalState} likewise. {@code SerializedFieldsTest} fails when
 * a field is added to one of those classes and not here.
 */
public final class LeadStateSerializer extends MutableRecordSerializer<LeadState> {

    private static final long serialVersionUID = 1L;
    /** The record format this release writes: raise it with every change of the format (see {@link FormatSnapshot}). */
    public static final int FORMAT = 1;

    public static final LeadStateSerializer INSTANCE = new LeadStateSerializer();
    public static final TypeInformation<LeadState> TYPE = new SingletonTypeInfo<>(LeadState.class, INSTANCE);

    private LeadStateSerializer() {}

    @Override
    public LeadState createInstance() {
        return new LeadState();
    }

    @Override
    public LeadState copy(LeadState s) {
        LeadState c = new LeadState();
        c.leadId = s.leadId;
        c.profile = copyProfile(s.profile);
        c.profileAt = s.profileAt;
        c.profileRev = s.profileRev;
        c.derivedModel = s.derivedModel;
        c.derivedRev = s.derivedRev;
        c.fit = s.fit;
        c.fitGate = s.fitGate;
        c.accountDomain = s.accountDomain;
        c.queue = s.queue;
        c.derivedOwner = s.derivedOwner;
        c.ownerSellerId = s.ownerSellerId;
        c.ownerAssignedAt = s.ownerAssignedAt;
        c.lastTouchAt = s.lastTouchAt;
        c.opportunityOpen = s.opportunityOpen;
        c.opportunityChangedAt = s.opportunityChangedAt;
        c.cooldownUntil = s.cooldownUntil;
        c.cooldownCause = s.cooldownCause;
        c.cooldownReason = s.cooldownReason;
        c.lastHandRaiseAt = s.lastHandRaiseAt;
        c.qualified = s.qualified;
        c.handoffOpen = s.handoffOpen;
        c.handoffSeq = s.handoffSeq;
        c.handoffId = s.handoffId;
        c.handoffOpenedAt = s.handoffOpenedAt;
        c.updateSeq = s.updateSeq;
        c.publishedScores = s.publishedScores;
        c.publishedQueue = s.publishedQueue;
        c.publishedUntil = s.publishedUntil;
        c.publishedRev = s.publishedRev;
        c.reasonsValidUntil = s.reasonsValidUntil;
        c.signals = copySignals(s.signals);
        c.decayHalfLife = s.decayHalfLife == null ? null : s.decayHalfLife.clone();
        c.decayAsOf = s.decayAsOf == null ? null : s.decayAsOf.clone();
        c.decayValue = s.decayValue == null ? null : s.decayValue.clone();
        c.decayGroupCount = s.decayGroupCount;
        c.decayModel = s.decayModel;
        c.recentEventIds = s.recentEventIds == null ? null : s.recentEventIds.clone();
        c.recentEventIdCount = s.recentEventIdCount;
        c.clock = s.clock;
        c.lastEventAt = s.lastEventAt;
        return c;
    }

    @Override
    protected void write(LeadState s, DataOutputView out) throws IOException {
        writeString(out, s.leadId);
        writeProfile(out, s.profile);
        out.writeLong(s.profileAt);
        out.writeInt(s.profileRev);
        out.writeLong(s.derivedModel);
        out.writeInt(s.derivedRev);
        out.writeInt(s.fit);
        EnumCodes.writeFitGate(out, s.fitGate);
        writeString(out, s.accountDomain);
        writeString(out, s.queue);
        writeString(out, s.derivedOwner);
        writeString(out, s.ownerSellerId);
        out.writeLong(s.ownerAssignedAt);
        out.writeLong(s.lastTouchAt);
        out.writeBoolean(s.opportunityOpen);
        out.writeLong(s.opportunityChangedAt);
        out.writeLong(s.cooldownUntil);
        EnumCodes.writeSalesType(out, s.cooldownCause);
        writeString(out, s.cooldownReason);
        out.writeLong(s.lastHandRaiseAt);
        out.writeBoolean(s.qualified);
        out.writeBoolean(s.handoffOpen);
        out.writeLong(s.handoffSeq);
        writeString(out, s.handoffId);
        out.writeLong(s.handoffOpenedAt);
        out.writeLong(s.updateSeq);
        out.writeLong(s.publishedScores);
        writeString(out, s.publishedQueue);
        out.writeLong(s.publishedUntil);
        out.writeInt(s.publishedRev);
        out.writeLong(s.reasonsValidUntil);
        writeSignals(out, s.signals);
        writeLongs(out, s.decayHalfLife);
        writeLongs(out, s.decayAsOf);
        writeDoubles(out, s.decayValue);
        out.writeInt(s.decayGroupCount);
        out.writeLong(s.decayModel);
        writeLongs(out, s.recentEventIds);
        out.writeInt(s.recentEventIdCount);
        out.writeLong(s.clock);
        out.writeLong(s.lastEventAt);
    }

    @Override
    public LeadState deserialize(DataInputView in) throws IOException {
        LeadState s = new LeadState();
        s.leadId = readString(in);
        s.profile = readProfile(in);
        s.profileAt = in.readLong();
        s.profileRev = in.readInt();
        s.derivedModel = in.readLong();
        s.derivedRev = in.readInt();
        s.fit = in.readInt();
        s.fitGate = EnumCodes.readFitGate(in);
        s.accountDomain = readString(in);
        s.queue = readString(in);
        s.derivedOwner = readString(in);
        s.ownerSellerId = readString(in);
        s.ownerAssignedAt = in.readLong();
        s.lastTouchAt = in.readLong();
        s.opportunityOpen = in.readBoolean();
        s.opportunityChangedAt = in.readLong();
        s.cooldownUntil = in.readLong();
        s.cooldownCause = EnumCodes.readSalesType(in);
        s.cooldownReason = readString(in);
        s.lastHandRaiseAt = in.readLong();
        s.qualified = in.readBoolean();
        s.handoffOpen = in.readBoolean();
        s.handoffSeq = in.readLong();
        s.handoffId = readString(in);
        s.handoffOpenedAt = in.readLong();
        s.updateSeq = in.readLong();
        s.publishedScores = in.readLong();
        s.publishedQueue = readString(in);
        s.publishedUntil = in.readLong();
        s.publishedRev = in.readInt();
        s.reasonsValidUntil = in.readLong();
        s.signals = readSignals(in);
        s.decayHalfLife = readLongs(in);
        s.decayAsOf = readLongs(in);
        s.decayValue = readDoubles(in);
        s.decayGroupCount = in.readInt();
        s.decayModel = in.readLong();
        s.recentEventIds = readLongs(in);
        s.recentEventIdCount = in.readInt();
        s.clock = in.readLong();
        s.lastEventAt = in.readLong();
        return s;
    }

    private static void writeProfile(DataOutputView out, Profile p) throws IOException {
        out.writeBoolean(p != null);
        if (p != null) {
            writeString(out, p.email);
            writeString(out, p.firstName);
            writeString(out, p.lastName);
            writeString(out, p.title);
            writeString(out, p.company);
            writeString(out, p.companyDomain);
            writeString(out, p.companySize);
            out.writeInt(p.employees);
            writeString(out, p.industry);
            writeString(out, p.country);
        }
    }

    private static Profile readProfile(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        Profile p = new Profile();
        p.email = readString(in);
        p.firstName = readString(in);
        p.lastName = readString(in);
        p.title = readString(in);
        p.company = readString(in);
        p.companyDomain = readString(in);
        p.companySize = readString(in);
        p.employees = in.readInt();
        p.industry = readString(in);
        p.country = readString(in);
        return p;
    }

    private static Profile copyProfile(Profile p) {
        if (p == null) {
            return null;
        }
        Profile c = new Profile();
        c.email = p.email;
        c.firstName = p.firstName;
        c.lastName = p.lastName;
        c.title = p.title;
        c.company = p.company;
        c.companyDomain = p.companyDomain;
        c.companySize = p.companySize;
        c.employees = p.employees;
        c.industry = p.industry;
        c.country = p.country;
        return c;
    }

    /** 0 for null, otherwise size + 1; each entry its key and a signal (a presence byte first). */
    private static void writeSignals(DataOutputView out, Map<String, SignalState> signals) throws IOException {
        if (signals == null) {
            writeVarInt(out, 0);
            return;
        }
        writeVarInt(out, signals.size() + 1);
        for (Map.Entry<String, SignalState> e : signals.entrySet()) {
            writeString(out, e.getKey());
            SignalState g = e.getValue();
            out.writeBoolean(g != null);
            if (g != null) {
                out.writeDouble(g.value);
                out.writeLong(g.asOf);
                out.writeLong(g.lastSeen);
                writeLongs(out, g.recent);
                out.writeInt(g.recentCount);
                out.writeInt(g.recentHead);
                out.writeLong(g.creditDay);
                out.writeInt(g.creditedThatDay);
                writeLongs(out, g.dayCredits);
                out.writeInt(g.dayCreditCount);
            }
        }
    }

    private static Map<String, SignalState> readSignals(DataInputView in) throws IOException {
        int header = readVarInt(in);
        if (header == 0) {
            return null;
        }
        int size = header - 1;
        Map<String, SignalState> signals = new HashMap<>(size < 12 ? 16 : (int) (size / 0.75f) + 1);
        for (int i = 0; i < size; i++) {
            String key = readString(in);
            SignalState g = null;
            if (in.readBoolean()) {
                g = new SignalState();
                g.value = in.readDouble();
                g.asOf = in.readLong();
                g.lastSeen = in.readLong();
                g.recent = readLongs(in);
                g.recentCount = in.readInt();
                g.recentHead = in.readInt();
                g.creditDay = in.readLong();
                g.creditedThatDay = in.readInt();
                g.dayCredits = readLongs(in);
                g.dayCreditCount = in.readInt();
            }
            signals.put(key, g);
        }
        return signals;
    }

    private static Map<String, SignalState> copySignals(Map<String, SignalState> signals) {
        if (signals == null) {
            return null;
        }
        Map<String, SignalState> copy = new HashMap<>(signals.size() < 12 ? 16 : (int) (signals.size() / 0.75f) + 1);
        for (Map.Entry<String, SignalState> e : signals.entrySet()) {
            copy.put(e.getKey(), copySignal(e.getValue()));
        }
        return copy;
    }

    private static SignalState copySignal(SignalState g) {
        if (g == null) {
            return null;
        }
        SignalState c = new SignalState();
        c.value = g.value;
        c.asOf = g.asOf;
        c.lastSeen = g.lastSeen;
        c.recent = g.recent == null ? null : g.recent.clone();
        c.recentCount = g.recentCount;
        c.recentHead = g.recentHead;
        c.creditDay = g.creditDay;
        c.creditedThatDay = g.creditedThatDay;
        c.dayCredits = g.dayCredits == null ? null : g.dayCredits.clone();
        c.dayCreditCount = g.dayCreditCount;
        return c;
    }

    /** 0 for null, otherwise length + 1 and the values. */
    private static void writeLongs(DataOutputView out, long[] values) throws IOException {
        if (values == null) {
            writeVarInt(out, 0);
            return;
        }
        writeVarInt(out, values.length + 1);
        for (long v : values) {
            out.writeLong(v);
        }
    }

    private static long[] readLongs(DataInputView in) throws IOException {
        int header = readVarInt(in);
        if (header == 0) {
            return null;
        }
        long[] values = new long[header - 1];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readLong();
        }
        return values;
    }

    private static void writeDoubles(DataOutputView out, double[] values) throws IOException {
        if (values == null) {
            writeVarInt(out, 0);
            return;
        }
        writeVarInt(out, values.length + 1);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    private static double[] readDoubles(DataInputView in) throws IOException {
        int header = readVarInt(in);
        if (header == 0) {
            return null;
        }
        double[] values = new double[header - 1];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }

    @Override
    public TypeSerializerSnapshot<LeadState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Names the format in checkpoints and savepoints; reads every format since the first. */
    public static final class Snapshot extends FormatSnapshot<LeadState> {
        public Snapshot() {
            super(FORMAT);
        }

        @Override
        protected TypeSerializer<LeadState> reader(int format) {
            return format == 1 ? INSTANCE : null;
        }
    }
}
