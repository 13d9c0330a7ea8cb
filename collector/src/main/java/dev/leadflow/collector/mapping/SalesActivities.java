package dev.leadflow.collector.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.collector.CollectorException;
import dev.leadflow.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CRM webhook's payload as {@code SalesActivity} records: one object with the record's fields, an
 * array of them, or {@code {"activities": [...]}}. The fields are the contract's, by their names in the
 * schema ({@code event_id}, {@code occurred_at}, {@code lead_id}, {@code account_domain},
 * {@code seller_id}, {@code type}, {@code reason}); an unknown field is refused, so a misspelt one is
 * noticed when the webhook is set up rather than lost.
 */
public final class SalesActivities {

    private static final Set<String> FIELDS = Set.of("event_id", "occurred_at", "lead_id", "account_domain",
            "seller_id", "type", "reason");
    private static final int MAX_REASON_LENGTH = 1000;
    private static final String TYPES = Arrays.stream(SalesActivityType.values())
            .filter(t -> t != SalesActivityType.UNKNOWN).map(Enum::name).collect(Collectors.joining(", "));

    private final Duration maxAhead;

    public SalesActivities(Duration maxAhead) {
        this.maxAhead = maxAhead;
    }

    /** The items of a payload with their paths in errors ({@code ""}, {@code [2].}, {@code activities[2].}). */
    public record Item(JsonNode node, String path) {
    }

    public static List<Item> items(JsonNode payload, int maxItems) {
        List<Item> items = new ArrayList<>();
        String prefix;
        JsonNode array;
        if (payload.isArray()) {
            prefix = "";
            array = payload;
        } else if (payload.isObject() && payload.has("activities")) {
            array = payload.get("activities");
            prefix = "activities";
            if (!array.isArray()) {
                throw CollectorException.invalid("activities", "must be an array");
            }
        } else if (payload.isObject()) {
            return List.of(new Item(payload, ""));
        } else {
            throw CollectorException.malformed("body must be an activity object, an array of them or {\"activities\": [...]}");
        }
        if (array.isEmpty()) {
            throw CollectorException.invalid(prefix.isEmpty() ? "body" : prefix, "must hold at least one activity");
        }
        if (array.size() > maxItems) {
            throw CollectorException.tooLarge("too_many_events", prefix.isEmpty() ? "body" : prefix,
                    "at most " + maxItems + " activities per request, got " + array.size());
        }
        for (int i = 0; i < array.size(); i++) {
            items.add(new Item(array.get(i), prefix + "[" + i + "]."));
        }
        return items;
    }

    public Outgoing map(Item item, Instant receivedAt) {
        JsonNode node = item.node();
        String path = item.path();
        if (!node.isObject()) {
            throw CollectorException.invalid(path.isEmpty() ? "body" : path.substring(0, path.length() - 1),
                    "must be an object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw CollectorException.invalid(path + name, "unknown field (known: "
                        + FIELDS.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
        }
        String eventId = Fields.id(node, "event_id", path).orElseThrow(() -> CollectorException.missing(path + "event_id"));
        String leadId = Fields.id(node, "lead_id", path).orElseThrow(() -> CollectorException.missing(path + "lead_id"));
        String typeText = Fields.text(node, "type", path, 64).orElseThrow(() -> CollectorException.missing(path + "type"));
        SalesActivityType type;
        try {
            type = SalesActivityType.valueOf(typeText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            type = SalesActivityType.UNKNOWN;
        }
        if (type == SalesActivityType.UNKNOWN) {
            throw CollectorException.invalid(path + "type", "must be one of " + TYPES);
        }
        Instant at = occurredAt(node.get("occurred_at"), path + "occurred_at", receivedAt);
        SalesActivity activity = SalesActivity.newBuilder()
                .setEventId(eventId)
                .setOccurredAt(at)
                .setLeadId(leadId)
                .setAccountDomain(Fields.id(node, "account_domain", path).map(d -> d.toLowerCase(Locale.ROOT)).orElse(null))
                .setSellerId(Fields.id(node, "seller_id", path).orElse(null))
                .setType(type)
                .setReason(Fields.text(node, "reason", path, MAX_REASON_LENGTH).orElse(null))
                .build();
        return new Outgoing(Topics.SALES, leadId, activity, "sales_activity");
    }

    /** ISO-8601 with an offset, or epoch milliseconds; required, as a CRM knows when its activity happened. */
    private Instant occurredAt(JsonNode value, String field, Instant receivedAt) {
        if (value == null || value.isNull()) {
            throw CollectorException.missing(field);
        }
        Instant at;
        if (value.isIntegralNumber()) {
            at = Instant.ofEpochMilli(value.asLong());
        } else {
            at = EventTimes.parse(value, field);
            if (at == null) {
                throw CollectorException.missing(field);
            }
        }
        if (at.isBefore(EventTimes.EARLIEST)) {
            throw CollectorException.invalid(field, "is before " + EventTimes.EARLIEST + " (seconds sent as milliseconds?)");
        }
        if (at.isAfter(receivedAt.plus(maxAhead))) {
            throw CollectorException.invalid(field, "is more than " + maxAhead.toSeconds()
                    + " s after the time the collector received it (" + receivedAt + ")");
        }
        return at;
    }
}
