package dev.leadflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.scoring.model.ScoringModel;
import org.junit.jupiter.api.Test;

/** Readiness, plus the buying-committee bonus, plus the hand-raiser boost. */
class AccountPriorityTest {

    private final ScoringModel model = ScoringModel.defaults();

    private static Evaluation lead(int readiness, boolean engaged, boolean handRaised) {
        Evaluation ev = new Evaluation();
        ev.readiness = readiness;
        ev.engaged = engaged;
        ev.handRaised = handRaised;
        return ev;
    }

    @Test
    void aLoneLeadIsItsReadiness() {
        assertThat(AccountPriority.priority(model, lead(70, true, false), 1)).isEqualTo(70.0);
        assertThat(AccountPriority.priority(model, lead(70, false, false), 0)).isEqualTo(70.0);
    }

    @Test
    void eachOtherEngagedLeadAddsFiveUpToFifteen() {
        assertThat(AccountPriority.priority(model, lead(70, true, false), 2)).isEqualTo(75.0);
        assertThat(AccountPriority.priority(model, lead(70, true, false), 4)).isEqualTo(85.0);
        assertThat(AccountPriority.priority(model, lead(70, true, false), 10)).isEqualTo(85.0);
        assertThat(AccountPriority.priority(model, lead(70, false, false), 2)).isEqualTo(80.0);
    }

    @Test
    void everyHandRaiserSortsBeforeEveryOtherLead() {
        double bestOther = AccountPriority.priority(model, lead(100, true, false), 50);
        double weakestHandRaiser = AccountPriority.priority(model, lead(0, false, true), 0);

        assertThat(weakestHandRaiser).isGreaterThan(bestOther);
        assertThat(weakestHandRaiser).isEqualTo(200.0);
    }

    @Test
    void theSameInputsGiveTheSamePriority() {
        Evaluation ev = lead(63, true, true);

        assertThat(AccountPriority.priority(model, ev, 3)).isEqualTo(AccountPriority.priority(model, ev, 3))
                .isEqualTo(63 + 10 + 200.0);
    }
}
