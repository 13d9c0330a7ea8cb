package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid: an operator without one gets a generated id that
 * changes with the topology, and its state would be lost on the next release. This fails the
 * build if any operator of the production topology lacks a uid or two share one.
 */
class OperatorUidTest {

    @Test
    void everyOperatorHasAStableUniqueUid() {
        StreamGraph graph = ProductionGraph.build();

        List<String> missing = new ArrayList<>();
        List<String> uids = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            String uid = node.getTransformationUID();
            if (uid == null || uid.isBlank()) {
                missing.add(node.getOperatorName());
            } else {
                uids.add(uid);
            }
        }
        assertThat(missing).as("operators without a uid").isEmpty();
        assertThat(uids).doesNotHaveDuplicates();
        // The values, not only the constants: renaming a uid (even through its constant) orphans its
        // state in every savepoint taken before; UpgradeFromSavepointIT shows the restore is refused.
        assertThat(uids).as("operator uids are part of the savepoint format; never change one")
                .containsExactlyInAnyOrder(
                        "source-clickstream", "decode-split",
                        "source-campaign-engagement", "decode-split-campaign-engagement",
                        "source-sales-activity", "decode-split-sales-activity",
                        "source-control", "control-watermarks", "split-control",
                        "identity-stitching", "lead-scoring", "account-prioritizer", "audit-filter",
                        "sink-redis-queue", "sink-handoff-audit", "Sink Committer: sink-handoff-audit",
                        "sink-dlq", "Sink Committer: sink-dlq");
    }

    /**
     * Every keyed operator is one that SavepointState can read, so that a test reading a savepoint
     * (upgrade, erasure) sees every key the job keeps; a new keyed operator must be added there.
     */
    @Test
    void everyKeyedOperatorIsReadableFromSavepoints() {
        List<String> keyed = new ArrayList<>();
        for (StreamNode node : ProductionGraph.build().getStreamNodes()) {
            if (node.getStateKeySerializer() != null) {
                keyed.add(node.getTransformationUID());
            }
        }
        assertThat(keyed).containsExactlyInAnyOrderElementsOf(SavepointState.OPERATORS.keySet());
    }
}
