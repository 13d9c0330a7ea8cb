package dev.leadflow.collector.mapping;

import org.apache.avro.specific.SpecificRecord;

/**
 * One record for Kafka: its topic, its key (the lead id, or the anonymous id where none is known yet)
 * and its value.
 *
 * @param kind what it was made from, for the events metric: {@code identify}, {@code track}, {@code page},
 *             {@code alias}, {@code campaign}, {@code sales_activity}
 */
public record Outgoing(String topic, String key, SpecificRecord value, String kind) {
}
