package dev.leadflow.job;

import dev.leadflow.job.types.AnonymousVisitorSerializer;
import dev.leadflow.scoring.LeadEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Identity stitching's whole state of one anonymous id, in one value state: one state lookup and
 * one write per click. Serialized by {@link AnonymousVisitorSerializer}.
 */
@TypeInfo(AnonymousVisitorSerializer.Factory.class)
public class AnonymousVisitor {

    /** The lead this anonymous id belongs to; null until an event links it. */
    public String linkedLead;
    /**
     * Clicks held until the id is linked, oldest first by event time (arrival order among equal
     * times), at most the model's limit; null when none. (A buffer written by an older release is in
     * arrival order; until it is released it may evict a click that is not the oldest.)
     */
    public List<LeadEvent> held;
    /** Newest event time seen on this id: the state lives until {@code lastSeen} + retention. */
    public long lastSeen = Long.MIN_VALUE;

    public AnonymousVisitor() {}
}
