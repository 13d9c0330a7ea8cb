package dev.leadflow.job.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.job.identity.AnonymousVisitor;
import dev.leadflow.job.scoring.LeadUpdate;
import dev.leadflow.scoring.LeadEvent;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * The format versions of this package's serializers: what each snapshot names, how a snapshot read
 * back from a savepoint is judged against the current serializer, and (with a test-only record whose
 * format goes from 1 to 2) that Flink restores state of an older format through its reader and writes
 * the next snapshot in the current one.
 */
class FormatSnapshotTest {

    private static final List<TypeSerializer<?>> OURS = List.of(LeadEventSerializer.INSTANCE,
            LeadUpdateSerializer.INSTANCE, LeadStateSerializer.INSTANCE, ScoredLeadSerializer.INSTANCE,
            AnonymousVisitorSerializer.INSTANCE, AccountTallySerializer.INSTANCE, LeadStorySerializer.INSTANCE);

    /** The format each writes now. */
    private static final Map<TypeSerializer<?>, Integer> CURRENT = Map.of(LeadEventSerializer.INSTANCE,
            LeadEventSerializer.FORMAT, LeadUpdateSerializer.INSTANCE, 2, LeadStateSerializer.INSTANCE, 1,
            ScoredLeadSerializer.INSTANCE, 1, AnonymousVisitorSerializer.INSTANCE, 2, AccountTallySerializer.INSTANCE, 1,
            LeadStorySerializer.INSTANCE, 1);

    @Test
    void everySnapshotNamesItsFormatAndRestoresAsIs() throws IOException {
        for (TypeSerializer<?> serializer : OURS) {
            assertRoundTrip(serializer);
        }
    }

    private static <T> void assertRoundTrip(TypeSerializer<T> serializer) throws IOException {
        TypeSerializerSnapshot<T> written = serializer.snapshotConfiguration();
        assertThat(written).as("%s's snapshot", serializer).isInstanceOf(FormatSnapshot.class);
        TypeSerializerSnapshot<T> read = reread(written);
        assertThat(((FormatSnapshot<T>) read).format()).isEqualTo(((FormatSnapshot<T>) written).format())
                .isEqualTo(CURRENT.get(serializer));
        assertThat(read.restoreSerializer()).isSameAs(serializer);
        assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs()).isTrue();
    }

    /** Before formats had numbers these snapshots were Flink's SimpleTypeSerializerSnapshot (layout 3, no bytes). */
    @Test
    void aSnapshotWrittenBeforeFormatsHadNumbersIsFormatOne() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeUTF(LeadStateSerializer.Snapshot.class.getName());
        out.writeInt(3);
        TypeSerializerSnapshot<Object> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(((FormatSnapshot<?>) read).format()).isEqualTo(1);
        assertThat(read.restoreSerializer()).isSameAs(LeadStateSerializer.INSTANCE);
    }

    @Test
    void aFormatOfANewerReleaseIsRefusedWithItsNumber() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeUTF(ScoredLeadSerializer.Snapshot.class.getName());
        out.writeInt(FormatSnapshot.LAYOUT);
        out.writeInt(ScoredLeadSerializer.FORMAT + 1);
        assertThatThrownBy(() -> TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ScoredLeadSerializer$Snapshot")
                .hasMessageContaining("format " + (ScoredLeadSerializer.FORMAT + 1))
                .hasMessageContaining("newer release");
    }

    @Test
    void anotherSerializersSnapshotIsIncompatible() {
        assertThat(new LeadStateSerializer.Snapshot().resolveSchemaCompatibility(
                (TypeSerializerSnapshot) new ScoredLeadSerializer.Snapshot()).isIncompatible()).isTrue();
    }

    /** A serializer that writes another one's records inside its own must change format with it. */
    @Test
    void embeddedFormatsAreTheCurrentOnes() {
        assertThat(ScoredLeadSerializer.EMBEDDED_LEAD_STATE_FORMAT)
                .as("ScoredLead embeds LeadState: raise ScoredLeadSerializer.FORMAT with LeadStateSerializer.FORMAT")
                .isEqualTo(LeadStateSerializer.FORMAT);
        assertThat(AnonymousVisitorSerializer.EMBEDDED_LEAD_EVENT_FORMAT)
                .as("AnonymousVisitor embeds LeadEvent: raise AnonymousVisitorSerializer.FORMAT with LeadEventSerializer.FORMAT")
                .isEqualTo(LeadEventSerializer.FORMAT);
    }

    @Test
    void anOlderFormatResolvesAsCompatibleAfterMigrationThroughItsReader() throws IOException {
        TypeSerializerSnapshot<Counter> old = reread(CounterV1.INSTANCE.snapshotConfiguration());
        assertThat(((FormatSnapshot<Counter>) old).format()).isEqualTo(1);
        assertThat(old.restoreSerializer()).isSameAs(CounterV1.INSTANCE);
        TypeSerializerSchemaCompatibility<Counter> compatibility =
                CounterV2.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(old);
        assertThat(compatibility.isCompatibleAfterMigration()).as(compatibility.toString()).isTrue();
    }

    @Test
    void anAnonymousVisitorOfRelease2026_2IsReadWithItsHeldClicksAndMigrates() throws IOException {
        TypeSerializerSnapshot<AnonymousVisitor> old = reread(AnonymousVisitorSerializerV1.INSTANCE.snapshotConfiguration());
        assertThat(((FormatSnapshot<AnonymousVisitor>) old).format()).isEqualTo(1);
        assertThat(old.restoreSerializer()).isSameAs(AnonymousVisitorSerializerV1.INSTANCE);
        assertThat(AnonymousVisitorSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(old)
                .isCompatibleAfterMigration()).isTrue();

        // format 1 as 2026.2 wrote it, by hand: linkedLead null, two held clicks, lastSeen
        DataOutputSerializer bytes = new DataOutputSerializer(256);
        BinaryFields.writeString(bytes, null);
        BinaryFields.writeVarInt(bytes, 3);
        LeadEvent[] clicks = new LeadEventSerializerTest().getTestData();
        LeadEventSerializer.INSTANCE.serialize(clicks[0], bytes);
        LeadEventSerializer.INSTANCE.serialize(clicks[1], bytes);
        bytes.writeLong(1_764_000_000_000L);
        AnonymousVisitor read = old.restoreSerializer().deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()));
        assertThat(read.held).extracting(e -> e.eventId).containsExactly(clicks[0].eventId, clicks[1].eventId);
        assertThat(read.lastSeen).isEqualTo(1_764_000_000_000L);
        assertThat(read.heldCount).isZero();

        // written again in the current format, nothing is lost
        DataOutputSerializer again = new DataOutputSerializer(256);
        AnonymousVisitorSerializer.INSTANCE.serialize(read, again);
        AnonymousVisitor migrated = AnonymousVisitorSerializer.INSTANCE.deserialize(new DataInputDeserializer(again.getCopyOfBuffer()));
        assertThat(migrated.held).hasSize(2);
        assertThat(migrated.lastSeen).isEqualTo(read.lastSeen);
    }

    @Test
    void aLeadUpdateOfRelease2026_3IsReadWithoutAStoryAndMigrates() throws IOException {
        TypeSerializerSnapshot<LeadUpdate> old = reread(LeadUpdateSerializerV1.INSTANCE.snapshotConfiguration());
        assertThat(((FormatSnapshot<LeadUpdate>) old).format()).isEqualTo(1);
        assertThat(old.restoreSerializer()).isSameAs(LeadUpdateSerializerV1.INSTANCE);
        assertThat(LeadUpdateSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(old)
                .isCompatibleAfterMigration()).isTrue();

        // format 1 as 2026.3 wrote it: the fields of LeadUpdateSerializer's class comment up to requestedBy
        LeadUpdate queued = new LeadUpdateSerializerTest().getTestData()[0];
        DataOutputSerializer bytes = new DataOutputSerializer(512);
        LeadUpdateSerializer.writeFormatOne(queued, bytes);
        LeadUpdate read = old.restoreSerializer().deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()));
        assertThat(read.leadId).isEqualTo(queued.leadId);
        assertThat(read.requestedBy).isEqualTo(queued.requestedBy);
        assertThat(read.email).isEqualTo(queued.email);
        assertThat(read.reasons).isEqualTo(queued.reasons);
        assertThat(read.story).isNull();

        // written again in the current format, with a story: nothing is lost
        read.story = queued.story;
        DataOutputSerializer again = new DataOutputSerializer(512);
        LeadUpdateSerializer.INSTANCE.serialize(read, again);
        LeadUpdate migrated = LeadUpdateSerializer.INSTANCE.deserialize(new DataInputDeserializer(again.getCopyOfBuffer()));
        assertThat(migrated.story).isEqualTo(queued.story);
        assertThat(migrated.handoffId).isEqualTo(queued.handoffId);
    }

    /**
     * The whole path in Flink (heap backend, operator test harness): state written in format 1 by the
     * "old release" is restored by the "new release" (format 2), read by the format-1 reader, and the
     * next snapshot names and holds format 2.
     */
    @Test
    void flinkRestoresAnOlderFormatAndWritesTheCurrentOne() throws Exception {
        OperatorSubtaskState v1Snapshot;
        try (var v1 = harness(CounterV1.INSTANCE, null)) {
            v1.processElement("lead-1", 1);
            v1.processElement("lead-1", 2);
            v1.processElement("lead-2", 3);
            v1Snapshot = v1.snapshot(1, 3);
        }
        assertThat(formatIn(v1Snapshot)).isEqualTo(1);

        OperatorSubtaskState v2Snapshot;
        try (var v2 = harness(CounterV2.INSTANCE, v1Snapshot)) {
            v2.processElement("lead-1", 4);
            v2.processElement("lead-3", 5);
            assertThat(v2.extractOutputValues()).containsExactly("lead-1 3 since -1", "lead-3 1 since 5");
            v2Snapshot = v2.snapshot(2, 5);
        }
        assertThat(formatIn(v2Snapshot)).as("state is written in the current format after a restore").isEqualTo(2);

        try (var again = harness(CounterV2.INSTANCE, v2Snapshot)) {
            again.processElement("lead-2", 6);
            again.processElement("lead-1", 7);
            assertThat(again.extractOutputValues()).containsExactly("lead-2 2 since -1", "lead-1 4 since -1");
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            TypeSerializer<Counter> serializer, OperatorSubtaskState restoreFrom) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new Counting(serializer)),
                (String key) -> key, Types.STRING);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    /** The format the snapshot's "counter" state names, from the meta data at the head of its keyed state. */
    private static int formatIn(OperatorSubtaskState snapshot) throws IOException {
        for (KeyedStateHandle handle : snapshot.getManagedKeyedState()) {
            KeyedBackendSerializationProxy<String> proxy =
                    new KeyedBackendSerializationProxy<>(FormatSnapshotTest.class.getClassLoader());
            try (InputStream in = ((KeyGroupsStateHandle) handle).openInputStream()) {
                proxy.read(new DataInputViewStreamWrapper(in));
            }
            for (StateMetaInfoSnapshot s : proxy.getStateMetaInfoSnapshots()) {
                if (s.getName().equals(Counting.STATE)) {
                    return ((FormatSnapshot<?>) s.getTypeSerializerSnapshot(
                            StateMetaInfoSnapshot.CommonSerializerKeys.VALUE_SERIALIZER)).format();
                }
            }
        }
        throw new AssertionError("no state " + Counting.STATE + " in the snapshot");
    }

    private static <T> TypeSerializerSnapshot<T> reread(TypeSerializerSnapshot<T> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(out.getCopyOfBuffer()),
                FormatSnapshotTest.class.getClassLoader());
    }

    /** Counts elements per key; emits key, count and since (the timestamp of the first, -1 if unknown). */
    private static final class Counting extends KeyedProcessFunction<String, String, String> {
        private static final long serialVersionUID = 1L;
        static final String STATE = "counter";
        private final TypeSerializer<Counter> serializer;
        private transient ValueState<Counter> counter;

        Counting(TypeSerializer<Counter> serializer) {
            this.serializer = serializer;
        }

        @Override
        public void open(OpenContext openContext) {
            counter = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE, serializer));
        }

        @Override
        public void processElement(String key, Context ctx, Collector<String> out) throws Exception {
            Counter c = counter.value();
            if (c == null) {
                c = new Counter();
                c.since = ctx.timestamp();
            }
            c.count++;
            counter.update(c);
            out.collect(key + " " + c.count + " since " + c.since);
        }
    }

    /** The test record. Format 1 had no {@code since} and an int count; format 2 adds since, the count a long. */
    static final class Counter {
        long count;
        long since = -1;
    }

    /** Format 1, kept in the "new release" to read state of the old one: count as an int. */
    static final class CounterV1 extends MutableRecordSerializer<Counter> {
        private static final long serialVersionUID = 1L;
        static final CounterV1 INSTANCE = new CounterV1();

        @Override
        protected void write(Counter c, DataOutputView out) throws IOException {
            out.writeInt((int) c.count);
        }

        @Override
        public Counter deserialize(DataInputView in) throws IOException {
            Counter c = new Counter();
            c.count = in.readInt();
            return c;
        }

        @Override
        public Counter createInstance() {
            return new Counter();
        }

        @Override
        public Counter copy(Counter from) {
            Counter c = new Counter();
            c.count = from.count;
            c.since = from.since;
            return c;
        }

        @Override
        public TypeSerializerSnapshot<Counter> snapshotConfiguration() {
            return new CounterSnapshot(1);
        }
    }

    /** Format 2, the current one: count as a long, then since. */
    static final class CounterV2 extends MutableRecordSerializer<Counter> {
        private static final long serialVersionUID = 1L;
        static final CounterV2 INSTANCE = new CounterV2();

        @Override
        protected void write(Counter c, DataOutputView out) throws IOException {
            out.writeLong(c.count);
            out.writeLong(c.since);
        }

        @Override
        public Counter deserialize(DataInputView in) throws IOException {
            Counter c = new Counter();
            c.count = in.readLong();
            c.since = in.readLong();
            return c;
        }

        @Override
        public Counter createInstance() {
            return new Counter();
        }

        @Override
        public Counter copy(Counter from) {
            return CounterV1.INSTANCE.copy(from);
        }

        @Override
        public TypeSerializerSnapshot<Counter> snapshotConfiguration() {
            return new CounterSnapshot();
        }
    }

    /** One snapshot class for every format of the test record, as each serializer of the package has. */
    public static final class CounterSnapshot extends FormatSnapshot<Counter> {
        static final int FORMAT = 2;

        public CounterSnapshot() {
            super(FORMAT);
        }

        CounterSnapshot(int format) {
            super(FORMAT, format);
        }

        @Override
        protected TypeSerializer<Counter> reader(int format) {
            return switch (format) {
                case 1 -> CounterV1.INSTANCE;
                case 2 -> CounterV2.INSTANCE;
                default -> null;
            };
        }
    }
}
