package dev.leadflow.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why a seller turns a lead down. A fixed list so that sales ops can count reasons; {@link #OTHER}
 * needs the seller's own words, the others may carry them.
 */
public enum RejectReason {
    NOT_DECISION_MAKER("not-decision-maker", "Not a decision maker"),
    NO_BUDGET("no-budget", "No budget"),
    BAD_TIMING("bad-timing", "Bad timing"),
    ALREADY_CUSTOMER("already-customer", "Already a customer"),
    DUPLICATE("duplicate", "Duplicate lead"),
    BAD_DATA("bad-data", "Wrong or fake contact data"),
    OTHER("other", "Other (say why)");

    private final String code;
    private final String label;

    RejectReason(String code, String label) {
        this.code = code;
        this.label = label;
    }

    public String code() {
        return code;
    }

    public String label() {
        return label;
    }

    public boolean requiresNote() {
        return this == OTHER;
    }

    static Optional<RejectReason> byCode(String code) {
        return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst();
    }

    static String codes() {
        return String.join(", ", Arrays.stream(values()).map(RejectReason::code).toList());
    }

    /** The text recorded as the SalesActivity reason: the code, then the seller's note if any. */
    String describe(String note) {
        return note == null ? code : code + ": " + note;
    }
}
