package dev.leadflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact bytes we put on Kafka. The expected payload is written out by hand from the
 * Avro binary spec, so any change to the header, the field order or the encoding breaks this
 * test, as it would break every Confluent consumer of our topics.
 */
class WireFormatTest {

    /**
     * ClickEvent payload, field by field (ints and longs are zigzag varints, strings are a
     * varint length then UTF-8, unions a varint branch index, maps blocks of entries ending in 0).
     */
    private static final String CLICK_PAYLOAD = ""
            + "046531"              // event_id "e1": length 2 -> zigzag 4
            + "80a0abfef962"        // occurred_at 1700000000000 -> zigzag 3400000000000, 7 bits per byte, low first
            + "046131"              // anonymous_id "a1"
            + "02" + "044c31"       // lead_id: union branch 1 (string), "L1"
            + "04"                  // type TRACK: enum index 2
            + "0e70726963696e67"    // name "pricing": length 7 -> 14
            + "00"                  // url: union branch 0 (null)
            + "02" + "026b" + "0276" + "00" // properties: block of 1 entry "k" -> "v", then end of map
            + "00";                 // traits: empty map

    private final String scope = "wire-" + UUID.randomUUID();

    @AfterEach
    void dropScope() {
        SchemaRegistryClient.dropMockScope(scope);
    }

    @Test
    void clickEventBytesAreExactlyTheConfluentLayout() {
        SchemaRegistryClient registry = SchemaRegistryClient.create(RegistryConfig.of("mock://" + scope));
        AvroWireSerializer<ClickEvent> serializer =
                new AvroWireSerializer<>(registry, Topics.valueSubject(Topics.CLICKSTREAM), ClickEvent.getClassSchema());

        byte[] bytes = serializer.serialize(fixedClick());

        // magic byte 0, schema id 1 as a 4-byte big-endian int (the mock's first id), then Avro
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("00" + "00000001" + CLICK_PAYLOAD);
    }

    @Test
    void idAssignedByARealRegistryGoesIntoTheHeader() throws Exception {
        try (FakeRegistryServer server = new FakeRegistryServer()) {
            server.stub("POST", "/subjects/leadflow.clickstream-value/versions", 200, "{\"id\":42}");
            AvroWireSerializer<ClickEvent> serializer = new AvroWireSerializer<>(
                    RegistryConfig.of(server.url()), Topics.valueSubject(Topics.CLICKSTREAM), ClickEvent.getClassSchema());

            byte[] bytes = serializer.serialize(fixedClick());

            assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("00" + "0000002a" + CLICK_PAYLOAD);
        }
    }

    @Test
    void schemaIdIsReadBigEndian() {
        assertThat(WireFormat.schemaId(HexFormat.of().parseHex("0001020304ff"))).isEqualTo(0x01020304);
        assertThat(WireFormat.schemaId(HexFormat.of().parseHex("007fffffff"))).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void writeHeaderIsTheInverseOfSchemaId() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, 100_000);
        assertThat(HexFormat.of().formatHex(out.toByteArray())).isEqualTo("00000186a0");
        assertThat(WireFormat.schemaId(out.toByteArray())).isEqualTo(100_000);
    }

    @Test
    void badHeadersAreRejectedWithAReason() {
        assertThatThrownBy(() -> WireFormat.schemaId(null))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[0]))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> WireFormat.schemaId("{\"event_id\":1}".getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("magic byte 0x7b").hasMessageContaining("JSON");
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0, 1}))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("3 bytes");
    }

    private static ClickEvent fixedClick() {
        return ClickEvent.newBuilder()
                .setEventId("e1")
                .setOccurredAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setAnonymousId("a1")
                .setLeadId("L1")
                .setType(ClickType.TRACK)
                .setName("pricing")
                .setProperties(Map.of("k", "v"))
                .build();
    }
}
