package dev.leadflow.collector.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.collector.CollectorException;
import dev.leadflow.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One call of Segment's HTTP Tracking API as one record of the contract (the table is in
 * docs/collector.md):
 * <ul>
 *   <li>{@code page} (and {@code screen}) → {@code ClickEvent} PAGE, named by its category;</li>
 *   <li>{@code track} → {@code ClickEvent} TRACK with the event name in snake case, or a
 *   {@code CampaignEngagement} for the email, webinar and event names of {@link Engagements} when the
 *   caller is known ({@code userId}: the record needs a lead id);</li>
 *   <li>{@code identify} → {@code ClickEvent} IDENTIFY with the traits of {@link Traits};</li>
 *   <li>{@code alias} → {@code ClickEvent} IDENTIFY without traits whose anonymous id is
 *   {@code previousId} and lead id {@code userId}: identity stitching links them as it links an identify;</li>
 *   <li>{@code group} is accepted and not forwarded (the contract has no record for it).</li>
 * </ul>
 * {@code messageId} becomes {@code event_id}, so a client's retry is counted once by the job; a call
 * without one gets an id derived from its content and source, which a retry of it derives again.
 */
public final class SegmentMapper {

    /** The calls of the tracking API, by their {@code type}. */
    public enum Call {
        IDENTIFY, TRACK, PAGE, SCREEN, ALIAS, GROUP;

        public String type() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The call of a batch item's {@code type}, or empty for one the API does not have. */
        public static Optional<Call> of(String type) {
            for (Call c : values()) {
                if (c.type().equals(type)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }

    private static final int MAX_NAME_LENGTH = 200;
    private static final int MAX_URL_LENGTH = 4096;
    private static final int MAX_PROPERTY_DEPTH = 8;
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final EventTimes times;

    public SegmentMapper(EventTimes times) {
        this.times = times;
    }

    /**
     * @param path        how the event is named in errors: empty for a single call, {@code batch[3].} in a batch
     * @param batchSentAt the batch's {@code sentAt}, or null
     * @param source      the write key's name; an id derived for an event without {@code messageId} depends on it
     * @return the record, or empty for a call that is accepted but not forwarded ({@code group})
     * @throws CollectorException naming the field that is missing or wrong
     */
    public Optional<Outgoing> map(Call call, JsonNode event, String path, Instant receivedAt, JsonNode batchSentAt,
                                  String source) {
        if (call == Call.GROUP) {
            return Optional.empty();
        }
        Optional<String> userId = Fields.id(event, "userId", path);
        Optional<String> anonymousId = Fields.id(event, "anonymousId", path);
        String eventId = Fields.id(event, "messageId", path).orElseGet(() -> derivedId(source, event));
        Instant at = times.occurredAt(event, path, receivedAt, batchSentAt);
        if (call == Call.ALIAS) {
            String previousId = Fields.id(event, "previousId", path)
                    .orElseThrow(() -> CollectorException.missing(path + "previousId"));
            String leadId = userId.orElseThrow(() -> CollectorException.missing(path + "userId"));
            return Optional.of(click(eventId, at, previousId, leadId, ClickType.IDENTIFY, "alias", null,
                    Map.of(), Map.of(), call));
        }
        if (userId.isEmpty() && anonymousId.isEmpty()) {
            throw CollectorException.missingEither(path + "userId", "anonymousId");
        }
        String anonymous = anonymousId.orElse("");
        String leadId = userId.orElse(null);
        JsonNode properties = Fields.object(event, "properties", path);
        JsonNode context = Fields.object(event, "context", path);
        switch (call) {
            case IDENTIFY: {
                Map<String, String> traits = Traits.map(Fields.object(event, "traits", path));
                return Optional.of(click(eventId, at, anonymous, leadId, ClickType.IDENTIFY, "identify",
                        null, Map.of(), traits, call));
            }
            case TRACK: {
                String event_ = Fields.text(event, "event", path, MAX_NAME_LENGTH)
                        .orElseThrow(() -> CollectorException.missing(path + "event"));
                String name = Names.trackName(event_);
                if (name.isEmpty()) {
                    throw CollectorException.invalid(path + "event", "must contain a letter or digit");
                }
                Optional<Engagements.Engagement> engagement = Engagements.of(name);
                if (engagement.isPresent() && leadId != null) {
                    return Optional.of(campaign(eventId, at, leadId, properties, engagement.get()));
                }
                return Optional.of(click(eventId, at, anonymous, leadId, ClickType.TRACK, name,
                        pageUrl(properties, context, false), flatten(properties), Map.of(), call));
            }
            default: { // PAGE, SCREEN
                String url = pageUrl(properties, context, true);
                String category = Fields.text(event, "category", path, MAX_NAME_LENGTH)
                        .or(() -> Fields.text(event, "name", path, MAX_NAME_LENGTH))
                        .map(Names::pageCategory)
                        .filter(c -> !c.isEmpty())
                        .or(() -> Optional.ofNullable(url).flatMap(Names::categoryFromUrl))
                        .or(() -> Fields.scalar(properties, "path").flatMap(Names::categoryFromUrl))
                        .orElse("home");
                return Optional.of(click(eventId, at, anonymous, leadId, ClickType.PAGE, category, url,
                        flatten(properties), Map.of(), call));
            }
        }
    }

    private static Outgoing click(String eventId, Instant at, String anonymousId, String leadId, ClickType type,
                                  String name, String url, Map<String, String> properties,
                                  Map<String, String> traits, Call call) {
        ClickEvent click = ClickEvent.newBuilder()
                .setEventId(eventId)
                .setOccurredAt(at)
                .setAnonymousId(anonymousId)
                .setLeadId(leadId)
                .setType(type)
                .setName(name)
                .setUrl(url)
                .setProperties(new LinkedHashMap<>(properties))
                .setTraits(new LinkedHashMap<>(traits))
                .build();
        String key = leadId != null ? leadId : anonymousId;
        return new Outgoing(Topics.CLICKSTREAM, key, click, call.type());
    }

    private static Outgoing campaign(String eventId, Instant at, String leadId, JsonNode properties,
                                     Engagements.Engagement engagement) {
        String campaignId = Engagements.UNKNOWN_CAMPAIGN;
        for (String field : Engagements.CAMPAIGN_ID_PROPERTIES) {
            Optional<String> value = Fields.scalar(properties, field);
            if (value.isPresent()) {
                campaignId = truncate(value.get(), MAX_NAME_LENGTH);
                break;
            }
        }
        CampaignEngagement record = CampaignEngagement.newBuilder()
                .setEventId(eventId)
                .setOccurredAt(at)
                .setLeadId(leadId)
                .setCampaignId(campaignId)
                .setChannel(engagement.channel())
                .setAction(engagement.action())
                .build();
        return new Outgoing(Topics.CAMPAIGN, leadId, record, "campaign");
    }

    /** The page's URL: {@code properties.url} (page calls), else {@code context.page.url} (analytics.js sets it on every call). */
    private static String pageUrl(JsonNode properties, JsonNode context, boolean fromProperties) {
        Optional<String> url = fromProperties ? Fields.scalar(properties, "url") : Optional.empty();
        if (url.isEmpty()) {
            JsonNode page = context.get("page");
            url = Fields.scalar(page, "url");
        }
        return url.map(u -> truncate(u, MAX_URL_LENGTH)).orElse(null);
    }

    /**
     * Properties as the record's string map: scalars as text, nested objects flattened with dotted keys
     * ({@code {"plan": {"name": "pro"}}} → {@code plan.name=pro}), arrays as JSON text; nulls dropped.
     */
    static Map<String, String> flatten(JsonNode properties) {
        Map<String, String> out = new LinkedHashMap<>();
        if (properties != null && properties.isObject()) {
            flatten("", properties, out, 0);
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, int depth) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull() || value.isMissingNode()) {
                continue;
            }
            if (value.isObject() && depth < MAX_PROPERTY_DEPTH) {
                flatten(key + ".", value, out, depth + 1);
            } else if (value.isValueNode()) {
                out.put(key, value.asText());
            } else {
                out.put(key, value.toString());
            }
        }
    }

    /**
     * An id for an event without {@code messageId}: the same source sending the same event again (a retry)
     * gets the same id. {@code sentAt} and {@code writeKey} differ between retries and are left out.
     */
    static String derivedId(String source, JsonNode event) {
        JsonNode content = event;
        if (event.isObject() && (event.has("sentAt") || event.has("writeKey"))) {
            ObjectNode copy = ((ObjectNode) event).deepCopy();
            copy.remove("sentAt");
            copy.remove("writeKey");
            content = copy;
        }
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(CANONICAL.convertValue(content, Object.class));
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(source.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            byte[] digest = sha.digest(canonical);
            return "lf-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException | java.io.IOException e) {
            throw new IllegalStateException("cannot derive an event id", e);
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
