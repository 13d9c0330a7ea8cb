package dev.leadflow.collector.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.leadflow.collector.CollectorException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Segment's clock-skew rule against plain arithmetic on named instants. */
class EventTimesTest {

    static final Instant RECEIVED = Instant.parse("2026-11-30T12:00:00Z");
    static final EventTimes TIMES = new EventTimes(Duration.ofMinutes(5));

    static JsonNode json(String s) {
        try {
            return new ObjectMapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void timestampIsTakenAsIs() {
        assertThat(TIMES.occurredAt(json("""
                {"timestamp": "2026-11-29T08:00:00.123Z", "originalTimestamp": "2026-01-01T00:00:00Z", "sentAt": "2026-01-01T00:00:05Z"}
                """), "", RECEIVED, null)).isEqualTo(Instant.parse("2026-11-29T08:00:00.123Z"));
    }

    @Test
    void originalTimestampIsCorrectedBySentAtAgainstTheReceiveTime() {
        // the client's clock is 1 h 30 min behind; the event happened 7.5 s before it sent the request
        Instant clientSent = RECEIVED.minus(Duration.ofMinutes(90));
        Instant clientEvent = clientSent.minusMillis(7_500);
        assertThat(TIMES.occurredAt(json("{\"originalTimestamp\": \"" + clientEvent + "\", \"sentAt\": \"" + clientSent + "\"}"),
                "", RECEIVED, null)).isEqualTo(RECEIVED.minusMillis(7_500));
    }

    @Test
    void aBatchsSentAtServesItemsWithoutTheirOwn() {
        Instant clientSent = RECEIVED.plus(Duration.ofHours(3));
        assertThat(TIMES.occurredAt(json("{\"originalTimestamp\": \"" + clientSent.minusSeconds(2) + "\"}"),
                "batch[0].", RECEIVED, new TextNode(clientSent.toString()))).isEqualTo(RECEIVED.minusSeconds(2));
    }

    @Test
    void offsetsOtherThanZAreUnderstood() {
        assertThat(TIMES.occurredAt(json("{\"timestamp\": \"2026-11-30T13:00:00+02:00\"}"), "", RECEIVED, null))
                .isEqualTo(Instant.parse("2026-11-30T11:00:00Z"));
    }

    @Test
    void originalTimestampWithoutSentAtIsTakenAsIsAndNoTimeAtAllIsTheReceiveTime() {
        assertThat(TIMES.occurredAt(json("{\"originalTimestamp\": \"2026-11-30T11:00:00Z\"}"), "", RECEIVED, null))
                .isEqualTo(Instant.parse("2026-11-30T11:00:00Z"));
        assertThat(TIMES.occurredAt(json("{}"), "", RECEIVED, null)).isEqualTo(RECEIVED);
    }

    @Test
    void impossibleTimesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> TIMES.occurredAt(json("{\"timestamp\": \"" + RECEIVED.plus(Duration.ofMinutes(6)) + "\"}"),
                "batch[2].", RECEIVED, null)).isInstanceOfSatisfying(CollectorException.class,
                e -> assertThat(e.field()).isEqualTo("batch[2].timestamp"));
        assertThat(TIMES.occurredAt(json("{\"timestamp\": \"" + RECEIVED.plus(Duration.ofMinutes(4)) + "\"}"), "", RECEIVED, null))
                .isEqualTo(RECEIVED.plus(Duration.ofMinutes(4)));
        assertThatThrownBy(() -> TIMES.occurredAt(json("{\"timestamp\": \"1999-12-31T23:59:59Z\"}"), "", RECEIVED, null))
                .isInstanceOfSatisfying(CollectorException.class, e -> assertThat(e.field()).isEqualTo("timestamp"));
        assertThatThrownBy(() -> TIMES.occurredAt(json("{\"timestamp\": 1700000000000}"), "", RECEIVED, null))
                .isInstanceOfSatisfying(CollectorException.class, e -> assertThat(e.code()).isEqualTo("invalid_field"));
        assertThatThrownBy(() -> TIMES.occurredAt(json("{\"originalTimestamp\": \"2026-11-30T11:00:00\"}"), "", RECEIVED, null))
                .isInstanceOfSatisfying(CollectorException.class, e -> assertThat(e.field()).isEqualTo("originalTimestamp"));
    }
}
