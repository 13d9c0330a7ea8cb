package dev.leadflow.scoring;

import java.util.HashMap;
import java.util.Map;

/** The sales-activity types of the {@code SalesActivity} record; events carry them as {@code sales:<TYPE>}. */
public enum SalesType {
    CALL,
    EMAIL_SENT,
    EMAIL_REPLY,
    MEETING_BOOKED,
    MEETING_HELD,
    OWNER_ASSIGNED,
    HANDOFF_ACCEPTED,
    HANDOFF_REJECTED,
    OPPORTUNITY_OPENED,
    CLOSED_WON,
    CLOSED_LOST,
    DISQUALIFIED;

    /** Signal key prefix of sales events. */
    public static final String PREFIX = "sales:";

    private static final Map<String, SalesType> BY_SIGNAL = new HashMap<>();

    static {
        for (SalesType t : values()) {
            BY_SIGNAL.put(PREFIX + t.name(), t);
        }
    }

    /** The type of a {@code sales:<TYPE>} signal, or null for anything else (e.g. a newer enum symbol). */
    public static SalesType ofSignal(String signal) {
        return signal == null ? null : BY_SIGNAL.get(signal);
    }

    public String signal() {
        return PREFIX + name();
    }
}
