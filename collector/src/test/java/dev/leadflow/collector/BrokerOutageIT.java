package dev.leadflow.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.ClickEvent;
import dev.leadflow.collector.Harness.Response;
import dev.leadflow.schemas.Topics;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * While Kafka is down the collector answers 503 with Retry-After and accepts nothing; once it is back,
 * every event the clients were told was accepted is in the topic, and their retries of the refused ones
 * land too. Nothing acknowledged to a client is lost.
 */
class BrokerOutageIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @TempDir
    static Path dir;
    static Harness h;

    @BeforeAll
    static void start() {
        h = new Harness(KAFKA.broker(), dir, Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static String batch(int request) {
        StringBuilder b = new StringBuilder("{\"batch\": [");
        for (int i = 0; i < 5; i++) {
            b.append(i == 0 ? "" : ",").append("{\"type\": \"page\", \"name\": \"pricing\", \"anonymousId\": \"visitor-")
                    .append(request % 7).append("\", \"messageId\": \"").append(messageId(request, i)).append("\"}");
        }
        return b.append("]}").toString();
    }

    static String messageId(int request, int item) {
        return "outage-" + request + "-" + item;
    }

    @Test
    void answers503WhileKafkaIsDownAndLosesNothingAcceptedOrRetried() {
        Set<String> acknowledged = new LinkedHashSet<>();
        List<Integer> refused = new ArrayList<>();
        int request = 0;
        for (; request < 3; request++) {
            Response r = h.post("/v1/batch", Harness.WEBSITE_KEY, "application/json", batch(request));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            record(acknowledged, request);
        }

        KAFKA.broker().stop();
        for (int i = 0; i < 3; i++, request++) {
            Response r = h.post("/v1/batch", Harness.WEBSITE_KEY, "application/json", batch(request));
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.json().path("error").asText()).isEqualTo("kafka_unavailable");
            assertThat(Long.parseLong(r.header("Retry-After"))).isPositive();
            refused.add(request);
        }

        KAFKA.broker().restart();
        // clients retry what was refused (as Segment's libraries do on 503) until it is accepted
        for (int again : refused) {
            Await.until(Duration.ofSeconds(60), Duration.ofMillis(200), "request " + again + " accepted after the restart", () -> {
                Response r = h.post("/v1/batch", Harness.WEBSITE_KEY, "application/json", batch(again));
                assertThat(r.status()).as(r.body()).isIn(200, 503);
                return r.status() == 200 ? Optional.of(true) : Optional.empty();
            });
            record(acknowledged, again);
        }
        for (int i = 0; i < 3; i++, request++) {
            assertThat(h.post("/v1/batch", Harness.WEBSITE_KEY, "application/json", batch(request)).status()).isEqualTo(200);
            record(acknowledged, request);
        }

        List<Harness.Decoded<ClickEvent>> all = h.read(Topics.CLICKSTREAM, ClickEvent.class,
                got -> got.stream().map(d -> d.value().getEventId()).collect(Collectors.toSet()).containsAll(acknowledged));
        Set<String> ids = all.stream().map(d -> d.value().getEventId()).collect(Collectors.toSet());
        assertThat(ids).as("every event a client was told was accepted").containsAll(acknowledged);
        assertThat(ids).as("and nothing else").hasSameSizeAs(acknowledged);
    }

    private static void record(Set<String> acknowledged, int request) {
        for (int i = 0; i < 5; i++) {
            acknowledged.add(messageId(request, i));
        }
    }
}
