package dev.leadflow.job;

import dev.leadflow.job.account.AccountPrioritizer;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.job.control.Control;
import dev.leadflow.job.control.LiveModel;
import dev.leadflow.job.scoring.LeadScoringFunction;
import dev.leadflow.job.scoring.LeadUpdate;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.model.ScoringModel;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/** What the broadcast operator harnesses do not offer themselves. */
public final class Harnesses {

    private Harnesses() {}

    /** Lead scoring, keyed by lead id, opened; like the job, its control input never holds back event time. */
    public static KeyedBroadcastOperatorTestHarness<String, LeadEvent, Control, LeadUpdate> scoring(ScoringModel model)
            throws Exception {
        return opened(new LeadScoringFunction(model), e -> e.leadId);
    }

    /** The account prioritizer, keyed by account, opened; its control input never holds back event time. */
    public static KeyedBroadcastOperatorTestHarness<String, LeadUpdate, Control, HandoffCommand> accounts(ScoringModel model)
            throws Exception {
        return opened(new AccountPrioritizer(model), u -> u.accountKey);
    }

    private static <IN, OUT> KeyedBroadcastOperatorTestHarness<String, IN, Control, OUT> opened(
            KeyedBroadcastProcessFunction<String, IN, Control, OUT> function, KeySelector<IN, String> key) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, IN, Control, OUT> harness =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(function, key, Types.STRING, LiveModel.STATE);
        harness.processBroadcastWatermark(new Watermark(Long.MAX_VALUE));
        return harness;
    }

    /** Keyed state entries of the harness's operator, over all keys and states (heap backend). */
    public static int keyedStateEntries(AbstractStreamOperatorTestHarness<?> harness) {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    /**
     * A new harness of {@code function} (keyed by a string, with the control broadcast state) restored
     * from {@code snapshot} and opened; like the job, its control input never holds back event time.
     */
    public static <IN, OUT> KeyedBroadcastOperatorTestHarness<String, IN, Control, OUT> restored(
            KeyedBroadcastProcessFunction<String, IN, Control, OUT> function, KeySelector<IN, String> key,
            OperatorSubtaskState snapshot) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, IN, Control, OUT> harness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(function, List.of(LiveModel.STATE)), key, Types.STRING, 1, 1, 0);
        harness.initializeState(snapshot);
        harness.open();
        harness.processBroadcastWatermark(new Watermark(Long.MAX_VALUE));
        return harness;
    }
}
