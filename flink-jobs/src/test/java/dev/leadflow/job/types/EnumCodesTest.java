package dev.leadflow.job.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.scoring.FitGate;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.SalesType;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Enum constants in state are written by a fixed code: these are the codes of the first format
 * (ordinal + 1 of the constants as they were then declared), pinned here so that reordering,
 * renaming or inserting a constant cannot change what an old savepoint's byte means.
 */
class EnumCodesTest {

    private interface Writer<E> {
        void write(DataOutputSerializer out, E value) throws IOException;
    }

    private interface Reader<E> {
        E read(DataInputDeserializer in) throws IOException;
    }

    @Test
    void fitGateCodesAreFixed() throws IOException {
        assertCodes(EnumCodes::writeFitGate, EnumCodes::readFitGate, FitGate.values(), Map.of(
                FitGate.OK, 1, FitGate.STUDENT, 2, FitGate.COMPETITOR, 3, FitGate.FREE_MAIL_ONLY, 4));
    }

    @Test
    void salesTypeCodesAreFixed() throws IOException {
        Map<SalesType, Integer> codes = new LinkedHashMap<>();
        codes.put(SalesType.CALL, 1);
        codes.put(SalesType.EMAIL_SENT, 2);
        codes.put(SalesType.EMAIL_REPLY, 3);
        codes.put(SalesType.MEETING_BOOKED, 4);
        codes.put(SalesType.MEETING_HELD, 5);
        codes.put(SalesType.OWNER_ASSIGNED, 6);
        codes.put(SalesType.HANDOFF_ACCEPTED, 7);
        codes.put(SalesType.HANDOFF_REJECTED, 8);
        codes.put(SalesType.OPPORTUNITY_OPENED, 9);
        codes.put(SalesType.CLOSED_WON, 10);
        codes.put(SalesType.CLOSED_LOST, 11);
        codes.put(SalesType.DISQUALIFIED, 12);
        assertCodes(EnumCodes::writeSalesType, EnumCodes::readSalesType, SalesType.values(), codes);
    }

    @Test
    void sourceCodesAreFixed() throws IOException {
        assertCodes(EnumCodes::writeSource, EnumCodes::readSource, LeadEvent.Source.values(), Map.of(
                LeadEvent.Source.CLICKSTREAM, 1, LeadEvent.Source.CAMPAIGN, 2, LeadEvent.Source.SALES, 3,
                LeadEvent.Source.PRIVACY, 4));
    }

    @Test
    void anUnknownCodeNamesTheEnumAndTheCode() {
        assertThatThrownBy(() -> EnumCodes.readFitGate(new DataInputDeserializer(new byte[] {5})))
                .isInstanceOf(IOException.class).hasMessageContaining("FitGate code 5");
        assertThatThrownBy(() -> EnumCodes.readSalesType(new DataInputDeserializer(new byte[] {(byte) 200})))
                .isInstanceOf(IOException.class).hasMessageContaining("SalesType code 200");
        assertThatThrownBy(() -> EnumCodes.readSource(new DataInputDeserializer(new byte[] {9})))
                .isInstanceOf(IOException.class).hasMessageContaining("LeadEvent.Source code 9");
    }

    /** Every constant has its code (one byte), reads back as itself, and null is 0. */
    private static <E> void assertCodes(Writer<E> writer, Reader<E> reader, E[] constants, Map<E, Integer> codes)
            throws IOException {
        assertThat(codes.keySet()).as("every constant has a pinned code").containsExactlyInAnyOrder(constants);
        for (E e : Arrays.asList(constants)) {
            DataOutputSerializer out = new DataOutputSerializer(4);
            writer.write(out, e);
            assertThat(out.getCopyOfBuffer()).as("code of %s", e).containsExactly(codes.get(e).byteValue());
            assertThat(reader.read(new DataInputDeserializer(out.getCopyOfBuffer()))).isEqualTo(e);
        }
        DataOutputSerializer out = new DataOutputSerializer(4);
        writer.write(out, null);
        assertThat(out.getCopyOfBuffer()).containsExactly((byte) 0);
        assertThat(reader.read(new DataInputDeserializer(out.getCopyOfBuffer()))).isNull();
    }
}
