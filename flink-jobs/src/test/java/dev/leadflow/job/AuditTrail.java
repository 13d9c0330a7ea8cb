package dev.leadflow.job;

import dev.leadflow.avro.HandoffAction;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.embedded.kafka.KafkaBroker;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The handoff audit topic read back, and what the fault scenarios count in it. */
public final class AuditTrail {

    private AuditTrail() {}

    public static List<LeadHandoff> read(KafkaBroker kafka, SchemaRegistryClient registry) {
        AvroWireDeserializer<LeadHandoff> decoder = new AvroWireDeserializer<>(registry, LeadHandoff.class);
        return kafka.readAll(Topics.HANDOFFS).stream().map(r -> decoder.deserialize(r.value()))
                .collect(Collectors.toList());
    }

    /**
     * The handoff ids still open per lead after replaying the trail in order: ENQUEUE and UPDATE
     * open (or keep) an id, WITHDRAW closes it. A lead with two open ids was handed off twice.
     */
    public static Map<String, Set<String>> openHandoffs(List<LeadHandoff> trail) {
        Map<String, Set<String>> open = new TreeMap<>();
        for (LeadHandoff h : trail) {
            Set<String> ids = open.computeIfAbsent(h.getLeadId(), k -> new HashSet<>());
            if (h.getAction() == HandoffAction.WITHDRAW) {
                ids.remove(h.getHandoffId());
            } else {
                ids.add(h.getHandoffId());
            }
        }
        open.values().removeIf(Set::isEmpty);
        return open;
    }

    /** How many leads hold more than one open handoff. */
    public static long duplicated(List<LeadHandoff> trail) {
        return openHandoffs(trail).values().stream().filter(ids -> ids.size() > 1).count();
    }
}
