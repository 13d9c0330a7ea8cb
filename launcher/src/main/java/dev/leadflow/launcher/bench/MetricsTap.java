package dev.leadflow.launcher.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter that hands the live metric objects of the in-JVM cluster to the benchmark, so
 * it reads the job's own counters ({@code leadflow_events_in}) and latency histogram directly,
 * without a scrape interval in between.
 */
public final class MetricsTap implements MetricReporter {

    /** One registered metric with its name and variables. */
    public record Registered(String name, Map<String, String> variables, Metric metric) {}

    private static final List<Registered> METRICS = new CopyOnWriteArrayList<>();

    /** Flink's job-level checkpoint gauges (JobManager side) the benchmark reports. */
    public static final String COMPLETED_CHECKPOINTS = "numberOfCompletedCheckpoints";
    public static final String CHECKPOINT_SIZE = "lastCheckpointSize";
    public static final String CHECKPOINT_FULL_SIZE = "lastCheckpointFullSize";
    public static final String CHECKPOINT_DURATION = "lastCheckpointDuration";
    private static final java.util.Set<String> FLINK_METRICS =
            java.util.Set.of(COMPLETED_CHECKPOINTS, CHECKPOINT_SIZE, CHECKPOINT_FULL_SIZE, CHECKPOINT_DURATION);

    /** Adds the reporter to a cluster configuration. */
    public static Configuration configure(Configuration conf) {
        conf.setString("metrics.reporter.leadflowtap.factory.class", Factory.class.getName());
        return conf;
    }

    public static List<Registered> of(JobID job, String name) {
        List<Registered> out = new ArrayList<>();
        String id = job.toString();
        for (Registered r : METRICS) {
            if (r.name().equals(name) && id.equals(r.variables().get("<job_id>"))) {
                out.add(r);
            }
        }
        return out;
    }

    /** Sum of the job's counters of that name. */
    public static long counter(JobID job, String name) {
        long sum = 0;
        for (Registered r : of(job, name)) {
            sum += ((Counter) r.metric()).getCount();
        }
        return sum;
    }

    public static List<Histogram> histograms(JobID job, String name) {
        List<Histogram> out = new ArrayList<>();
        for (Registered r : of(job, name)) {
            out.add((Histogram) r.metric());
        }
        return out;
    }

    /** The value of the job's numeric gauge of that name; 0 before it is registered. */
    public static long gauge(JobID job, String name) {
        long value = 0;
        for (Registered r : of(job, name)) {
            Object v = ((org.apache.flink.metrics.Gauge<?>) r.metric()).getValue();
            if (v instanceof Number n) {
                value = n.longValue();
            }
        }
        return value;
    }

    /** Forgets the metrics of a finished job. */
    public static void forget(JobID job) {
        String id = job.toString();
        METRICS.removeIf(r -> id.equals(r.variables().get("<job_id>")));
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        if (metricName.startsWith("leadflow_") || FLINK_METRICS.contains(metricName)) {
            METRICS.add(new Registered(metricName, Map.copyOf(group.getAllVariables()), metric));
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        // kept until forget(job): the benchmark reads final values after cancelling
    }

    /** Referenced by class name in the cluster configuration. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new MetricsTap();
        }
    }
}
