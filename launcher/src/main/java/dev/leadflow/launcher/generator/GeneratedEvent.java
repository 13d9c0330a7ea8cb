package dev.leadflow.launcher.generator;

import org.apache.avro.specific.SpecificRecord;

/**
 * One synthetic input record: the topic it goes to, its key (the lead id, or the anonymous id when
 * no lead id is known yet), the Avro value and its event time.
 *
 * @param leadId  the person's lead id (also for anonymous clicks, whose records do not carry it yet)
 * @param persona who produced it
 */
public record GeneratedEvent(String topic, String key, SpecificRecord value, long occurredAt, String leadId,
        Persona persona) {}
