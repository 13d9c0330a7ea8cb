package dev.leadflow.collector.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadflow.collector.CollectorException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * When an event happened, by Segment's rules:
 * <ol>
 *   <li>{@code timestamp} when the client set it (backfills and server-side libraries do), as is;</li>
 *   <li>else {@code originalTimestamp} corrected for the client's clock: the client stamped the event and
 *   the request ({@code sentAt}) with the same clock, so the event happened {@code sentAt − originalTimestamp}
 *   before the collector received it: {@code receivedAt − (sentAt − originalTimestamp)};</li>
 *   <li>{@code originalTimestamp} as is when there is no {@code sentAt};</li>
 *   <li>else the time the collector received the request.</li>
 * </ol>
 * A time before 2000 or further than {@code maxAhead} after receipt is refused: the scoring job would
 * dead-letter it (it moves lead clocks and watermarks otherwise), and the client learns it here instead.
 */
public final class EventTimes {

    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

    private final Duration maxAhead;

    public EventTimes(Duration maxAhead) {
        this.maxAhead = maxAhead;
    }

    /**
     * @param batchSentAt the batch's top-level {@code sentAt} for items of a batch without their own, or null
     */
    public Instant occurredAt(JsonNode event, String path, Instant receivedAt, JsonNode batchSentAt) {
        Instant timestamp = parse(event.get("timestamp"), path + "timestamp");
        if (timestamp != null) {
            return checked(timestamp, path + "timestamp", receivedAt);
        }
        Instant original = parse(event.get("originalTimestamp"), path + "originalTimestamp");
        if (original == null) {
            return receivedAt;
        }
        Instant sentAt = parse(event.get("sentAt"), path + "sentAt");
        if (sentAt == null && batchSentAt != null) {
            sentAt = parse(batchSentAt, "sentAt");
        }
        Instant corrected = sentAt == null ? original : receivedAt.minus(Duration.between(original, sentAt));
        return checked(corrected, path + "originalTimestamp", receivedAt);
    }

    private Instant checked(Instant at, String field, Instant receivedAt) {
        if (at.isBefore(EARLIEST)) {
            throw CollectorException.invalid(field, "is before " + EARLIEST + " (seconds sent as milliseconds?)");
        }
        if (at.isAfter(receivedAt.plus(maxAhead))) {
            throw CollectorException.invalid(field, "is more than " + maxAhead.toSeconds()
                    + " s after the time the collector received it (" + receivedAt + ")");
        }
        return at;
    }

    /** ISO-8601 with an offset ({@code 2026-05-01T10:00:00.123Z}, {@code ...+02:00}); null when absent. */
    static Instant parse(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw CollectorException.invalid(field, "must be an ISO-8601 date-time string");
        }
        String text = value.asText().strip();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw CollectorException.invalid(field, "must be an ISO-8601 date-time with a zone offset,"
                    + " like 2026-05-01T10:00:00.000Z");
        }
    }
}
