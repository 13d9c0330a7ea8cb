package dev.leadflow.launcher.backtest;

import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.scoring.Reason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A lead handed off in the replay: its first ENQUEUE (queue, grade and readiness then, the top reasons sellers
 * would have read, and every signal behind it, for {@link SignalAnalysis}).
 */
public record Handoff(String leadId, String queue, String grade, int readiness, long enqueuedAt, List<String> reasons,
        Set<String> signals) {

    /** How many reasons a handoff keeps for the report. */
    static final int TOP_REASONS = 3;

    /** The ENQUEUE among the audited actions, else null. */
    static Handoff ofEnqueue(HandoffCommand c) {
        if (c.action != HandoffCommand.Action.ENQUEUE || c.rebuild) {
            return null;
        }
        List<String> reasons = new ArrayList<>();
        Set<String> signals = new TreeSet<>();
        for (Reason r : c.reasons) {
            if (reasons.size() < TOP_REASONS) {
                reasons.add(r.detail != null ? r.detail : r.signal + " " + r.points);
            }
            if (r.signal != null && r.points != 0) {
                signals.add(r.signal);
            }
        }
        return new Handoff(c.leadId, c.queue, c.grade, c.readiness, c.enqueuedAt, List.copyOf(reasons),
                Collections.unmodifiableSet(signals));
    }
}
