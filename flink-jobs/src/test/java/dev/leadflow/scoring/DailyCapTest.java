package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.DAY;
import static dev.leadflow.scoring.Events.MINUTE;
import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.T0_MIDNIGHT;
import static dev.leadflow.scoring.Events.campaign;
import static dev.leadflow.scoring.Events.page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** A signal credits at most its daily cap per UTC day, so bots and refreshes cannot inflate a score. */
class DailyCapTest {

    @Test
    void hundredPricingViewsInOneDayCreditAtMostTheCap() {
        TestLead lead = TestLead.withDefaultModel();
        for (int i = 0; i < 100; i++) {
            lead.apply(page("pricing", T0 + i * MINUTE));
        }

        // cap 24 = three views; the next 97 credit nothing
        long end = T0 + 100 * MINUTE;
        double threeViews = 0;
        for (int i = 0; i < 3; i++) {
            threeViews += 8 * Math.pow(2, -(double) (end - (T0 + i * MINUTE)) / (3 * DAY));
        }
        assertThat(lead.signalPoints("page:pricing", end)).isCloseTo(threeViews, within(1e-9));
        assertThat(lead.last.engagement).isEqualTo(24);
    }

    @Test
    void theNextUtcDayCreditsAgain() {
        TestLead lead = TestLead.withDefaultModel();
        for (int i = 0; i < 5; i++) {
            lead.apply(page("pricing", T0_MIDNIGHT - 10 * MINUTE + i));
        }
        lead.apply(page("pricing", T0_MIDNIGHT - 1)); // still the same UTC day: capped
        assertThat(lead.signalPoints("page:pricing", T0_MIDNIGHT)).isCloseTo(24, within(0.1));

        lead.apply(page("pricing", T0_MIDNIGHT)); // first millisecond of the next day
        assertThat(lead.signalPoints("page:pricing", T0_MIDNIGHT)).isCloseTo(32, within(0.1));
    }

    @Test
    void theCapCanCreditPartOfAnEvent() {
        TestLead lead = TestLead.withModel(String.join("\n",
                "version: partial",
                "fit: {}",
                "engagement:",
                "  signals:",
                "    'page:pricing': {points: 8, halfLife: 3d, dailyCap: 20, label: Viewed pricing}",
                ""));
        lead.apply(page("pricing", T0), page("pricing", T0), page("pricing", T0));

        assertThat(lead.signalPoints("page:pricing", T0)).isEqualTo(20.0); // 8 + 8 + 4
    }

    @Test
    void negativeSignalsAreCappedByMagnitude() {
        TestLead lead = TestLead.withDefaultModel();
        for (int i = 0; i < 10; i++) {
            lead.apply(page("careers", T0 + i)); // -5 each, cap 10
        }

        assertThat(lead.signalPoints("page:careers", T0 + 10)).isCloseTo(-10, within(1e-6));
    }

    @Test
    void aLateEventIsCappedByItsOwnDay() {
        TestLead lead = TestLead.withDefaultModel();
        for (int i = 0; i < 3; i++) {
            lead.apply(page("pricing", T0 + 2 * DAY + i)); // fills day T0+2d
        }
        lead.apply(page("pricing", T0)); // re-stitched view from two days earlier: its day is empty

        assertThat(lead.signalPoints("page:pricing", T0 + 2 * DAY + 3))
                .isCloseTo(24 + 8 * Math.pow(2, -2.0 / 3), within(1e-6));

        lead.apply(page("pricing", T0 + 2 * DAY + 10)); // day T0+2d is still full
        assertThat(lead.signalPoints("page:pricing", T0 + 2 * DAY + 10))
                .isCloseTo(24 + 8 * Math.pow(2, -2.0 / 3), within(1e-6));
    }

    @Test
    void wildcardSignalsShareOneCapAcrossChannels() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(campaign("EMAIL", "UNSUBSCRIBED", T0), campaign("WEBINAR", "UNSUBSCRIBED", T0));

        assertThat(lead.signalPoints("campaign:*:UNSUBSCRIBED", T0)).isEqualTo(-15.0); // cap 15
    }
}
