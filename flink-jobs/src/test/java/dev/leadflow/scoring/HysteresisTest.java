package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.track;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Qualified at 60, unqualified only below 45: a lead between the two never flaps. */
class HysteresisTest {

    private final TestLead lead = TestLead.withModel(TestModels.COUNTER);
    private long clock = T0;

    /** Moves readiness to exactly {@code target} with +1 / -1 events one millisecond apart. */
    private Evaluation readiness(int target) {
        int current = lead.last == null ? 0 : lead.last.readiness;
        while (current != target) {
            lead.apply(track(current < target ? "up" : "down", clock++));
            current = lead.last.readiness;
        }
        return lead.last;
    }

    @Test
    void fiftyNineBeforeQualifyingNeverQualifies() {
        for (int round = 0; round < 5; round++) {
            assertThat(readiness(59).qualified).isFalse();
            assertThat(readiness(30).qualified).isFalse();
        }
        assertThat(readiness(59).wantsHandoff).isFalse();
    }

    @Test
    void qualifiesAtSixty() {
        assertThat(readiness(59).qualified).isFalse();
        Evaluation at60 = readiness(60);

        assertThat(at60.qualified).isTrue();
        assertThat(at60.wantsHandoff).isTrue();
        assertThat(at60.transition).isEqualTo(Transition.OPENED);
    }

    @Test
    void oscillatingBetween46And59AfterQualifyingStaysQualified() {
        readiness(60);
        String handoff = lead.last.handoffId;
        for (int round = 0; round < 10; round++) {
            for (int r : new int[] {59, 46, 52, 45, 58}) {
                Evaluation ev = readiness(r);
                assertThat(ev.qualified).as("readiness %d", r).isTrue();
                assertThat(ev.transition).isEqualTo(Transition.NONE);
                assertThat(ev.handoffId).isEqualTo(handoff);
            }
        }
    }

    @Test
    void belowFortyFiveLeavesAndSixtyIsNeededAgain() {
        readiness(60);
        assertThat(readiness(45).qualified).isTrue();

        Evaluation at44 = readiness(44);
        assertThat(at44.qualified).isFalse();
        assertThat(at44.transition).isEqualTo(Transition.CLOSED);

        assertThat(readiness(59).qualified).isFalse();
        assertThat(readiness(60).qualified).isTrue();
        assertThat(lead.last.transition).isEqualTo(Transition.OPENED);
        assertThat(lead.last.handoffId).isEqualTo("lead-1-2");
    }

    @Test
    void decayAloneCannotRequalify() {
        readiness(60);
        readiness(44);
        assertThat(lead.at(clock + 1_000_000).qualified).isFalse();
    }
}
