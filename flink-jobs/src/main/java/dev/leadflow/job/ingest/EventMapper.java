package dev.leadflow.job.ingest;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.scoring.LeadEvent;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Maps the three Avro input records onto the one {@link LeadEvent} shape that scoring reads. */
public final class EventMapper {

    private EventMapper() {}

    public static LeadEvent fromClick(ClickEvent c, long ingestedAt) {
        LeadEvent e = base(c.getEventId(), LeadEvent.Source.CLICKSTREAM, c.getOccurredAt().toEpochMilli(), ingestedAt);
        e.leadId = blankToNull(c.getLeadId());
        e.anonymousId = blankToNull(c.getAnonymousId());
        e.name = c.getName();
        e.url = c.getUrl();
        String name = c.getName() == null ? "" : c.getName().trim().toLowerCase(Locale.ROOT);
        switch (c.getType()) {
            case PAGE:
                e.signal = "page:" + name;
                break;
            case TRACK:
                e.signal = "track:" + name;
                break;
            case IDENTIFY:
                e.signal = "identify";
                e.traits = copy(c.getTraits());
                break;
            default:
                e.signal = "click:unknown";
        }
        return e;
    }

    public static LeadEvent fromCampaign(CampaignEngagement c, long ingestedAt) {
        LeadEvent e = base(c.getEventId(), LeadEvent.Source.CAMPAIGN, c.getOccurredAt().toEpochMilli(), ingestedAt);
        e.leadId = blankToNull(c.getLeadId());
        e.name = c.getCampaignId();
        e.signal = "campaign:" + c.getChannel().name() + ":" + c.getAction().name();
        return e;
    }

    public static LeadEvent fromSales(SalesActivity s, long ingestedAt) {
        LeadEvent e = base(s.getEventId(), LeadEvent.Source.SALES, s.getOccurredAt().toEpochMilli(), ingestedAt);
        e.leadId = blankToNull(s.getLeadId());
        e.accountDomain = blankToNull(s.getAccountDomain());
        e.sellerId = blankToNull(s.getSellerId());
        e.reason = s.getReason();
        e.signal = "sales:" + s.getType().name();
        return e;
    }

    private static LeadEvent base(String eventId, LeadEvent.Source source, long occurredAt, long ingestedAt) {
        LeadEvent e = new LeadEvent();
        e.eventId = eventId;
        e.source = source;
        e.occurredAt = occurredAt;
        e.ingestedAt = ingestedAt;
        return e;
    }

    private static Map<String, String> copy(Map<String, String> traits) {
        return traits == null ? new HashMap<>() : new HashMap<>(traits);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
