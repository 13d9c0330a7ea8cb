package dev.leadflow.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A Flink cluster inside this JVM (one TaskManager), with the REST API and web UI on a fixed port,
 * filesystem checkpoint storage (the in-memory default stalled for seconds under load) and the
 * heap state backend. Jobs are built on {@link #environment()} and submitted with
 * {@link #submit}; {@link #close()} cancels them and stops the cluster.
 */
public final class LocalFlink implements AutoCloseable {

    private final MiniCluster cluster;
    private final Configuration config;

    private LocalFlink(MiniCluster cluster, Configuration config) {
        this.cluster = cluster;
        this.config = config;
    }

    /**
     * @param slots         task slots (= the parallelism jobs may use)
     * @param webPort       port of the REST API and web UI; 0 for any free one
     * @param checkpointDir where checkpoints go
     * @param extra         further cluster configuration (metric reporters, ...), may be empty
     */
    public static LocalFlink start(int slots, int webPort, Path checkpointDir, Configuration extra) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, webPort);
        conf.set(RestOptions.BIND_PORT, Integer.toString(webPort));
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.addAll(extra);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        try {
            cluster.start();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new LocalFlink(cluster, conf);
    }

    /** An environment to define a job on (it is submitted here, never executed by itself). */
    public StreamExecutionEnvironment environment() {
        return StreamExecutionEnvironment.getExecutionEnvironment(new Configuration(config));
    }

    public JobID submit(StreamExecutionEnvironment env, String jobName) throws Exception {
        return submit(env, jobName, null);
    }

    /** Submits the job restored from a retained checkpoint or savepoint directory, when {@code restoreFrom} is not null. */
    public JobID submit(StreamExecutionEnvironment env, String jobName, Path restoreFrom) throws Exception {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(jobName);
        if (restoreFrom != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(restoreFrom.toUri().toString(), false));
        }
        return cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
    }

    public JobStatus status(JobID job) throws Exception {
        return cluster.getJobStatus(job).get(30, TimeUnit.SECONDS);
    }

    /** Waits until every task of the job runs (sources assigned their splits soon after). */
    public void awaitRunning(JobID job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobStatus s = status(job);
            if (s == JobStatus.RUNNING && allTasksRunning(job)) {
                return;
            }
            if (s.isTerminalState()) {
                throw new IllegalStateException("job " + job + " ended as " + s + " while starting: "
                        + cluster.requestJobResult(job).get().getSerializedThrowable()
                                .map(t -> t.getFullStringifiedStackTrace()).orElse("(no error)"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + job + " not running within " + timeout + " (" + s + ")");
            }
            Thread.sleep(100);
        }
    }

    private boolean allTasksRunning(JobID job) throws Exception {
        var details = cluster.getArchivedExecutionGraph(job).get(30, TimeUnit.SECONDS);
        for (var vertex : details.getAllExecutionVertices()) {
            if (vertex.getExecutionState() != org.apache.flink.runtime.execution.ExecutionState.RUNNING) {
                return false;
            }
        }
        return true;
    }

    /** The error a failed job ended with, or null. */
    public Throwable failure(JobID job) throws Exception {
        var result = cluster.requestJobResult(job).get(30, TimeUnit.SECONDS);
        return result.getSerializedThrowable().map(t -> t.deserializeError(getClass().getClassLoader())).orElse(null);
    }

    public void cancel(JobID job) throws Exception {
        if (!status(job).isGloballyTerminalState()) {
            cluster.cancelJob(job).get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!status(job).isGloballyTerminalState() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
    }

    /** The web UI and REST API. */
    public String webUrl() throws Exception {
        return cluster.getRestAddress().get(30, TimeUnit.SECONDS).toString();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
