package dev.leadflow.job;

import dev.leadflow.scoring.model.ScoringModel;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/** The production job's graph (Kafka sources and sinks as {@code main} builds them), for tests that inspect it. */
final class ProductionGraph {

    private ProductionGraph() {}

    static StreamGraph build() {
        JobSettings s = new JobSettings();
        s.registryUrl = "mock://graph-test";
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LeadFlowJob.configure(env, s);
        LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s), LeadFlowJob.kafkaOutputs(s),
                ScoringModel.defaults(), s);
        return env.getStreamGraph();
    }
}
