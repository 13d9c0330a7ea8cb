package dev.leadflow.launcher.backtest;

import dev.leadflow.job.HandoffCommand;
import dev.leadflow.scoring.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * A lead handed off in the replay: its first ENQUEUE (queue, grade and readiness then, and the top
 * reasons sellers would have read).
 */
public record Handoff(String leadId, String queue, String grade, int readiness, long enqueuedAt, List<String> reasons) {

    /** How many reasons a handoff keeps for the report. */
    static final int TOP_REASONS = 3;

    /** The ENQUEUE among the audited actions, else null. */
    static Handoff ofEnqueue(HandoffCommand c) {
        if (c.action != HandoffCommand.Action.ENQUEUE || c.rebuild) {
            return null;
        }
        List<String> reasons = new ArrayList<>();
        for (Reason r : c.reasons) {
            if (reasons.size() == TOP_REASONS) {
                break;
            }
            reasons.add(r.detail != null ? r.detail : r.signal + " " + r.points);
        }
        return new Handoff(c.leadId, c.queue, c.grade, c.readiness, c.enqueuedAt, List.copyOf(reasons));
    }
}
