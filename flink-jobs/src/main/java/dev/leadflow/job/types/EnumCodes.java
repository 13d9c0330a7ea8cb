package dev.leadflow.job.types;

import dev.leadflow.scoring.FitGate;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.SalesType;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The codes by which enum constants are written into state: one byte, 0 for null. A code is part of
 * the format and never changes or is reused; constants may be reordered or renamed freely. The
 * switches have no default, so a constant added to one of these enums does not compile until it has
 * a code here (the next free number). An unknown code when reading is an IOException naming the
 * enum. The codes of the constants that existed before codes were explicit equal their ordinal + 1,
 * which is what the first format wrote.
 */
final class EnumCodes {

    private EnumCodes() {}

    static void writeFitGate(DataOutputView out, FitGate g) throws IOException {
        out.writeByte(g == null ? 0 : switch (g) {
            case OK -> 1;
            case STUDENT -> 2;
            case COMPETITOR -> 3;
            case FREE_MAIL_ONLY -> 4;
        });
    }

    static FitGate readFitGate(DataInputView in) throws IOException {
        int code = in.readUnsignedByte();
        return switch (code) {
            case 0 -> null;
            case 1 -> FitGate.OK;
            case 2 -> FitGate.STUDENT;
            case 3 -> FitGate.COMPETITOR;
            case 4 -> FitGate.FREE_MAIL_ONLY;
            default -> throw unknown("FitGate", code);
        };
    }

    static void writeSalesType(DataOutputView out, SalesType t) throws IOException {
        out.writeByte(t == null ? 0 : switch (t) {
            case CALL -> 1;
            case EMAIL_SENT -> 2;
            case EMAIL_REPLY -> 3;
            case MEETING_BOOKED -> 4;
            case MEETING_HELD -> 5;
            case OWNER_ASSIGNED -> 6;
            case HANDOFF_ACCEPTED -> 7;
            case HANDOFF_REJECTED -> 8;
            case OPPORTUNITY_OPENED -> 9;
            case CLOSED_WON -> 10;
            case CLOSED_LOST -> 11;
            case DISQUALIFIED -> 12;
        });
    }

    static SalesType readSalesType(DataInputView in) throws IOException {
        int code = in.readUnsignedByte();
        return switch (code) {
            case 0 -> null;
            case 1 -> SalesType.CALL;
            case 2 -> SalesType.EMAIL_SENT;
            case 3 -> SalesType.EMAIL_REPLY;
            case 4 -> SalesType.MEETING_BOOKED;
            case 5 -> SalesType.MEETING_HELD;
            case 6 -> SalesType.OWNER_ASSIGNED;
            case 7 -> SalesType.HANDOFF_ACCEPTED;
            case 8 -> SalesType.HANDOFF_REJECTED;
            case 9 -> SalesType.OPPORTUNITY_OPENED;
            case 10 -> SalesType.CLOSED_WON;
            case 11 -> SalesType.CLOSED_LOST;
            case 12 -> SalesType.DISQUALIFIED;
            default -> throw unknown("SalesType", code);
        };
    }

    static void writeSource(DataOutputView out, LeadEvent.Source s) throws IOException {
        out.writeByte(s == null ? 0 : switch (s) {
            case CLICKSTREAM -> 1;
            case CAMPAIGN -> 2;
            case SALES -> 3;
            case PRIVACY -> 4;
        });
    }

    static LeadEvent.Source readSource(DataInputView in) throws IOException {
        int code = in.readUnsignedByte();
        return switch (code) {
            case 0 -> null;
            case 1 -> LeadEvent.Source.CLICKSTREAM;
            case 2 -> LeadEvent.Source.CAMPAIGN;
            case 3 -> LeadEvent.Source.SALES;
            case 4 -> LeadEvent.Source.PRIVACY;
            default -> throw unknown("LeadEvent.Source", code);
        };
    }

    private static IOException unknown(String type, int code) {
        return new IOException("unknown " + type + " code " + code + " in state (written by a newer release, or corrupt)");
    }
}
