package dev.leadflow.outcomes;

import static dev.leadflow.outcomes.FateEvents.enqueue;
import static dev.leadflow.outcomes.FateEvents.sales;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.job.JobMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The outcomes job's counters, as it increments them event by event (in any arrival order), add up to what the
 * lead's final fates say, counted here by hand: one first-touch and one accept time per handoff in the right
 * cumulative buckets, and a won deal counted as sourced only when its opportunity opened after the handoff.
 */
class OutcomeCountersTest {

    private static final long MINUTE = 60_000L;
    private static final long DAY = 1_440 * MINUTE;
    private static final long WINDOW = 90 * DAY;

    /** Sums the increments as the function makes them: per arrival, for each handoff whose fate changed. */
    private static Map<List<String>, Integer> replay(List<FateEvent> arrivals) {
        Map<List<String>, Integer> totals = new HashMap<>();
        List<FateEvent> seen = new ArrayList<>();
        for (FateEvent e : arrivals) {
            Map<String, Fates.Fate> old = new HashMap<>();
            Fates.compute(seen, WINDOW).forEach(f -> old.put(f.handoffId(), f));
            seen.add(e);
            for (Fates.Fate f : Fates.compute(seen, WINDOW)) {
                if (Fates.changed(old.get(f.handoffId()), f)) {
                    HandoffOutcomeFunction.increments(old.get(f.handoffId()), f).forEach(i -> totals.merge(i, 1, Integer::sum));
                }
            }
        }
        return totals;
    }

    private static int bucket(Map<List<String>, Integer> totals, String metric, String le) {
        return totals.getOrDefault(List.of(metric, "queue", "default", "le", le), 0);
    }

    @Test
    void timesLandInCumulativeBucketsOnceWhateverTheArrivalOrder() {
        Random random = new Random(17);
        for (int round = 0; round < 200; round++) {
            long touchAfter = (long) (random.nextDouble() * 10 * DAY);
            long acceptAfter = (long) (random.nextDouble() * 2 * DAY);
            boolean opportunityFirst = random.nextBoolean();
            List<FateEvent> events = new ArrayList<>(List.of(enqueue("h", 0),
                    sales(FateEvent.Kind.ACCEPTED, acceptAfter, "a"),
                    sales(FateEvent.Kind.TOUCH, touchAfter, "t1"),
                    sales(FateEvent.Kind.TOUCH, touchAfter + 5 * MINUTE, "t2"),
                    sales(FateEvent.Kind.WON, 20 * DAY, "w")));
            if (opportunityFirst) {
                events.add(sales(FateEvent.Kind.OPPORTUNITY, 12 * DAY, "o"));
            }
            events.add(events.get(2)); // a repeated record
            Collections.shuffle(events, random);
            Map<List<String>, Integer> totals = replay(events);

            for (long bound : HandoffOutcomeFunction.BUCKETS) {
                String le = Long.toString(bound);
                assertThat(bucket(totals, JobMetrics.OUTCOMES_FIRST_TOUCH, le)).as("touch after %d ms, le %s", touchAfter, le)
                        .isEqualTo(touchAfter <= bound * 1000 ? 1 : 0);
                assertThat(bucket(totals, JobMetrics.OUTCOMES_ACCEPT_TIME, le)).isEqualTo(acceptAfter <= bound * 1000 ? 1 : 0);
            }
            assertThat(bucket(totals, JobMetrics.OUTCOMES_FIRST_TOUCH, "Inf")).isEqualTo(1);
            assertThat(bucket(totals, JobMetrics.OUTCOMES_ACCEPT_TIME, "Inf")).isEqualTo(1);
            assertThat(totals.getOrDefault(List.of(JobMetrics.OUTCOMES_WON_SOURCED, "grade", "A1"), 0))
                    .as("sourced only with an opportunity after the handoff").isEqualTo(opportunityFirst ? 1 : 0);
            assertThat(totals.get(List.of(JobMetrics.OUTCOMES_WON, "grade", "A1"))).isEqualTo(1);
            assertThat(totals.get(List.of(JobMetrics.OUTCOMES_HANDOFFS, "queue", "default", "grade", "A1"))).isEqualTo(1);
        }
    }

    @Test
    void anOpportunityBeforeTheHandoffIsNotSourcedByIt() {
        Map<List<String>, Integer> totals = replay(List.of(sales(FateEvent.Kind.OPPORTUNITY, 0, "o"), enqueue("h", DAY),
                sales(FateEvent.Kind.WON, 10 * DAY, "w")));
        assertThat(totals.get(List.of(JobMetrics.OUTCOMES_WON, "grade", "A1"))).isEqualTo(1);
        assertThat(totals).doesNotContainKey(List.of(JobMetrics.OUTCOMES_WON_SOURCED, "grade", "A1"));
    }

    @Test
    void aWonEventCountsAmongAllDealsOnce() {
        FateEvent won = sales(FateEvent.Kind.WON, 0, "w");
        assertThat(HandoffOutcomeFunction.isNew(won, List.of())).isTrue();
        assertThat(HandoffOutcomeFunction.isNew(won, List.of(sales(FateEvent.Kind.WON, 5, "w")))).isFalse();
        assertThat(HandoffOutcomeFunction.isNew(won, List.of(sales(FateEvent.Kind.OPPORTUNITY, 0, "w")))).isTrue();
    }
}
