package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.MANAGER_AT_SHOPCO;
import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.T0_PLUS_7D;
import static dev.leadflow.scoring.Events.VP_AT_ACME;
import static dev.leadflow.scoring.Events.campaign;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.track;
import static dev.leadflow.scoring.Events.traits;
import static dev.leadflow.scoring.Events.with;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Demo requests, contact-sales and trials hand a lead off at once, unless fit blocks it. */
class HandRaiserTest {

    private final TestLead lead = TestLead.withDefaultModel();

    @ParameterizedTest
    @ValueSource(strings = {"demo_requested", "contact_sales", "trial_started"})
    void handRaiserIsHandedOffBelowTheThreshold(String handRaise) {
        lead.apply(identify(T0, traits("email", "ops@tinyshop.com")));
        Evaluation ev = lead.apply(track(handRaise, T0 + 1));

        assertThat(ev.readiness).isLessThan(60);
        assertThat(ev.qualified).isFalse();
        assertThat(ev.handRaised).isTrue();
        assertThat(ev.wantsHandoff).isTrue();
        assertThat(ev.transition).isEqualTo(Transition.OPENED);
        assertThat(ev.handoffId).isEqualTo("lead-1-1");
    }

    @Test
    void aHandRaiserScoredByAWildcardRuleStillRaisesItsHand() {
        TestLead custom = TestLead.withModel(String.join("\n",
                "version: wildcard-hand-raiser",
                "fit: {}",
                "engagement:",
                "  signals:",
                "    'campaign:*:ATTENDED': {points: 10, halfLife: 14d, dailyCap: 20, label: Attended}",
                "  handRaisers: {signals: ['campaign:EVENT:ATTENDED', 'track:contact_sales']}",
                ""));

        assertThat(custom.apply(campaign("WEBINAR", "ATTENDED", T0)).handRaised).isFalse();
        assertThat(custom.apply(campaign("EVENT", "ATTENDED", T0 + 1)).handRaised).isTrue();
        assertThat(custom.at(T0 + 1).engagement).isEqualTo(20);

        TestLead unscored = TestLead.withModel(TestModels.MINIMAL + "  handRaisers: {signals: ['track:contact_sales']}\n");
        assertThat(unscored.apply(track("contact_sales", T0)).handRaised).isTrue(); // no points, still a hand-raise
    }

    @Test
    void studentEmailBlocksTheHandoff() {
        lead.apply(identify(T0, traits("email", "alex@cs.stanford.edu", "title", "Research Assistant")));
        Evaluation ev = lead.apply(track("demo_requested", T0 + 1));

        assertThat(ev.handRaised).isTrue();
        assertThat(ev.fitGate).isEqualTo(FitGate.STUDENT);
        assertThat(ev.wantsHandoff).isFalse();
        assertThat(ev.transition).isEqualTo(Transition.NONE);
    }

    @Test
    void studentTitleBlocksTheHandoff() {
        lead.apply(identify(T0, with(VP_AT_ACME, "title", "Working Student, Marketing")));

        assertThat(lead.apply(track("contact_sales", T0 + 1)).fitGate).isEqualTo(FitGate.STUDENT);
        assertThat(lead.last.wantsHandoff).isFalse();
    }

    @Test
    void academicDomainsMatchOnALabelBoundary() {
        lead.apply(identify(T0, traits("email", "li@ox.ac.uk")));
        assertThat(lead.last.fitGate).isEqualTo(FitGate.STUDENT);

        TestLead other = TestLead.withDefaultModel();
        other.apply(identify(T0, traits("email", "li@mac.uk"))); // "ac.uk" but not on a dot boundary
        assertThat(other.last.fitGate).isEqualTo(FitGate.OK);
    }

    @Test
    void competitorBlocksTheHandoffEvenWhenQualified() {
        lead.apply(identify(T0, with(VP_AT_ACME, "email", "spy@eu.rivalscore.io")));
        Evaluation ev = lead.apply(track("demo_requested", T0 + 1), track("trial_started", T0 + 2));

        assertThat(ev.fitGate).isEqualTo(FitGate.COMPETITOR);
        assertThat(ev.wantsHandoff).isFalse();
    }

    @Test
    void competitorCompanyDomainBlocksToo() {
        lead.apply(identify(T0, traits("email", "someone@gmail.com", "company_domain", "leadlift.com")));

        assertThat(lead.last.fitGate).isEqualTo(FitGate.COMPETITOR);
    }

    @Test
    void freeMailOnlyBlocksTheHandoff() {
        lead.apply(identify(T0, traits("email", "jane@gmail.com", "title", "CEO")));
        Evaluation ev = lead.apply(track("demo_requested", T0 + 1));

        assertThat(ev.fitGate).isEqualTo(FitGate.FREE_MAIL_ONLY);
        assertThat(ev.wantsHandoff).isFalse();
    }

    @Test
    void freeMailWithACompanyDomainIsFine() {
        lead.apply(identify(T0, traits("email", "jane@gmail.com", "company_domain", "acme.com")));
        Evaluation ev = lead.apply(track("demo_requested", T0 + 1));

        assertThat(ev.fitGate).isEqualTo(FitGate.OK);
        assertThat(ev.wantsHandoff).isTrue();
    }

    @Test
    void handRaiseCountsForSevenDaysExclusive() {
        lead.apply(identify(T0, MANAGER_AT_SHOPCO), track("demo_requested", T0));

        assertThat(lead.at(T0_PLUS_7D - 1).handRaised).isTrue();
        Evaluation after = lead.at(T0_PLUS_7D);
        assertThat(after.handRaised).isFalse();
        // readiness 25 + 30 * 2^(-7/14) = 46: not qualified, so the handoff is withdrawn
        assertThat(after.wantsHandoff).isFalse();
        assertThat(after.transition).isEqualTo(Transition.CLOSED);
    }

    @Test
    void aQualifiedHandRaiserStaysQueuedAfterTheWindow() {
        lead.apply(identify(T0, VP_AT_ACME), track("demo_requested", T0));
        assertThat(lead.last.qualified).isTrue(); // 40 + 30

        Evaluation after = lead.at(T0_PLUS_7D);
        assertThat(after.handRaised).isFalse();
        assertThat(after.wantsHandoff).isTrue();
        assertThat(after.transition).isEqualTo(Transition.NONE);
    }
}
