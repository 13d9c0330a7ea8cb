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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

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
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        AvroWireDeserializer<SalesActivity> decoder = new AvroWireDeserializer<>(SchemaRegistryClient.create(registry),
                SalesActivity.class);
        Map<String, Long> opened = new HashMap<>();
        Map<String, Long> won = new HashMap<>();
        long undecodable = 0;
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(Topics.SALES, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
            Map<TopicPartition, Long> startAt = new HashMap<>();
            Map<TopicPartition, Long> stopAt = new HashMap<>();
            for (TopicPartition tp : partitions) {
                startAt.put(tp, from.toEpochMilli());
                stopAt.put(tp, until.toEpochMilli());
            }
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(startAt, Duration.ofSeconds(30));
            Map<TopicPartition, OffsetAndTimestamp> stops = consumer.offsetsForTimes(stopAt, Duration.ofSeconds(30));
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : partitions) {
                long stop = stops.get(tp) != null ? stops.get(tp).offset() : end.get(tp);
                long start = starts.get(tp) != null ? starts.get(tp).offset() : end.get(tp);
                if (start < stop) {
                    consumer.seek(tp, start);
                    remaining.put(tp, stop);
                }
            }
            consumer.pause(partitions.stream().filter(tp -> !remaining.containsKey(tp)).toList());
            long lastReport = System.nanoTime();
            while (!remaining.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long stop = remaining.get(tp);
                    if (stop == null || r.offset() >= stop) {
                        continue;
                    }
                    read++;
                    try {
                        SalesActivity a = decoder.deserialize(r.value());
                        long at = a.getOccurredAt().toEpochMilli();
                        if (a.getType() == SalesActivityType.OPPORTUNITY_OPENED) {
                            opened.merge(a.getLeadId(), at, Math::min);
                        } else if (a.getType() == SalesActivityType.CLOSED_WON) {
                            won.merge(a.getLeadId(), at, Math::min);
                        }
                    } catch (SchemaRegistryException e) {
                        if (!e.isSchemaNotFound()) {
                            throw e; // the registry's trouble, not the record's: stop rather than miss outcomes
                        }
                        undecodable++;
                    } catch (WireFormatException | NullPointerException e) {
                        undecodable++;
                    }
                }
                for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                    if (consumer.position(tp) >= remaining.get(tp)) {
                        remaining.remove(tp);
                        consumer.pause(List.of(tp));
                    }
                }
                if (System.nanoTime() - lastReport > 5_000_000_000L) {
                    progress.printf(Locale.ROOT, "backtest: sales outcomes: %,d records read%n", read);
                    lastReport = System.nanoTime();
                }
            }
        }
        progress.printf(Locale.ROOT, "backtest: sales outcomes: %,d records read, %,d leads with an opportunity, %,d won%n",
                read, opened.size(), won.size());
        return new SalesOutcomes(opened, won, undecodable);
    }
}
