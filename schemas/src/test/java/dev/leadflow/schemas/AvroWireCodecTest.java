package dev.leadflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.avro.SalesActivity;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroWireCodecTest {

    private static final String CLICKS = Topics.valueSubject(Topics.CLICKSTREAM);

    private final String scope = "codec-" + UUID.randomUUID();
    private final RegistryConfig config = RegistryConfig.of("mock://" + scope);
    private final SchemaRegistryClient registry = SchemaRegistryClient.create(config);

    @AfterEach
    void dropScope() {
        SchemaRegistryClient.dropMockScope(scope);
    }

    @Test
    void everyRecordTypeRoundTrips() {
        assertRoundTrip(Topics.CLICKSTREAM, Samples.identify());
        assertRoundTrip(Topics.CLICKSTREAM, Samples.anonymousPageView());
        assertRoundTrip(Topics.CAMPAIGN, Samples.webinarAttended());
        assertRoundTrip(Topics.SALES, Samples.handoffRejected());
        assertRoundTrip(Topics.HANDOFFS, Samples.enqueue());
    }

    @Test
    void timestampsAreInstantsAndDefaultsApply() {
        ClickEvent decoded = roundTrip(Topics.CLICKSTREAM, Samples.anonymousPageView());

        assertThat(decoded.getOccurredAt()).isEqualTo(Samples.T0);
        assertThat(decoded.getLeadId()).isNull();
        assertThat(decoded.getUrl()).isNull();
        assertThat(decoded.getProperties()).isEmpty();
        assertThat(decoded.getTraits()).isEmpty();
    }

    @Test
    void serializerRegistersOnceAndDeserializerFetchesOnce() {
        CountingClient counting = new CountingClient(registry);
        AvroWireSerializer<ClickEvent> serializer = new AvroWireSerializer<>(counting, CLICKS, ClickEvent.getClassSchema());
        AvroWireDeserializer<ClickEvent> deserializer = new AvroWireDeserializer<>(counting, ClickEvent.class);

        for (int i = 0; i < 3; i++) {
            deserializer.deserialize(serializer.serialize(Samples.identify()));
        }

        assertThat(counting.registers.get()).isEqualTo(1);
        assertThat(counting.getByIds.get()).isEqualTo(1);
    }

    @Test
    void codecsBuiltFromTheSameMockUrlShareTheRegistry() {
        AvroWireSerializer<SalesActivity> serializer = new AvroWireSerializer<>(
                config, Topics.valueSubject(Topics.SALES), SalesActivity.getClassSchema());
        AvroWireDeserializer<SalesActivity> deserializer = new AvroWireDeserializer<>(
                RegistryConfig.of("mock://" + scope), SalesActivity.class);

        assertThat(deserializer.deserialize(serializer.serialize(Samples.handoffRejected())))
                .isEqualTo(Samples.handoffRejected());
        assertThat(serializer.schemaId()).isEqualTo(registry.getLatest(Topics.valueSubject(Topics.SALES)).id());
    }

    @Test
    void bytesFromAnOlderWriterSchemaGetTheNewFieldsDefault() throws IOException {
        Schema current = ClickEvent.getClassSchema();
        Schema withoutTraits = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false,
                current.getFields().stream()
                        .filter(field -> !field.name().equals("traits"))
                        .map(field -> new Schema.Field(field, field.schema()))
                        .toList());
        int oldId = registry.register(CLICKS, withoutTraits);
        assertThat(registry.isCompatible(CLICKS, current)).isTrue();

        GenericRecord old = new GenericData.Record(withoutTraits);
        old.put("event_id", "evt-old");
        old.put("occurred_at", Samples.T0.toEpochMilli());
        old.put("anonymous_id", "anon-1");
        old.put("type", new GenericData.EnumSymbol(withoutTraits.getField("type").schema(), "PAGE"));
        old.put("name", "docs");
        old.put("properties", Map.of("path", "/docs"));

        ClickEvent decoded = new AvroWireDeserializer<>(registry, ClickEvent.class)
                .deserialize(writeGeneric(oldId, withoutTraits, old));

        assertThat(decoded.getEventId()).isEqualTo("evt-old");
        assertThat(decoded.getOccurredAt()).isEqualTo(Samples.T0);
        assertThat(decoded.getType()).isEqualTo(ClickType.PAGE);
        assertThat(decoded.getProperties()).containsEntry("path", "/docs");
        assertThat(decoded.getTraits()).isEmpty();
    }

    @Test
    void anEnumSymbolAddedByANewerWriterReadsAsUnknown() throws IOException {
        Schema newer = new Schema.Parser().parse(ClickEvent.getClassSchema().toString()
                .replace("\"IDENTIFY\"]", "\"IDENTIFY\",\"SCREEN\"]"));
        int newerId = registry.register(CLICKS, newer);

        GenericRecord screen = new GenericData.Record(newer);
        screen.put("event_id", "evt-app");
        screen.put("occurred_at", Samples.T0.toEpochMilli());
        screen.put("anonymous_id", "anon-1");
        screen.put("type", new GenericData.EnumSymbol(newer.getField("type").schema(), "SCREEN"));
        screen.put("name", "home");
        screen.put("properties", Map.of());
        screen.put("traits", Map.of());

        ClickEvent decoded = new AvroWireDeserializer<>(registry, ClickEvent.class)
                .deserialize(writeGeneric(newerId, newer, screen));

        assertThat(decoded.getType()).isEqualTo(ClickType.UNKNOWN);
    }

    @Test
    void invalidValuesAreWireFormatErrors() {
        AvroWireDeserializer<ClickEvent> deserializer = new AvroWireDeserializer<>(registry, ClickEvent.class);

        assertThatThrownBy(() -> deserializer.deserialize(null)).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> deserializer.deserialize(new byte[0])).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> deserializer.deserialize(new byte[] {1, 0, 0, 0, 1, 4, 0x65, 0x31}))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("magic byte 0x01");
        assertThatThrownBy(() -> deserializer.deserialize(new byte[] {0, 0, 0}))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("header");
    }

    @Test
    void truncatedPayloadIsAWireFormatError() {
        byte[] valid = clickSerializer().serialize(Samples.identify());
        AvroWireDeserializer<ClickEvent> deserializer = new AvroWireDeserializer<>(registry, ClickEvent.class);

        for (int length : new int[] {WireFormat.HEADER_LENGTH, WireFormat.HEADER_LENGTH + 3, valid.length - 1}) {
            assertThatThrownBy(() -> deserializer.deserialize(Arrays.copyOf(valid, length)))
                    .as("message cut to %d of %d bytes", length, valid.length)
                    .isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("corrupt or truncated");
        }
        // the deserializer is still usable after failures
        assertThat(deserializer.deserialize(valid)).isEqualTo(Samples.identify());
    }

    @Test
    void corruptLengthsFailFastInsteadOfAllocating() {
        int id = clickSerializer().schemaId();
        AvroWireDeserializer<ClickEvent> deserializer = new AvroWireDeserializer<>(registry, ClickEvent.class);

        // event_id claiming 2^30 bytes (zigzag 2^31 as a varint) followed by 2 bytes of data
        WireFormatException hugeString = catchThrowableOfType(WireFormatException.class,
                () -> deserializer.deserialize(message(id, "8080808008" + "6531")));
        assertThat(hugeString).hasRootCauseInstanceOf(EOFException.class);

        // event_id with length -1 (zigzag 1)
        assertThatThrownBy(() -> deserializer.deserialize(message(id, "01" + "6531")))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("negative length");
    }

    @Test
    void corruptCollectionCountsFailFastInsteadOfAllocating() {
        byte[] valid = clickSerializer().serialize(Samples.anonymousPageView());
        // The message ends with properties {} and traits {} (one 0x00 each). Claim 2^30 properties
        // and supply one: Avro would size a map for 2^30 entries before running out of data.
        String hex = HexFormat.of().formatHex(valid, 0, valid.length - 2) + "8080808008" + "026b0276";
        AvroWireDeserializer<ClickEvent> deserializer = new AvroWireDeserializer<>(registry, ClickEvent.class);

        assertThatThrownBy(() -> deserializer.deserialize(HexFormat.of().parseHex(hex)))
                .isInstanceOf(WireFormatException.class).hasRootCauseInstanceOf(EOFException.class);

        LeadHandoff noReasons = LeadHandoff.newBuilder(Samples.enqueue())
                .setReasons(List.of()).setModelVersion("m").setTriggerEventId("t").setGrade(null).setAccountDomain(null)
                .build();
        byte[] handoff = new AvroWireSerializer<LeadHandoff>(registry, Topics.valueSubject(Topics.HANDOFFS),
                LeadHandoff.getClassSchema()).serialize(noReasons);
        // tail: reasons [] (00), model_version "m" (02 6d), trigger_event_id "t" (02 74), grade and
        // account_domain null (00 00). Claim 2^30 reasons instead of none.
        int reasonsAt = handoff.length - 7;
        assertThat(HexFormat.of().formatHex(handoff, reasonsAt, handoff.length)).isEqualTo("00026d02740000");
        String corrupt = HexFormat.of().formatHex(handoff, 0, reasonsAt) + "8080808008" + "02" + "7300";
        AvroWireDeserializer<LeadHandoff> handoffs = new AvroWireDeserializer<>(registry, LeadHandoff.class);

        assertThatThrownBy(() -> handoffs.deserialize(HexFormat.of().parseHex(corrupt)))
                .isInstanceOf(WireFormatException.class).hasRootCauseInstanceOf(EOFException.class);
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] valid = clickSerializer().serialize(Samples.identify());
        byte[] padded = Arrays.copyOf(valid, valid.length + 1);

        assertThatThrownBy(() -> new AvroWireDeserializer<>(registry, ClickEvent.class).deserialize(padded))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("bytes left");
    }

    @Test
    void aWriterSchemaOfAnotherRecordTypeIsAWireFormatError() {
        byte[] sales = new AvroWireSerializer<SalesActivity>(registry, Topics.valueSubject(Topics.SALES),
                SalesActivity.getClassSchema()).serialize(Samples.handoffRejected());

        assertThatThrownBy(() -> new AvroWireDeserializer<>(registry, ClickEvent.class).deserialize(sales))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("dev.leadflow.avro.ClickEvent");
    }

    @Test
    void aWriterSchemaThatCannotBeResolvedIsAWireFormatErrorNamingTheField() throws IOException {
        // The subject accepts anything (compatibility NONE), so a producer could register this.
        clickSerializer().schemaId();
        MockSchemaRegistryClient.forScope(scope).setCompatibility(CLICKS, MockSchemaRegistryClient.Compatibility.NONE);
        Schema broken = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"ClickEvent\","
                + "\"namespace\":\"dev.leadflow.avro\",\"fields\":[{\"name\":\"event_id\",\"type\":\"long\"}]}");
        int id = registry.register(CLICKS, broken);
        GenericRecord datum = new GenericData.Record(broken);
        datum.put("event_id", 42L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, id);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(broken).write(datum, encoder);
        encoder.flush();
        AvroWireDeserializer<ClickEvent> deserializer = new AvroWireDeserializer<>(registry, ClickEvent.class);

        for (int i = 0; i < 2; i++) { // the verdict is cached per id and given every time
            assertThatThrownBy(() -> deserializer.deserialize(out.toByteArray()))
                    .isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("writer schema id " + id)
                    .hasMessageContaining("cannot be read as dev.leadflow.avro.ClickEvent")
                    .hasMessageContaining("event_id");
        }
    }

    @Test
    void unknownSchemaIdIsARegistryNotFoundToDeadLetter() {
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                () -> new AvroWireDeserializer<>(registry, ClickEvent.class).deserialize(message(999, "00")));

        assertThat(e.isSchemaNotFound()).isTrue();
        assertThat(e.isRetriable()).isFalse();
    }

    @Test
    void unreachableRegistryIsRetriableNotADeadLetter() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AvroWireDeserializer<ClickEvent> deserializer =
                new AvroWireDeserializer<>(RegistryConfig.of("http://127.0.0.1:" + closedPort), ClickEvent.class);

        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                () -> deserializer.deserialize(message(1, "00")));

        assertThat(e.isRetriable()).isTrue();
        assertThat(e.isSchemaNotFound()).isFalse();
        assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
    }

    private AvroWireSerializer<ClickEvent> clickSerializer() {
        return new AvroWireSerializer<>(registry, CLICKS, ClickEvent.getClassSchema());
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> T roundTrip(String topic, T record) {
        Schema schema = record.getSchema();
        byte[] bytes = new AvroWireSerializer<T>(registry, Topics.valueSubject(topic), schema).serialize(record);
        return new AvroWireDeserializer<>(registry, (Class<T>) record.getClass()).deserialize(bytes);
    }

    private <T extends SpecificRecord> void assertRoundTrip(String topic, T record) {
        assertThat(roundTrip(topic, record)).isEqualTo(record);
    }

    private static byte[] message(int schemaId, String payloadHex) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, schemaId);
        out.writeBytes(HexFormat.of().parseHex(payloadHex));
        return out.toByteArray();
    }

    private static byte[] writeGeneric(int schemaId, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, schemaId);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Counts the registry calls the codecs make. */
    private static final class CountingClient implements SchemaRegistryClient {
        private final SchemaRegistryClient delegate;
        final AtomicInteger registers = new AtomicInteger();
        final AtomicInteger getByIds = new AtomicInteger();

        CountingClient(SchemaRegistryClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public int register(String subject, Schema schema) {
            registers.incrementAndGet();
            return delegate.register(subject, schema);
        }

        @Override
        public Schema getById(int id) {
            getByIds.incrementAndGet();
            return delegate.getById(id);
        }

        @Override
        public RegisteredSchema getLatest(String subject) {
            return delegate.getLatest(subject);
        }

        @Override
        public boolean isCompatible(String subject, Schema schema) {
            return delegate.isCompatible(subject, schema);
        }
    }
}
