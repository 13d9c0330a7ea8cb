package dev.leadflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-signal bookkeeping behind reasons and daily caps, in any arrival order. */
class SignalStateTest {

    @Test
    void keepsTheSixteenNewestTimesWhateverTheOrder() {
        Random random = new Random(3);
        for (int round = 0; round < 50; round++) {
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < 5 + random.nextInt(40); i++) {
                times.add((long) random.nextInt(1000));
            }
            SignalState st = new SignalState();
            times.forEach(st::seen);

            List<Long> newest = new ArrayList<>(times);
            newest.sort(Collections.reverseOrder());
            newest = newest.subList(0, Math.min(SignalState.RECENT_MAX, newest.size()));
            for (long from = -1; from < 1000; from += 97) {
                long f = from;
                assertThat(st.seenBetween(f, 1000)).isEqualTo((int) newest.stream().filter(t -> t > f).count());
            }
            assertThat(st.lastSeen).isEqualTo(Collections.max(times));
        }
    }

    @Test
    void creditsPerDayInAnyOrder() {
        SignalState st = new SignalState();
        st.addDayCredit(10, 8, 0);
        st.addDayCredit(12, 8, 0);
        st.addDayCredit(11, 8, 0); // late
        st.addDayCredit(10, 8, 0); // late, same day as before
        st.addDayCredit(12, 4, 0);

        assertThat(st.creditedOn(10)).isEqualTo(16);
        assertThat(st.creditedOn(11)).isEqualTo(8);
        assertThat(st.creditedOn(12)).isEqualTo(12);
        assertThat(st.creditedOn(13)).isZero();

        st.addDayCredit(20, 8, 11 * Durations.DAY); // day 10 is now beyond the horizon
        assertThat(st.creditedOn(11)).isEqualTo(8);
        assertThat(st.creditedOn(12)).isEqualTo(12);
        assertThat(st.creditedOn(20)).isEqualTo(8);
    }

    @Test
    void theDayOfATimeIsItsUtcDayOnBothSidesOfMidnight() {
        SignalState st = new SignalState();
        long midnight = 20_000 * Durations.DAY;
        st.addDayCredit(20_000, 8, 0);

        assertThat(st.dayOf(midnight)).isEqualTo(20_000);
        assertThat(st.dayOf(midnight + Durations.DAY - 1)).isEqualTo(20_000);
        assertThat(st.dayOf(midnight + Durations.DAY)).isEqualTo(20_001);
        assertThat(st.dayOf(midnight - 1)).isEqualTo(19_999);
        assertThat(new SignalState().dayOf(-1)).isEqualTo(-1);
    }

    @Test
    void daysBeyondTheHorizonDoNotAccumulate() {
        SignalState st = new SignalState();
        for (long day = 0; day < 1000; day++) {
            st.addDayCredit(day, 8, (day - 30) * Durations.DAY);
        }

        assertThat(st.dayCredits.length).isLessThanOrEqualTo(64);
        assertThat(st.creditedOn(999)).isEqualTo(8);
        assertThat(st.creditedOn(980)).isEqualTo(8);
    }
}
