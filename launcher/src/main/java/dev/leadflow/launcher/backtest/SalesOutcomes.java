package dev.leadflow.launcher.backtest;

import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.SchemaRegistryException;
import dev.leadflow.schemas.Topics;
import dev.leadflow.schemas.WireFormatException;
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
 * nothing committed), decoded with the project's wire-format deserializer. Records that do not decode are
 * counted and skipped (the scoring job dead-letters them too).
 */
public record SalesOutcomes(Map<String, Long> opportunityOpened, Map<String, Long> won, long undecodable) {

    /** For tests and the oracle: outcomes known directly. */
    public SalesOutcomes {
        opportunityOpened = new TreeMap<>(opportunityOpened);
        won = new TreeMap<>(won);
    }

    static SalesOutcomes read(Properties client, RegistryConfig registry, Instant from, Instant until, PrintStream progress) {
        AvroWireDeserializer<SalesActivity> decoder = new AvroWireDeserializer<>(SchemaRegistryClient.create(registry),
                SalesActivity.class);
        Map<String, Long> opened = new HashMap<>();
        Map<String, Long> won = new HashMap<>();
        long[] undecodable = {0};
        long read = TopicReader.forEach(client, Topics.SALES, from, until, progress, r -> {
            SalesActivity a = decode(decoder, r.value(), undecodable);
            if (a == null) {
                return;
            }
            long at = a.getOccurredAt().toEpochMilli();
            if (a.getType() == SalesActivityType.OPPORTUNITY_OPENED) {
                opened.merge(a.getLeadId(), at, Math::min);
            } else if (a.getType() == SalesActivityType.CLOSED_WON) {
                won.merge(a.getLeadId(), at, Math::min);
            }
        });
        progress.printf(Locale.ROOT, "backtest: sales outcomes: %,d records read, %,d leads with an opportunity, %,d won%n",
                read, opened.size(), won.size());
        return new SalesOutcomes(opened, won, undecodable[0]);
    }

    /**
     * A record's value decoded, or null (counted in {@code undecodable[0]}) when it is not a record of the
     * type; a registry that cannot be reached stops the backtest rather than let it miss records.
     */
    static <T extends org.apache.avro.specific.SpecificRecord> T decode(AvroWireDeserializer<T> decoder, byte[] value,
            long[] undecodable) {
        try {
            return decoder.deserialize(value);
        } catch (SchemaRegistryException e) {
            if (!e.isSchemaNotFound()) {
                throw e;
            }
        } catch (WireFormatException | NullPointerException e) {
            // counted below
        }
        undecodable[0]++;
        return null;
    }
}
