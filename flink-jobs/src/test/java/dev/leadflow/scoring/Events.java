package dev.leadflow.scoring;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Named instants and small event builders, so that a test reads like its scenario. */
public final class Events {

    static final long MS = 1;
    public static final long MINUTE = 60_000;
    public static final long HOUR = 60 * MINUTE;
    public static final long DAY = 24 * HOUR;

    /** A Monday, 10:00 UTC. */
    public static final long T0 = Instant.parse("2025-03-03T10:00:00Z").toEpochMilli();
    static final long T0_PLUS_1H = T0 + HOUR;
    static final long T0_PLUS_1D = T0 + DAY;
    static final long T0_PLUS_3D = T0 + 3 * DAY;
    static final long T0_PLUS_6D = T0 + 6 * DAY;
    static final long T0_PLUS_7D = T0 + 7 * DAY;
    static final long T0_PLUS_14D = T0 + 14 * DAY;
    static final long T0_PLUS_30D = T0 + 30 * DAY;
    /** Midnight UTC that ends T0's day. */
    static final long T0_MIDNIGHT = Instant.parse("2025-03-04T00:00:00Z").toEpochMilli();

    static final String LEAD = "lead-1";

    /** A VP at a 1200-person German software company: fit 15 + 10 + 8 + 5 + 2 = 40. */
    public static final Map<String, String> VP_AT_ACME = traits(
            "email", "jane.doe@acme.com", "first_name", "Jane", "last_name", "Doe", "title", "VP of Sales",
            "company", "Acme GmbH", "company_domain", "acme.com", "company_size", "1200",
            "industry", "Software", "country", "DE");

    /** A manager at a 300-person US retailer: fit 7 + 8 + 3 + 5 + 2 = 25. */
    static final Map<String, String> MANAGER_AT_SHOPCO = traits(
            "email", "sam@shopco.com", "first_name", "Sam", "title", "IT Manager", "company", "ShopCo",
            "company_size", "300", "industry", "Retail", "country", "US");

    private static final AtomicLong IDS = new AtomicLong();

    private Events() {}

    public static LeadEvent page(String category, long at) {
        LeadEvent e = event(LeadEvent.Source.CLICKSTREAM, "page:" + category, at);
        e.name = category;
        e.anonymousId = "anon-1";
        return e;
    }

    public static LeadEvent track(String name, long at) {
        LeadEvent e = event(LeadEvent.Source.CLICKSTREAM, "track:" + name, at);
        e.name = name;
        e.anonymousId = "anon-1";
        return e;
    }

    public static LeadEvent campaign(String channel, String action, long at) {
        LeadEvent e = event(LeadEvent.Source.CAMPAIGN, "campaign:" + channel + ":" + action, at);
        e.name = "campaign-42";
        return e;
    }

    public static LeadEvent sales(SalesType type, long at) {
        return sales(type, "seller-7", at);
    }

    public static LeadEvent sales(SalesType type, String sellerId, long at) {
        LeadEvent e = event(LeadEvent.Source.SALES, type.signal(), at);
        e.sellerId = sellerId;
        return e;
    }

    static LeadEvent rejected(String reason, long at) {
        LeadEvent e = sales(SalesType.HANDOFF_REJECTED, at);
        e.reason = reason;
        return e;
    }

    public static LeadEvent identify(long at, Map<String, String> traits) {
        LeadEvent e = event(LeadEvent.Source.CLICKSTREAM, LeadScorer.IDENTIFY, at);
        e.traits.putAll(traits);
        return e;
    }

    public static LeadEvent identify(long at, String... keyValues) {
        return identify(at, traits(keyValues));
    }

    static LeadEvent withId(LeadEvent e, String eventId) {
        e.eventId = eventId;
        return e;
    }

    public static Map<String, String> traits(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    static Map<String, String> with(Map<String, String> base, String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.putAll(traits(keyValues));
        return m;
    }

    private static LeadEvent event(LeadEvent.Source source, String signal, long at) {
        LeadEvent e = new LeadEvent();
        e.eventId = "ev-" + IDS.incrementAndGet();
        e.source = source;
        e.leadId = LEAD;
        e.signal = signal;
        e.occurredAt = at;
        e.ingestedAt = at;
        return e;
    }
}
