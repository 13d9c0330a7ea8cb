package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.MANAGER_AT_SHOPCO;
import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.VP_AT_ACME;
import static dev.leadflow.scoring.Events.campaign;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.page;
import static dev.leadflow.scoring.Events.track;
import static dev.leadflow.scoring.Events.traits;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Negative signals subtract; fit, engagement and readiness stay in their ranges. */
class ScoreRangeTest {

    @Test
    void negativeSignalsSubtract() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(page("pricing", T0), page("pricing", T0 + 1), page("careers", T0 + 2));

        assertThat(lead.last.engagement).isEqualTo(16 - 5);
    }

    @Test
    void engagementNeverGoesBelowZero() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(identify(T0, MANAGER_AT_SHOPCO), campaign("EMAIL", "SPAM_REPORT", T0 + 1));

        assertThat(lead.engagementPoints(T0 + 1)).isEqualTo(-30.0);
        assertThat(lead.last.engagement).isZero();
        assertThat(lead.last.readiness).isEqualTo(25); // the negative engagement does not eat into fit
    }

    @Test
    void engagementIsCappedAtItsMaximum() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(track("demo_requested", T0), track("trial_started", T0), campaign("WEBINAR", "ATTENDED", T0),
                campaign("EVENT", "ATTENDED", T0));

        assertThat(lead.engagementPoints(T0)).isEqualTo(85.0);
        assertThat(lead.last.engagement).isEqualTo(60);
        assertThat(lead.last.grade).isEqualTo("D1");
    }

    @Test
    void fitIsCappedAtItsMaximum() {
        String yaml = TestModels.defaultYamlWith("    business: 2\n", "    business: 20\n");
        TestLead lead = TestLead.withModel(yaml);
        lead.apply(identify(T0, VP_AT_ACME)); // 15 + 10 + 8 + 5 + 20 = 58

        assertThat(lead.last.fit).isEqualTo(40);
    }

    @Test
    void fitNeverGoesBelowZero() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(identify(T0, traits("email", "kid@gmail.com", "industry", "Non-profit")));

        assertThat(lead.last.fit).isZero(); // -10 free mail - 2 industry
    }

    @Test
    void readinessIsClampedToOneHundred() {
        TestLead lead = TestLead.withModel(String.join("\n",
                "version: wide",
                "fit:",
                "  max: 100",
                "  email: {business: 80}",
                "engagement:",
                "  max: 100",
                "  signals:",
                "    'track:demo_requested': {points: 90, halfLife: 14d, dailyCap: 90, label: Requested a demo}",
                ""));
        lead.apply(identify(T0, traits("email", "cio@bigcorp.com")), track("demo_requested", T0));

        assertThat(lead.last.fit).isEqualTo(80);
        assertThat(lead.last.engagement).isEqualTo(90);
        assertThat(lead.last.readiness).isEqualTo(100);
    }

    @Test
    void topLeadGradesA1() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(identify(T0, VP_AT_ACME), track("demo_requested", T0), campaign("WEBINAR", "ATTENDED", T0));

        assertThat(lead.last.fit).isEqualTo(40);
        assertThat(lead.last.engagement).isEqualTo(45);
        assertThat(lead.last.readiness).isEqualTo(85);
        assertThat(lead.last.grade).isEqualTo("A1");
    }
}
