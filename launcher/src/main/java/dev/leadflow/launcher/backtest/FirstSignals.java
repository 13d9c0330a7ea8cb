package dev.leadflow.launcher.backtest;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import java.io.PrintStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The time of each lead's first event in a period, over the three input topics (the sales topic's from the pass
 * that read the outcomes), for the report's "time from first signal to handoff". Anonymous clicks count for the lead an identifying click of the same anonymous id names (as
 * identity stitching would count them), whichever comes first in the topic.
 */
final class FirstSignals {

    private FirstSignals() {}

    static Map<String, Long> read(Properties client, RegistryConfig registry, Instant from, Instant to, SalesOutcomes sales,
            PrintStream progress) {
        SchemaRegistryClient registryClient = SchemaRegistryClient.create(registry);
        Map<String, Long> byLead = new HashMap<>();
        Map<String, Long> byAnonymous = new HashMap<>();
        Map<String, String> leadOfAnonymous = new HashMap<>();
        long[] undecodable = {0};
        AvroWireDeserializer<ClickEvent> clicks = new AvroWireDeserializer<>(registryClient, ClickEvent.class);
        TopicReader.forEach(client, Topics.CLICKSTREAM, from, to, progress, r -> {
            ClickEvent c = TopicReader.decode(clicks, r.value(), undecodable);
            if (c == null) {
                return;
            }
            long at = c.getOccurredAt().toEpochMilli();
            if (c.getLeadId() != null) {
                byLead.merge(c.getLeadId(), at, Math::min);
                if (c.getAnonymousId() != null) {
                    leadOfAnonymous.putIfAbsent(c.getAnonymousId(), c.getLeadId());
                }
            } else if (c.getAnonymousId() != null) {
                byAnonymous.merge(c.getAnonymousId(), at, Math::min);
            }
        });
        AvroWireDeserializer<CampaignEngagement> campaign = new AvroWireDeserializer<>(registryClient, CampaignEngagement.class);
        TopicReader.forEach(client, Topics.CAMPAIGN, from, to, progress, r -> {
            CampaignEngagement c = TopicReader.decode(campaign, r.value(), undecodable);
            if (c != null && c.getLeadId() != null) {
                byLead.merge(c.getLeadId(), c.getOccurredAt().toEpochMilli(), Math::min);
            }
        });
        sales.firstActivity().forEach((lead, at) -> byLead.merge(lead, at, Math::min));
        byAnonymous.forEach((anonymous, at) -> {
            String lead = leadOfAnonymous.get(anonymous);
            if (lead != null) {
                byLead.merge(lead, at, Math::min);
            }
        });
        progress.printf(Locale.ROOT, "backtest: first signals of %,d leads (%,d records not decoded)%n", byLead.size(),
                undecodable[0]);
        return new TreeMap<>(byLead);
    }
}
