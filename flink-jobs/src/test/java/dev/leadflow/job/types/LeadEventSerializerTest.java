package dev.leadflow.job.types;

import dev.leadflow.scoring.LeadEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * Flink's conformance tests for serializers (round trips alone and in sequence, copies, reuse,
 * snapshot and restore, duplicate, Java serialization) over events with every field set, every
 * nullable field null, and strings of each encoding and length class.
 */
class LeadEventSerializerTest extends OwnSerializerTestBase<LeadEvent> {

    LeadEventSerializerTest() {
        super(LeadEventSerializer.INSTANCE, LeadEvent.class, true);
    }

    @Override
    protected LeadEvent[] getTestData() {
        LeadEvent full = new LeadEvent();
        full.eventId = "evt-1";
        full.source = LeadEvent.Source.CLICKSTREAM;
        full.occurredAt = 1_764_000_000_000L;
        full.ingestedAt = 1_764_000_000_123L;
        full.leadId = "lead-42";
        full.anonymousId = "anon-7";
        full.signal = "identify";
        full.name = "Pricing";
        full.url = "https://example.com/pricing?plan=team";
        Map<String, String> traits = new HashMap<>();
        traits.put("email", "renée@exemple.fr");      // one byte per char, beyond ASCII
        traits.put("first_name", "Łukasz");            // needs UTF-8
        traits.put("company", "株式会社 😀");            // surrogate pair
        traits.put("title", "");
        traits.put("nothing", null);
        full.traits = traits;
        full.sellerId = "seller-1";
        full.accountDomain = "example.com";
        full.reason = "x".repeat(20_000);              // a multi-byte length header

        LeadEvent empty = new LeadEvent();              // every reference null but the (empty) traits
        LeadEvent nulls = new LeadEvent();
        nulls.traits = null;
        nulls.occurredAt = Long.MIN_VALUE;
        nulls.ingestedAt = -1;

        LeadEvent privacy = new LeadEvent();
        privacy.source = LeadEvent.Source.PRIVACY;
        privacy.eventId = "erase-1";
        privacy.leadId = "lead-42";
        privacy.reason = "dpo@example.com";

        LeadEvent sales = new LeadEvent();
        sales.source = LeadEvent.Source.SALES;
        sales.eventId = "s".repeat(127);                // the longest one-byte header
        sales.leadId = "l".repeat(128);                 // the shortest two-byte header
        sales.signal = "sales:HANDOFF_REJECTED";
        sales.sellerId = "seller-2";
        return new LeadEvent[] {full, empty, nulls, privacy, sales};
    }
}
