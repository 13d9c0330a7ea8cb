package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.scoring.ScoringModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
        JobSettings s = new JobSettings();
        s.registryUrl = "mock://uid-test";
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LeadFlowJob.configure(env, s);
        LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s), LeadFlowJob.kafkaOutputs(s),
                ScoringModel.defaults(), s);
        StreamGraph graph = env.getStreamGraph();

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
        assertThat(uids).contains(LeadFlowPipeline.Uids.STITCHING, LeadFlowPipeline.Uids.SCORING,
                LeadFlowPipeline.Uids.PRIORITIZER, LeadFlowPipeline.Uids.SINK_QUEUE);
    }
}
