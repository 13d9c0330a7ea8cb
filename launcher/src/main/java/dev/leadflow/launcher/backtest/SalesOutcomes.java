package dev.leadflow.launcher.backtest;

import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
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
 * What sales did with each lead: the first OPPORTUNITY_OPENED and the first CLOSED_WON per lead, read from
 * {@code leadflow.sales-activity} between two instants (Kafka timestamps) with a plain consumer (no group,
 * nothing committed), decoded with the project's wire-format deserializer; and, from the same pass, each lead's
 * first sales activity of the period (for {@link FirstSignals}). Records that do not decode are counted and
 * skipped (the scoring job dead-letters them too).
 */
public record SalesOutcomes(Map<String, Long> opportunityOpened, Map<String, Long> won,
        Map<String, Long> firstActivity, long undecodable) {

    /** For tests and the oracle: outcomes known directly. */
    public SalesOutcomes {
        opportunityOpened = new TreeMap<>(opportunityOpened);
        won = new TreeMap<>(won);
        firstActivity = new TreeMap<>(firstActivity);
    }

    /**
     * Reads the records stamped from {@code from} to {@code until} (the period and its outcome window); the first
     * activities are those of records stamped before {@code to}, the end of the period.
     */
    static SalesOutcomes read(Properties client, RegistryConfig registry, Instant from, Instant to, Instant until,
            PrintStream progress) {
        AvroWireDeserializer<SalesActivity> decoder = new AvroWireDeserializer<>(SchemaRegistryClient.create(registry),
                SalesActivity.class);
        Map<String, Long> opened = new HashMap<>();
        Map<String, Long> won = new HashMap<>();
        Map<String, Long> first = new HashMap<>();
        long[] undecodable = {0};
        long read = TopicReader.forEach(client, Topics.SALES, from, until, progress, r -> {
            SalesActivity a = TopicReader.decode(decoder, r.value(), undecodable);
            if (a == null) {
                return;
            }
            long at = a.getOccurredAt().toEpochMilli();
            if (r.timestamp() < to.toEpochMilli() && a.getLeadId() != null) {
                first.merge(a.getLeadId(), at, Math::min);
            }
            if (a.getType() == SalesActivityType.OPPORTUNITY_OPENED) {
                opened.merge(a.getLeadId(), at, Math::min);
            } else if (a.getType() == SalesActivityType.CLOSED_WON) {
                won.merge(a.getLeadId(), at, Math::min);
            }
        });
        progress.printf(Locale.ROOT, "backtest: sales outcomes: %,d records read, %,d leads with an opportunity, %,d won%n",
                read, opened.size(), won.size());
        return new SalesOutcomes(opened, won, first, undecodable[0]);
    }
}
