package dev.leadflow.api;

import dev.leadflow.queue.HandoffQueue;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The service's Prometheus metrics, in a registry of its own (so several instances can share a JVM, as
 * the demo and the tests do). Queue depth and oldest wait are read from Redis at scrape time.
 */
final class ApiMetrics {

    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final Logger LOG = LoggerFactory.getLogger(ApiMetrics.class);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter claims;
    private final Counter outcomes;
    private final Counter leaseExpiries;
    private final Histogram timeToClaim;
    private final Histogram requestDuration;

    ApiMetrics(HandoffQueue queue) {
        claims = Counter.builder().name("leadflow_api_claims_total")
                .help("Leads claimed, by queue").labelNames("queue").withoutExemplars().register(registry);
        outcomes = Counter.builder().name("leadflow_api_outcomes_total")
                .help("Claims settled by sellers, by queue and outcome (accepted, rejected, released)")
                .labelNames("queue", "outcome").withoutExemplars().register(registry);
        leaseExpiries = Counter.builder().name("leadflow_api_lease_expiries_total")
                .help("Leases that lapsed and returned their lead to the queue, by queue (each API instance"
                        + " counts every expiry of the queue: aggregate with max, not sum)")
                .labelNames("queue").withoutExemplars().register(registry);
        timeToClaim = Histogram.builder().name("leadflow_api_time_to_claim_seconds")
                .help("From a handoff's enqueue to its claim")
                .classicOnly().classicUpperBounds(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400)
                .withoutExemplars().register(registry);
        requestDuration = Histogram.builder().name("leadflow_api_http_request_duration_seconds")
                .help("HTTP request latency by route template, method and status (event streams: until the stream"
                        + " is open)")
                .labelNames("route", "method", "status")
                .classicOnly().classicUpperBounds(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)
                .withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("leadflow_api_queue_depth").help("Ready leads per queue")
                .labelNames("queue")
                .callback(cb -> eachQueue(queue, q -> cb.call(queue.depth(q), q)))
                .register(registry);
        GaugeWithCallback.builder().name("leadflow_api_queue_oldest_wait_seconds")
                .help("How long the longest-waiting ready lead of each queue has waited")
                .labelNames("queue")
                .callback(cb -> eachQueue(queue, q -> queue.oldestEnqueuedAt(q).ifPresent(
                        at -> cb.call(Math.max(0, System.currentTimeMillis() - at) / 1000.0, q))))
                .register(registry);
    }

    void claimed(String queue, long waitedMillis) {
        claims.labelValues(queue).inc();
        if (waitedMillis >= 0) {
            timeToClaim.observe(waitedMillis / 1000.0);
        }
    }

    void settled(String queue, String outcome) {
        outcomes.labelValues(queue, outcome).inc();
    }

    void leasesExpired(String queue, int count) {
        leaseExpiries.labelValues(queue).inc(count);
    }

    void request(String route, String method, int status, long nanos) {
        requestDuration.labelValues(route, method, Integer.toString(status)).observe(nanos / 1e9);
    }

    String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            writer.write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A scrape while Redis is away still shows the service's own counters. */
    private static void eachQueue(HandoffQueue queue, java.util.function.Consumer<String> action) {
        try {
            queue.queues().stream().sorted().forEach(action);
        } catch (JedisException e) {
            LOG.warn("queue gauges skipped, Redis unavailable: {}", e.toString());
        }
    }
}
