package dev.leadflow.scoring;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One input event of any of the three streams, normalized for scoring. Plain Java with public
 * fields and a no-arg constructor so that Flink serializes it as a POJO (no Kryo).
 *
 * <p>{@code signal} is the model's key for what happened: {@code page:<name>} and
 * {@code track:<name>} for clickstream, {@code campaign:<CHANNEL>:<ACTION>} for campaign
 * engagement, {@code sales:<TYPE>} for sales activity, {@code identify} for an IDENTIFY call.
 */
public class LeadEvent {

    /** Which input stream the event came from. */
    public enum Source {
        CLICKSTREAM,
        CAMPAIGN,
        SALES,
        /**
         * Not an event of the lead but an erasure request for it ({@code leadflow.privacy}): {@code eventId}
         * is the request's id, {@code reason} who asked. The job erases the lead; the scorer never sees it.
         */
        PRIVACY
    }

    public String eventId;
    public Source source;
    /** Event time, epoch millis. */
    public long occurredAt;
    /** Kafka record timestamp (append/create time), epoch millis, for latency measurement. */
    public long ingestedAt;
    /** Lead id; null for a click that carries only an anonymous id. */
    public String leadId;
    /** Anonymous (cookie) id of a click; null for other streams. */
    public String anonymousId;
    /** Model key of the signal, see the class comment. */
    public String signal;
    /** Click: page category or track event name; campaign: campaign id; sales: null. */
    public String name;
    public String url;
    /** IDENTIFY traits (email, first_name, last_name, title, company, company_domain, ...). */
    public Map<String, String> traits = new HashMap<>();
    /** Sales activity: seller, account domain and free-text reason (nullable). */
    public String sellerId;
    public String accountDomain;
    public String reason;

    public LeadEvent() {}

    public LeadEvent copy() {
        LeadEvent c = new LeadEvent();
        c.eventId = eventId;
        c.source = source;
        c.occurredAt = occurredAt;
        c.ingestedAt = ingestedAt;
        c.leadId = leadId;
        c.anonymousId = anonymousId;
        c.signal = signal;
        c.name = name;
        c.url = url;
        c.traits = traits == null ? new HashMap<>() : new HashMap<>(traits);
        c.sellerId = sellerId;
        c.accountDomain = accountDomain;
        c.reason = reason;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LeadEvent)) {
            return false;
        }
        LeadEvent e = (LeadEvent) o;
        return occurredAt == e.occurredAt
                && ingestedAt == e.ingestedAt
                && Objects.equals(eventId, e.eventId)
                && source == e.source
                && Objects.equals(leadId, e.leadId)
                && Objects.equals(anonymousId, e.anonymousId)
                && Objects.equals(signal, e.signal)
                && Objects.equals(name, e.name)
                && Objects.equals(url, e.url)
                && Objects.equals(traits, e.traits)
                && Objects.equals(sellerId, e.sellerId)
                && Objects.equals(accountDomain, e.accountDomain)
                && Objects.equals(reason, e.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, occurredAt, leadId, anonymousId, signal);
    }

    @Override
    public String toString() {
        return "LeadEvent{" + eventId + ' ' + source + ' ' + signal + " lead=" + leadId
                + " anon=" + anonymousId + " at=" + occurredAt + '}';
    }
}
