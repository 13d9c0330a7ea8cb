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
    private final Counter breaches;
    private final Counter escalations;
    private final Counter claimsAgainstTarget;
    private final Histogram claimTargetRatio;
    private final Counter webhookDeliveries;

    ApiMetrics(HandoffQueue queue) {
        this(queue, QueuePolicies.defaults(), new KnownQueues(queue));
    }

    /** {@code known}: the queues whose depth and oldest wait are shown (the overflow queues too). */
    ApiMetrics(HandoffQueue queue, QueuePolicies policies, KnownQueues known) {
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
        breaches = Counter.builder().name("leadflow_api_sla_breaches_total")
                .help("Leads that passed their response target unclaimed, by queue and kind of lead (each breach is"
                        + " counted once, by the API instance that escalated it: aggregate with sum)")
                .labelNames("queue", "kind").withoutExemplars().register(registry);
        escalations = Counter.builder().name("leadflow_api_sla_escalations_total")
                .help("Escalation steps taken, by queue and step (1 is the breach itself); sum over instances")
                .labelNames("queue", "step").withoutExemplars().register(registry);
        claimsAgainstTarget = Counter.builder().name("leadflow_api_sla_claims_total")
                .help("Claims of leads that had a response target, by queue, kind and result (met: claimed by the"
                        + " target; missed: after it)")
                .labelNames("queue", "kind", "result").withoutExemplars().register(registry);
        claimTargetRatio = Histogram.builder().name("leadflow_api_sla_time_to_claim_ratio")
                .help("Time from enqueue to claim as a fraction of the lead's response target (on the queue's clock:"
                        + " business hours where configured); above 1 is a missed target")
                .labelNames("queue")
                .classicOnly().classicUpperBounds(.1, .25, .5, .75, 1, 1.5, 2, 4, 10)
                .withoutExemplars().register(registry);
        webhookDeliveries = Counter.builder().name("leadflow_api_webhook_deliveries_total")
                .help("Webhook delivery attempts by queue and result: delivered, failed (will be retried), dropped"
                        + " (failed for the last allowed time)")
                .labelNames("queue", "result").withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("leadflow_api_sla_target_seconds")
                .help("Configured response target by queue and kind of lead (on the queue's clock)")
                .labelNames("queue", "kind")
                .callback(cb -> policies.byQueue().forEach((q, p) -> p.kinds().forEach(
                        k -> cb.call(k.target().toMillis() / 1000.0, q, k.name()))))
                .register(registry);
        GaugeWithCallback.builder().name("leadflow_api_queue_depth").help("Ready leads per queue")
                .labelNames("queue")
                .callback(cb -> eachQueue(known, q -> cb.call(queue.depth(q), q)))
                .register(registry);
        GaugeWithCallback.builder().name("leadflow_api_queue_oldest_wait_seconds")
                .help("How long the longest-waiting ready lead of each queue has waited")
                .labelNames("queue")
                .callback(cb -> eachQueue(known, q -> queue.oldestEnqueuedAt(q).ifPresent(
                        at -> cb.call(Math.max(0, System.currentTimeMillis() - at) / 1000.0, q))))
                .register(registry);
    }

    void claimed(String queue, long waitedMillis) {
        claims.labelValues(queue).inc();
        if (waitedMillis >= 0) {
            timeToClaim.observe(waitedMillis / 1000.0);
        }
    }

    void breached(String queue, String kind) {
        breaches.labelValues(queue, kind == null ? "" : kind).inc();
    }

    void escalated(String queue, int step) {
        escalations.labelValues(queue, Integer.toString(step)).inc();
    }

    /** A claim of a lead that had a target; {@code ratio} is time to claim over the target. */
    void claimedAgainstTarget(String queue, String kind, double ratio) {
        claimsAgainstTarget.labelValues(queue, kind == null ? "" : kind, ratio <= 1 ? "met" : "missed").inc();
        claimTargetRatio.labelValues(queue).observe(ratio);
    }

    void webhook(String queue, String result) {
        webhookDeliveries.labelValues(queue, result).inc();
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
    private static void eachQueue(KnownQueues known, java.util.function.Consumer<String> action) {
        try {
            known.refresh().stream().sorted().forEach(action);
        } catch (JedisException e) {
            LOG.warn("queue gauges skipped, Redis unavailable: {}", e.toString());
        }
    }
}
