package dev.leadflow.job.identity;

import dev.leadflow.job.types.AnonymousVisitorSerializer;
import dev.leadflow.scoring.LeadEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Identity stitching's state of one anonymous id besides its held clicks: read and written on every
 * click of the id, so it stays small. The clicks themselves are in a list state of their own
 * ({@link IdentityStitcher#HELD}), appended to without being read. Serialized by
 * {@link AnonymousVisitorSerializer}.
 */
@TypeInfo(AnonymousVisitorSerializer.Factory.class)
public class AnonymousVisitor {

    /** The lead this anonymous id belongs to; null until an event links it. */
    public String linkedLead;
    /**
     * Clicks held in this value by release 2026.2 (format 1), oldest first by event time; null once
     * moved to the list state, which happens when the id is next seen. Never set by this release.
     */
    public List<LeadEvent> held;
    /** Clicks in the id's list state, including those beyond the limit not yet dropped. */
    public int heldCount;
    /** Newest event time seen on this id: the state lives until {@code lastSeen} + retention. */
    public long lastSeen = Long.MIN_VALUE;

    public AnonymousVisitor() {}
}
