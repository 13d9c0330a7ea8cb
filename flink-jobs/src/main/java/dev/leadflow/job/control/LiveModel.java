package dev.leadflow.job.control;

import dev.leadflow.job.JobMetrics;
import dev.leadflow.scoring.model.ScoringModel;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring model an operator instance scores with: the one the job started with until a model
 * document arrives on {@code leadflow.scoring-model}, then that one. The document is kept in
 * broadcast state, so a job restored from a checkpoint or savepoint scores with the model it had
 * applied, not the one on its command line. Not serializable: each operator instance builds its own.
 */
public final class LiveModel {

    private static final Logger LOG = LoggerFactory.getLogger(LiveModel.class);
    /** Broadcast state of every operator that scores: the model document in force. */
    public static final MapStateDescriptor<String, String> STATE =
            new MapStateDescriptor<>("scoring-model", Types.STRING, Types.STRING);
    private static final String DOCUMENT = "document";

    private final String operator;
    private ScoringModel current;
    private boolean restoreChecked;
    /** Where {@link JobMetrics#MODEL_IN_FORCE} goes; null: not reported (the prioritizer's copy). */
    private MetricGroup metrics;
    private final Set<String> reported = new HashSet<>();

    public LiveModel(ScoringModel initial, String operator) {
        this.current = initial;
        this.operator = operator;
    }

    public ScoringModel current() {
        return current;
    }

    /**
     * Reports the version in force as {@link JobMetrics#MODEL_IN_FORCE}{model_version=…}: 1 for it, 0
     * for the versions this instance scored with before (Flink cannot remove a single metric, and a
     * handful of past versions per run is what a dashboard may want to see anyway).
     */
    public void reportTo(MetricGroup group) {
        this.metrics = group;
        report(current.version());
    }

    private void report(String version) {
        if (metrics != null && reported.add(version)) {
            metrics.addGroup(JobMetrics.MODEL_VERSION, version)
                    .gauge(JobMetrics.MODEL_IN_FORCE, () -> current.version().equals(version) ? 1 : 0);
        }
    }

    /**
     * Once per instance, before its first use: takes the model a restored broadcast state holds.
     *
     * @return true if that replaced the model the instance started with
     */
    public boolean restore(ReadOnlyBroadcastState<String, String> state) throws Exception {
        if (restoreChecked) {
            return false;
        }
        restoreChecked = true;
        String document = state.get(DOCUMENT);
        return document != null && install(ScoringModel.fromYaml(document), "restored");
    }

    /**
     * Applies a validated model document and keeps it in broadcast state.
     *
     * @return true if it differs from the model in force
     */
    public boolean apply(Control model, BroadcastState<String, String> state) throws Exception {
        restore(state);
        ScoringModel next = ScoringModel.fromYaml(model.text); // validated by the deserializer
        state.put(DOCUMENT, model.text);
        return install(next, "applied");
    }

    private boolean install(ScoringModel next, String how) {
        if (next.fingerprint() == current.fingerprint() && next.version().equals(current.version())) {
            return false;
        }
        LOG.info("{}: scoring model {} {} (was {})", operator, next.version(), how, current.version());
        current = next;
        report(next.version());
        return true;
    }
}
