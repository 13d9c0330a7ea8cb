package dev.leadflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.avro.SalesActivity;
import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

class BoundedBinaryDecoderTest {

    @Test
    void contractSchemasHaveOnlySizedArrayItems() {
        for (Schema schema : List.of(ClickEvent.getClassSchema(), CampaignEngagement.getClassSchema(),
                SalesActivity.getClassSchema(), LeadHandoff.getClassSchema())) {
            assertThat(BoundedBinaryDecoder.arrayItemsTakeBytes(schema)).as(schema.getName()).isTrue();
        }
    }

    @Test
    void arraysOfItemsThatCanBeEmptyAreDetected() {
        Schema empty = SchemaBuilder.record("Empty").fields().endRecord();
        Schema nested = SchemaBuilder.record("Outer").fields()
                .name("m").type().map().values().array().items().nullType().noDefault()
                .endRecord();

        assertThat(BoundedBinaryDecoder.arrayItemsTakeBytes(SchemaBuilder.array().items().nullType())).isFalse();
        assertThat(BoundedBinaryDecoder.arrayItemsTakeBytes(SchemaBuilder.array().items(empty))).isFalse();
        assertThat(BoundedBinaryDecoder.arrayItemsTakeBytes(SchemaBuilder.array().items().fixed("F").size(0))).isFalse();
        assertThat(BoundedBinaryDecoder.arrayItemsTakeBytes(nested)).isFalse();
        assertThat(BoundedBinaryDecoder.arrayItemsTakeBytes(SchemaBuilder.array().items().intType())).isTrue();
        assertThat(BoundedBinaryDecoder.arrayItemsTakeBytes(SchemaBuilder.array().items().nullable().intType())).isTrue();
    }

    @Test
    void manyZeroByteItemsStillDecodeWhenArrayCountsAreUnbounded() throws IOException {
        Schema nulls = SchemaBuilder.array().items().nullType();
        // one block of 10 nulls (zigzag 20 = 0x14), then the end of the array: 2 bytes for 10 items
        assertThat((List<?>) read(nulls, "1400", false)).hasSize(10);
        assertThatThrownBy(() -> read(nulls, "1400", true)).isInstanceOf(EOFException.class);
    }

    @Test
    void stringLengthsBeyondTheDataAreRefusedBeforeAllocating() {
        assertThatThrownBy(() -> read(Schema.create(Schema.Type.STRING), "8080808008" + "41", true))
                .isInstanceOf(EOFException.class).hasMessageContaining("1073741824");
        assertThatThrownBy(() -> read(Schema.create(Schema.Type.BYTES), "0a" + "41", true))
                .isInstanceOf(EOFException.class).hasMessageContaining("length 5 exceeds the 1 bytes left");
    }

    private static Object read(Schema schema, String hex, boolean boundArrayCounts) throws IOException {
        byte[] bytes = HexFormat.of().parseHex(hex);
        BoundedBinaryDecoder decoder = new BoundedBinaryDecoder();
        decoder.reset(DecoderFactory.get().binaryDecoder(bytes, null), boundArrayCounts);
        return new GenericDatumReader<>(schema).read(null, decoder);
    }
}
