package dev.leadflow.collector;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The collector's Prometheus metrics, in a registry of its own (several collectors can share a JVM, as
 * tests and the demo do), served as Prometheus text on {@code GET /metrics}.
 */
final class CollectorMetrics {

    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final io.prometheus.metrics.model.registry.PrometheusRegistry registry =
            new io.prometheus.metrics.model.registry.PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Histogram requestDuration;
    private final Counter events;
    private final Counter rejections;
    private final Histogram kafkaAck;

    CollectorMetrics() {
        requests = Counter.builder().name("leadflow_collector_requests_total")
                .help("HTTP requests by route and status").labelNames("route", "status")
                .withoutExemplars().register(registry);
        requestDuration = Histogram.builder().name("leadflow_collector_request_duration_seconds")
                .help("HTTP request latency by route, including the wait for Kafka's acknowledgement")
                .labelNames("route")
                .classicOnly().classicUpperBounds(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)
                .withoutExemplars().register(registry);
        events = Counter.builder().name("leadflow_collector_events_total")
                .help("Events acknowledged by Kafka, by what they were made from (page, track, identify, alias,"
                        + " campaign, sales_activity; group: accepted, not forwarded) and the write key's name")
                .labelNames("type", "key").withoutExemplars().register(registry);
        rejections = Counter.builder().name("leadflow_collector_rejections_total")
                .help("Requests refused, by reason (the error code of the answer)")
                .labelNames("reason").withoutExemplars().register(registry);
        kafkaAck = Histogram.builder().name("leadflow_collector_kafka_ack_seconds")
                .help("From handing a request's records to the producer to Kafka's acknowledgement of the last one")
                .classicOnly().classicUpperBounds(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)
                .withoutExemplars().register(registry);
    }

    void request(String route, int status, long nanos) {
        requests.labelValues(route, Integer.toString(status)).inc();
        requestDuration.labelValues(route).observe(nanos / 1e9);
    }

    void event(String type, String key) {
        events.labelValues(type, key).inc();
    }

    void rejected(String reason) {
        rejections.labelValues(reason).inc();
    }

    void kafkaAck(long nanos) {
        kafkaAck.observe(nanos / 1e9);
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
}
