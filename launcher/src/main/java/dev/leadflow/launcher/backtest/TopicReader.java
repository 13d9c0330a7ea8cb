package dev.leadflow.launcher.backtest;

import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.SchemaRegistryException;
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
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the records of one topic stamped between two instants (Kafka timestamps), every partition from its first
 * record at {@code from} to its first at {@code until}, with a plain consumer: no group, nothing committed.
 */
final class TopicReader {

    private TopicReader() {}

    /** Hands every record of the span to {@code each}; returns how many there were. */
    static long forEach(Properties client, String topic, Instant from, Instant until, PrintStream progress,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
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
                    Long stop = remaining.get(new TopicPartition(r.topic(), r.partition()));
                    if (stop == null || r.offset() >= stop) {
                        continue;
                    }
                    read++;
                    each.accept(r);
                }
                for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                    if (consumer.position(tp) >= remaining.get(tp)) {
                        remaining.remove(tp);
                        consumer.pause(List.of(tp));
                    }
                }
                if (System.nanoTime() - lastReport > 5_000_000_000L) {
                    progress.printf(Locale.ROOT, "backtest: %s: %,d records read%n", topic, read);
                    lastReport = System.nanoTime();
                }
            }
        }
        return read;
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
