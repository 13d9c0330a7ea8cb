package dev.leadflow.job.ingest;

import dev.leadflow.job.types.LeadEventSerializer;
import dev.leadflow.scoring.LeadEvent;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What the sources emit: either a decoded event or a dead letter, never both. Decoding happens in
 * the source so that the watermark can follow the events' own time ({@code occurred_at}); dead
 * letters carry {@link Long#MIN_VALUE} as their timestamp and so never move the watermark.
 */
public class DecodedRecord {
    @TypeInfo(LeadEventSerializer.Factory.class)
    public LeadEvent event;
    public DeadLetter deadLetter;

    public DecodedRecord() {}

    public static DecodedRecord of(LeadEvent event) {
        DecodedRecord r = new DecodedRecord();
        r.event = event;
        return r;
    }

    public static DecodedRecord dead(DeadLetter deadLetter) {
        DecodedRecord r = new DecodedRecord();
        r.deadLetter = deadLetter;
        return r;
    }
}
