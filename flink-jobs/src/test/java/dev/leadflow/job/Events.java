package dev.leadflow.job;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.Channel;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.avro.EngagementAction;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.scoring.LeadEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Small builders for input events, so that a test reads like the scenario it checks. */
public final class Events {

    private static final AtomicLong IDS = new AtomicLong();

    private Events() {}

    static String nextId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    public static ClickEvent page(String leadId, String anonymousId, String name, Instant at) {
        return click(leadId, anonymousId, ClickType.PAGE, name, at, Map.of());
    }

    public static ClickEvent track(String leadId, String anonymousId, String name, Instant at) {
        return click(leadId, anonymousId, ClickType.TRACK, name, at, Map.of());
    }

    public static ClickEvent identify(String leadId, String anonymousId, Instant at, Map<String, String> traits) {
        return click(leadId, anonymousId, ClickType.IDENTIFY, "identify", at, traits);
    }

    public static ClickEvent click(String leadId, String anonymousId, ClickType type, String name, Instant at,
            Map<String, String> traits) {
        return ClickEvent.newBuilder()
                .setEventId(nextId("click"))
                .setOccurredAt(at)
                .setAnonymousId(anonymousId == null ? "anon-of-" + leadId : anonymousId)
                .setLeadId(leadId)
                .setType(type)
                .setName(name)
                .setUrl("https://www.example.com/" + name)
                .setProperties(new HashMap<>())
                .setTraits(new HashMap<>(traits))
                .build();
    }

    /** A decoded click of {@code leadId} as lead scoring receives it, ingested at its own time. */
    public static LeadEvent scored(String leadId, String eventId, String signal, long at) {
        LeadEvent e = new LeadEvent();
        e.eventId = eventId;
        e.source = LeadEvent.Source.CLICKSTREAM;
        e.leadId = leadId;
        e.signal = signal;
        e.occurredAt = at;
        e.ingestedAt = at;
        return e;
    }

    public static CampaignEngagement campaign(String leadId, Channel channel, EngagementAction action, Instant at) {
        return CampaignEngagement.newBuilder()
                .setEventId(nextId("campaign"))
                .setOccurredAt(at)
                .setLeadId(leadId)
                .setCampaignId("cmp-" + channel.name().toLowerCase())
                .setChannel(channel)
                .setAction(action)
                .build();
    }

    public static SalesActivity sales(String leadId, SalesActivityType type, String sellerId, Instant at) {
        return SalesActivity.newBuilder()
                .setEventId(nextId("sales"))
                .setOccurredAt(at)
                .setLeadId(leadId)
                .setAccountDomain(null)
                .setSellerId(sellerId)
                .setType(type)
                .setReason(null)
                .build();
    }

    /** IDENTIFY traits of a senior buyer at a large company. */
    public static Map<String, String> buyer(String first, String last, String title, String domain, String size, String country) {
        Map<String, String> t = new HashMap<>();
        t.put("email", first.toLowerCase() + "@" + domain);
        t.put("first_name", first);
        t.put("last_name", last);
        t.put("title", title);
        t.put("company", domain.substring(0, domain.indexOf('.')));
        t.put("company_domain", domain);
        t.put("company_size", size);
        t.put("industry", "software");
        t.put("country", country);
        return t;
    }
}
