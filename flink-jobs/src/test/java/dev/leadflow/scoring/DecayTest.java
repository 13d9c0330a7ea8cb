package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.DAY;
import static dev.leadflow.scoring.Events.HOUR;
import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.T0_PLUS_3D;
import static dev.leadflow.scoring.Events.T0_PLUS_6D;
import static dev.leadflow.scoring.Events.campaign;
import static dev.leadflow.scoring.Events.page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.leadflow.scoring.model.ScoringModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Engagement points fade with each signal's half-life, on event time, whatever the arrival order. */
class DecayTest {

    @Test
    void pricingViewHalvesEveryThreeDays() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(page("pricing", T0));

        assertThat(lead.signalPoints("page:pricing", T0)).isEqualTo(8.0);
        assertThat(lead.signalPoints("page:pricing", T0_PLUS_3D)).isEqualTo(4.0);
        assertThat(lead.signalPoints("page:pricing", T0_PLUS_6D)).isEqualTo(2.0);
    }

    @Test
    void evaluationAtLaterTimesSeesTheDecayedValue() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(page("pricing", T0));

        assertThat(lead.at(T0_PLUS_3D).engagement).isEqualTo(4);
        assertThat(lead.at(T0_PLUS_6D).engagement).isEqualTo(2);
    }

    @Test
    void eachSignalDecaysWithItsOwnHalfLife() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(page("pricing", T0), campaign("WEBINAR", "ATTENDED", T0));

        // pricing 8 pts / 3 d, webinar 15 pts / 14 d
        assertThat(lead.engagementPoints(T0 + 14 * DAY)).isCloseTo(8 * Math.pow(2, -14.0 / 3) + 7.5, within(1e-12));
    }

    @Test
    void lateArrivalDecaysToTheNewestTime() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(page("pricing", T0_PLUS_3D));
        lead.apply(page("pricing", T0)); // arrives late, e.g. re-stitched

        assertThat(lead.signalPoints("page:pricing", T0_PLUS_3D)).isEqualTo(12.0); // 8 + 8/2
        assertThat(lead.signalPoints("page:pricing", T0_PLUS_6D)).isEqualTo(6.0); // 4 + 2
    }

    @Test
    void inOrderAndOutOfOrderGiveTheSameValue() {
        TestLead inOrder = TestLead.withDefaultModel();
        inOrder.apply(page("pricing", T0), page("pricing", T0_PLUS_3D));
        TestLead reversed = TestLead.withDefaultModel();
        reversed.apply(page("pricing", T0_PLUS_3D), page("pricing", T0));

        assertThat(inOrder.signalPoints("page:pricing", T0_PLUS_6D)).isEqualTo(6.0);
        assertThat(reversed.signalPoints("page:pricing", T0_PLUS_6D)).isEqualTo(6.0);
    }

    @Test
    void anyArrivalOrderGivesTheSameScore() {
        // one view a day at varying hours (below the daily cap, so order cannot change what is credited)
        List<Long> times = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            times.add(T0 + d * DAY + (d * 7 % 11) * HOUR);
        }
        long end = T0 + 12 * DAY;
        TestLead reference = TestLead.withDefaultModel();
        times.forEach(t -> reference.apply(page("pricing", t)));
        double expected = 0;
        for (long t : times) {
            expected += 8 * Math.pow(2, -(double) (end - t) / (3 * DAY));
        }
        assertThat(reference.signalPoints("page:pricing", end)).isCloseTo(expected, within(1e-9));

        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(times, random);
            TestLead shuffled = TestLead.withDefaultModel();
            times.forEach(t -> shuffled.apply(page("pricing", t)));
            assertThat(shuffled.signalPoints("page:pricing", end)).isCloseTo(expected, within(1e-9));
            assertThat(shuffled.at(end).engagement).isEqualTo(reference.at(end).engagement);
        }
    }

    @Test
    void engagementIsTheSumOfTheSignalsWhateverTheMix() {
        TestLead lead = TestLead.withDefaultModel();
        Random random = new Random(7);
        String[] pages = {"pricing", "product", "docs", "blog", "careers"};
        for (int i = 0; i < 300; i++) {
            long at = T0 + random.nextInt(20) * DAY + random.nextInt(24) * HOUR;
            lead.apply(random.nextBoolean() ? page(pages[random.nextInt(pages.length)], at)
                    : campaign(random.nextBoolean() ? "EMAIL" : "WEBINAR", random.nextBoolean() ? "OPENED" : "ATTENDED", at));
        }
        long end = T0 + 25 * DAY;
        double sumOfSignals = 0;
        for (String signal : lead.state.signals.keySet()) {
            sumOfSignals += lead.signalPoints(signal, end);
        }

        assertThat(lead.engagementPoints(end)).isCloseTo(sumOfSignals, within(1e-9));
    }

    @Test
    void aNewModelDecaysExistingCreditsWithItsHalfLives() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(page("pricing", T0), campaign("WEBINAR", "ATTENDED", T0));
        LeadScorer slower = new LeadScorer(ScoringModel.fromYaml(TestModels.defaultYamlWith(
                "{points: 8,   halfLife: 3d,", "{points: 8,   halfLife: 6d,")));

        assertThat(slower.engagementPoints(lead.state, T0_PLUS_6D)).isCloseTo(4.0 + 15 * Math.pow(2, -6.0 / 14), within(1e-12));
        assertThat(lead.engagementPoints(T0_PLUS_6D)).isCloseTo(2.0 + 15 * Math.pow(2, -6.0 / 14), within(1e-12));
    }

    @Test
    void engagementIsTheRoundedSum() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(page("pricing", T0), campaign("EMAIL", "OPENED", T0));

        // 8 * 2^(-1/3) + 1 * 2^(-1/7) = 6.35 + 0.91 = 7.26
        assertThat(lead.at(T0 + DAY).engagement).isEqualTo(7);
    }
}
