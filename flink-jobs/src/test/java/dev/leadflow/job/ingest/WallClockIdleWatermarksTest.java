package dev.leadflow.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class WallClockIdleWatermarksTest {

    private final AtomicLong wallClock = new AtomicLong(1_000_000);
    private final Recorder out = new Recorder();
    private final WallClockIdleWatermarks<String> generator =
            new WallClockIdleWatermarks<>(Duration.ofSeconds(5), Duration.ofSeconds(30), wallClock::get);

    @Test
    void aSplitWithoutEventsIsIdleAndDoesNotHoldBackOthers() {
        generator.onPeriodicEmit(out);
        assertThat(out.idle).isTrue();
        assertThat(out.watermarks).isEmpty();
    }

    @Test
    void aSplitWithoutEventsFollowsTheWallClockAfterIdleAfter() {
        // e.g. a job restored from a savepoint while every stream is quiet: its restored decay
        // timers must still fire, which needs a watermark
        wallClock.addAndGet(30_000);
        generator.onPeriodicEmit(out);
        assertThat(out.idle).as("quiet for idleAfter, not longer").isTrue();
        wallClock.addAndGet(1);
        generator.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(1_030_001L - 5_000 - 1);

        // its first event, older than the wall clock, is late and does not move the watermark back
        generator.onEvent("old", 100_000, out);
        generator.onPeriodicEmit(out);
        assertThat(out.watermarks).hasSize(1);
    }

    @Test
    void theFirstEventEndsIdlenessAtOnce() {
        generator.onPeriodicEmit(out);
        assertThat(out.idle).isTrue();
        // Records sent while the split is idle would not count downstream: the first one must end the
        // idleness right behind itself, not up to a periodic interval (thousands of records) later.
        generator.onEvent("first", 100_000, out);
        assertThat(out.idle).isFalse();
        assertThat(out.watermarks).containsExactly(100_000L - 5_000 - 1);
        generator.onEvent("second", 101_000, out);
        assertThat(out.watermarks).as("later events wait for the periodic emit").hasSize(1);
        generator.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(94_999L, 95_999L);
    }

    @Test
    void trailsTheHighestEventTimeByTheOutOfOrderness() {
        generator.onEvent("a", 100_000, out);
        generator.onEvent("b", 90_000, out);
        generator.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(100_000L - 5_000 - 1);
    }

    @Test
    void catchesUpWithTheWallClockOnceQuietForLongerThanIdleAfter() {
        // Replaying old data: event time is far behind the wall clock (1,000,000).
        generator.onEvent("a", 100_000, out);
        wallClock.addAndGet(30_000);
        generator.onPeriodicEmit(out);
        assertThat(out.watermarks).as("not quiet for longer than idleAfter yet").containsExactly(94_999L);

        wallClock.addAndGet(1);
        generator.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(94_999L, 1_030_001L - 5_000 - 1);

        wallClock.addAndGet(60_000);
        generator.onPeriodicEmit(out);
        assertThat(out.watermarks).last().isEqualTo(1_090_001L - 5_000 - 1);

        // A late event does not move the watermark back.
        generator.onEvent("late", 50_000, out);
        generator.onPeriodicEmit(out);
        assertThat(out.watermarks).hasSize(3);
    }

    @Test
    void deadLettersDoNotMoveTheWatermark() {
        generator.onEvent("dead", Long.MIN_VALUE, out);
        generator.onPeriodicEmit(out);
        assertThat(out.idle).isTrue();
    }

    private static final class Recorder implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }
}
