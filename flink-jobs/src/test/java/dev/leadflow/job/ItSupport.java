package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.embedded.kafka.KafkaBroker;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The MiniCluster and job plumbing the integration tests of this module share (public for the
 * launcher's QueueOracleIT, through the test-jar).
 */
public final class ItSupport {

    private ItSupport() {}

    /**
     * Filesystem checkpoint storage in a folder of the build's temp dir: the MiniCluster's in-memory
     * default stalled for seconds under load on a 2-core machine.
     */
    public static Configuration clusterConfig(String checkpointDirName) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Path.of(System.getProperty("java.io.tmpdir"), checkpointDirName).toUri().toString());
        return conf;
    }

    /**
     * Checks, through the cluster's REST API, which state backend a running job was built with
     * ({@code /jobs/{id}/checkpoints/config}, field {@code state_backend}: the backend the
     * JobManager loaded from the job's configuration, as its tasks do).
     */
    public static void assertStateBackend(MiniClusterExtension cluster, JobID job,
            JobSettings.StateBackend expected) throws Exception {
        Configuration client = cluster.getClientConfiguration();
        URI uri = URI.create("http://" + client.get(RestOptions.ADDRESS) + ":"
                + client.get(RestOptions.PORT) + "/jobs/" + job + "/checkpoints/config");
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        String backend = new ObjectMapper().readTree(response.body()).path("state_backend").asText();
        assertThat(backend).as("state backend of job %s (%s)", job, response.body())
                .isEqualTo(expected == JobSettings.StateBackend.ROCKSDB ? "EmbeddedRocksDBStateBackend" : "HashMapStateBackend");
    }

    /** Restarts quickly and often: a test asserts on the restart count rather than see the job fail. */
    public static Configuration restartingOften(Configuration conf) {
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return conf;
    }

    /** One TaskManager with {@code slots} slots. */
    public static MiniClusterExtension cluster(int slots, Configuration conf) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .setConfiguration(conf)
                .build());
    }

    /** The job on the test's broker, registry and Redis: checkpoints every 500 ms, watermarks from events only. */
    public static JobSettings settings(KafkaBroker kafka, String registryUrl, String redisUri, String group, int parallelism) {
        JobSettings s = new JobSettings();
        s.bootstrapServers = kafka.bootstrapServers();
        s.groupId = group;
        s.registryUrl = registryUrl;
        s.redisUri = redisUri;
        s.checkpointInterval = Duration.ofMillis(500);
        s.idleAfter = Duration.ofHours(1);
        s.parallelism = parallelism;
        s.validate();
        return s;
    }

    /** Starts the production topology with Kafka sources and sinks and the default model. */
    public static JobClient start(JobSettings s, String jobName) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LeadFlowJob.configure(env, s);
        LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s), LeadFlowJob.kafkaOutputs(s),
                ScoringModel.defaults(), s);
        return env.executeAsync(jobName);
    }

    /** Waits until {@code group} has committed the end offset of every partition of {@code topics}. */
    public static void awaitConsumed(KafkaBroker kafka, String group, List<String> topics, int partitions, Duration timeout) {
        try (Admin admin = kafka.admin()) {
            Await.until(timeout, "every input record consumed by " + group, () -> {
                try {
                    Map<TopicPartition, OffsetAndMetadata> committed =
                            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    for (String t : topics) {
                        for (int p = 0; p < partitions; p++) {
                            latest.put(new TopicPartition(t, p), OffsetSpec.latest());
                        }
                    }
                    // an empty partition has nothing to consume (and no committed offset)
                    return admin.listOffsets(latest).all().get().entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                            || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset());
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }
}
