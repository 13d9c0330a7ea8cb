package dev.leadflow.job.ingest;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks that catch up with the wall clock when a split goes quiet.
 *
 * <p>While events flow, the watermark trails the highest event time seen by the allowed
 * out-of-orderness, exactly like {@code forBoundedOutOfOrderness}; a replay of old data therefore
 * runs in its own event time. Once the split has seen no event for {@code idleAfter}, its
 * watermark moves to the wall clock (minus the out-of-orderness) and follows it: nothing older is
 * expected any more. The job's watermark is the minimum over all splits, so it follows the wall
 * clock only once every stream is quiet — and then queued leads still cool down, because their
 * event-time decay timers fire, up to the present. A split that has not seen an event since it was
 * assigned is marked idle, so it does not hold back the job, and after {@code idleAfter} it follows
 * the wall clock too: the generator's own position is not checkpointed, so without that a job
 * restored while every stream is quiet would hold the timers of its restored state until the next
 * event (GoldenSavepointIT saw restored decay timers never fire). Events that arrive after such an
 * advance are late but never dropped: the scoring functions accept them and decay is computed from
 * their own time.
 */
public final class WallClockIdleWatermarks<T> implements WatermarkGenerator<T> {

    private final long outOfOrdernessMs;
    private final long idleAfterMs;
    private final LongSupplier clock;

    private long maxTimestamp = Long.MIN_VALUE;
    /** Wall-clock time of the last event; until the first one, of the split's assignment. */
    private long lastEventWallClock;
    private long lastEmitted = Long.MIN_VALUE;

    public WallClockIdleWatermarks(Duration outOfOrderness, Duration idleAfter, LongSupplier clock) {
        this.outOfOrdernessMs = outOfOrderness.toMillis();
        this.idleAfterMs = idleAfter.toMillis();
        this.clock = clock;
        this.lastEventWallClock = clock.getAsLong();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp == Long.MIN_VALUE) {
            return; // dead letters carry no event time
        }
        boolean first = maxTimestamp == Long.MIN_VALUE;
        maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
        lastEventWallClock = clock.getAsLong();
        if (first) {
            // The split may be marked idle (no event since its assignment): end that now, right behind
            // this first record, not at the next periodic emit. Records sent while a stream is idle do
            // not count in the watermark of the operators they reach; one that also reaches an operator
            // by a second, faster path (scoring gets clicks through stitching and the watermark directly
            // from decoding) would find there a watermark already ahead of it, and a period's worth of
            // records would be late.
            emit(maxTimestamp - outOfOrdernessMs - 1, output);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.getAsLong();
        if (maxTimestamp == Long.MIN_VALUE && now - lastEventWallClock <= idleAfterMs) {
            output.markIdle();
            return;
        }
        long watermark = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - outOfOrdernessMs - 1;
        if (now - lastEventWallClock > idleAfterMs) {
            watermark = Math.max(watermark, now - outOfOrdernessMs - 1);
        }
        emit(watermark, output);
    }

    private void emit(long watermark, WatermarkOutput output) {
        if (watermark > lastEmitted) {
            lastEmitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
