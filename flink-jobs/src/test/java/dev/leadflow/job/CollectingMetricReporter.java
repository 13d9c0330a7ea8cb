package dev.leadflow.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;

/**
 * A metric reporter for tests: remembers every metric the job registers, with its variables
 * (labels), so a test can read the job's own counters and histograms as a Prometheus scrape would.
 */
public final class CollectingMetricReporter implements MetricReporter {

    /** One registered metric with its name and variables. */
    public record Registered(String name, Map<String, String> variables, Metric metric) {}

    private static final List<Registered> METRICS = new CopyOnWriteArrayList<>();

    /** Adds this reporter to {@code conf}; returns it. */
    public static Configuration configure(Configuration conf) {
        conf.setString("metrics.reporter.collect.factory.class", Factory.class.getName());
        return conf;
    }

    /**
     * A metric group of Flink's own (a TaskManager's, on a registry without a cluster) whose metrics this
     * reporter collects, for code that takes a {@link MetricGroup} and is tested alone; its metrics carry
     * the variable {@code tm_id} = {@code id}, so a test can tell its metrics from others'.
     */
    public static MetricGroup group(String id) {
        CollectingMetricReporter reporter = new CollectingMetricReporter();
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer(reporter::notifyOfAddedMetric).build();
        return TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "localhost", new ResourceID(id));
    }

    /** Sum of every counter of that name whose variables include {@code labels}. */
    public static long counter(String name, Map<String, String> labels) {
        long sum = 0;
        for (Registered r : find(name, labels)) {
            sum += ((Counter) r.metric()).getCount();
        }
        return sum;
    }

    /**
     * The value of the newest gauge of that name whose variables include {@code labels}, e.g.
     * Flink's {@code numRestarts} for {@code Map.of("job_id", jobId)}; null if none is registered.
     */
    public static Object gauge(String name, Map<String, String> labels) {
        List<Registered> found = find(name, labels);
        return found.isEmpty() ? null : ((Gauge<?>) found.get(found.size() - 1).metric()).getValue();
    }

    public static long histogramCount(String name) {
        long n = 0;
        for (Registered r : find(name, Map.of())) {
            n += ((Histogram) r.metric()).getCount();
        }
        return n;
    }

    public static List<Registered> find(String name, Map<String, String> labels) {
        List<Registered> out = new ArrayList<>();
        for (Registered r : METRICS) {
            if (r.name().equals(name) && labels.entrySet().stream()
                    .allMatch(l -> l.getValue().equals(r.variables().get("<" + l.getKey() + ">")))) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        METRICS.add(new Registered(metricName, Map.copyOf(group.getAllVariables()), metric));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        // keep it: tests read the final values after the job is cancelled
    }

    /** Referenced by class name in the cluster configuration. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new CollectingMetricReporter();
        }
    }
}
