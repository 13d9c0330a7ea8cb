package dev.leadflow.schemas;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.Channel;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.avro.EngagementAction;
import dev.leadflow.avro.HandoffAction;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.avro.Reason;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated record of each contract type. */
final class Samples {

    static final Instant T0 = Instant.parse("2025-03-01T09:30:00.123Z");

    private Samples() {
    }

    static ClickEvent identify() {
        return ClickEvent.newBuilder()
                .setEventId("evt-1")
                .setOccurredAt(T0)
                .setAnonymousId("anon-7")
                .setLeadId("lead-42")
                .setType(ClickType.IDENTIFY)
                .setName("identify")
                .setUrl("https://leadflow.dev/signup")
                .setProperties(Map.of("referrer", "google"))
                .setTraits(Map.of("email", "ada@example.com", "title", "VP Engineering", "company_size", "500"))
                .build();
    }

    /** Only the required fields: nullable fields and maps take their defaults. */
    static ClickEvent anonymousPageView() {
        return ClickEvent.newBuilder()
                .setEventId("evt-2")
                .setOccurredAt(T0)
                .setAnonymousId("anon-7")
                .setType(ClickType.PAGE)
                .setName("pricing")
                .build();
    }

    static CampaignEngagement webinarAttended() {
        return CampaignEngagement.newBuilder()
                .setEventId("evt-3")
                .setOccurredAt(T0)
                .setLeadId("lead-42")
                .setCampaignId("cmp-2025-q1-webinar")
                .setChannel(Channel.WEBINAR)
                .setAction(EngagementAction.ATTENDED)
                .build();
    }

    static SalesActivity handoffRejected() {
        return SalesActivity.newBuilder()
                .setEventId("evt-4")
                .setOccurredAt(T0)
                .setLeadId("lead-42")
                .setAccountDomain("example.com")
                .setSellerId("seller-9")
                .setType(SalesActivityType.HANDOFF_REJECTED)
                .setReason("already in an open opportunity")
                .build();
    }

    static LeadHandoff enqueue() {
        return LeadHandoff.newBuilder()
                .setEventId("evt-5")
                .setOccurredAt(T0)
                .setHandoffId("ho-1")
                .setLeadId("lead-42")
                .setQueue("enterprise-emea")
                .setAction(HandoffAction.ENQUEUE)
                .setVersion(3L)
                .setPriority(87.5)
                .setReadiness(74)
                .setFit(32)
                .setEngagement(42)
                .setReasons(List.of(
                        new Reason("pricing_page", 21, "Viewed pricing 3 times in the last 24 h, +21", T0),
                        new Reason("webinar_attended", 15, "Attended a webinar, +15", T0.minusSeconds(86_400))))
                .setModelVersion("2025-03-01.1")
                .setTriggerEventId("evt-1")
                .setGrade("A")
                .setAccountDomain("example.com")
                .build();
    }
}
