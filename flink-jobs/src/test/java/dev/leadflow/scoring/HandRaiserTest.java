package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.DAY;
import static dev.leadflow.scoring.Events.MANAGER_AT_SHOPCO;
import static dev.leadflow.scoring.Events.MINUTE;
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

/**
 * Demo requests, contact-sales and trials hand a lead off at once, unless fit blocks it; a lead
 * with no email yet waits for its traits first (handRaisers.awaitTraits, 15 minutes by default).
 */
class HandRaiserTest {

    private static final long AWAIT_ENDS = T0 + 15 * MINUTE;

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

    @Test
    void aHandRaiseWithNoTraitsWaitsForThem() {
        Evaluation ev = lead.apply(track("demo_requested", T0));

        assertThat(ev.handRaised).isTrue();
        assertThat(ev.fitGate).isEqualTo(FitGate.OK); // no profile: nothing for the gate to block yet
        assertThat(ev.suppression).isEqualTo(Suppression.AWAITING_TRAITS);
        assertThat(ev.suppressedUntil).isEqualTo(AWAIT_ENDS);
        assertThat(ev.wantsHandoff).isFalse();
        assertThat(ev.transition).isEqualTo(Transition.NONE);
        assertThat(ev.engagement).isEqualTo(30); // the points count meanwhile
        assertThat(lead.at(AWAIT_ENDS - 1).wantsHandoff).isFalse();
    }

    @Test
    void traitsWithoutAnEmailAreNotEnoughToAct() {
        lead.apply(identify(T0, traits("first_name", "Sam", "company", "ShopCo", "title", "IT Manager")));

        assertThat(lead.apply(track("contact_sales", T0 + 1)).suppression).isEqualTo(Suppression.AWAITING_TRAITS);
        assertThat(lead.last.wantsHandoff).isFalse();
    }

    @Test
    void anEmailWithinTheWaitHandsTheLeadOffAtOnce() {
        lead.apply(track("demo_requested", T0));
        LeadEvent identify = identify(T0 + 5 * MINUTE, MANAGER_AT_SHOPCO);

        Evaluation ev = lead.apply(identify);

        assertThat(ev.transition).isEqualTo(Transition.OPENED);
        assertThat(ev.at).isEqualTo(T0 + 5 * MINUTE);
        assertThat(ev.eventId).isEqualTo(identify.eventId);
        assertThat(ev.suppression).isEqualTo(Suppression.NONE);
        assertThat(ev.contact.email).isEqualTo("sam@shopco.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"alex@cs.stanford.edu", "spy@rivalscore.io", "jane@gmail.com"})
    void aStudentCompetitorOrFreeMailIdentifiedWithinTheWaitIsNeverHandedOff(String email) {
        lead.apply(track("demo_requested", T0), identify(T0 + MINUTE, traits("email", email, "title", "CEO")));
        assertThat(lead.last.fitGate).isNotEqualTo(FitGate.OK);

        for (long next = lead.nextCheckAt(); next != Long.MAX_VALUE; next = lead.nextCheckAt()) {
            assertThat(lead.at(next).wantsHandoff).as("at %d", next).isFalse();
        }
        assertThat(lead.at(AWAIT_ENDS).wantsHandoff).isFalse();
        assertThat(lead.state.handoffSeq).isZero();
    }

    @Test
    void whenTheWaitEndsWithoutTraitsTheLeadIsQueuedWithoutContact() {
        lead.apply(track("demo_requested", T0));

        assertThat(lead.nextCheckAt()).isEqualTo(AWAIT_ENDS);
        Evaluation ev = lead.at(AWAIT_ENDS);
        assertThat(ev.transition).isEqualTo(Transition.OPENED);
        assertThat(ev.suppression).isEqualTo(Suppression.NONE);
        assertThat(ev.contact).isNull();

        // the residual risk of queueing blind: a later IDENTIFY as a competitor withdraws it
        Evaluation unmasked = lead.apply(identify(T0 + DAY, traits("email", "spy@rivalscore.io")));
        assertThat(unmasked.transition).isEqualTo(Transition.CLOSED);
    }

    @Test
    void anotherHandRaiseDoesNotWithdrawALeadQueuedWithoutTraits() {
        lead.apply(track("demo_requested", T0));
        lead.at(AWAIT_ENDS);
        assertThat(lead.last.transition).isEqualTo(Transition.OPENED);

        Evaluation again = lead.apply(track("demo_requested", AWAIT_ENDS + MINUTE)); // capped: still not qualified

        assertThat(again.wantsHandoff).isTrue();
        assertThat(again.transition).isEqualTo(Transition.NONE);
        assertThat(again.handoffId).isEqualTo("lead-1-1");
    }

    @Test
    void withAfterAwaitDropTheHandRaiseAloneNeverHandsOffButAnEmailInTheWindowDoes() {
        TestLead drop = TestLead.withModel(TestModels.defaultYamlWith("afterAwait: queue", "afterAwait: drop"));
        drop.apply(track("demo_requested", T0));

        assertThat(drop.nextCheckAt()).isEqualTo(T0_PLUS_7D); // the end of the window, not of awaitTraits
        Evaluation waiting = drop.at(T0 + DAY);
        assertThat(waiting.wantsHandoff).isFalse();
        assertThat(waiting.suppression).isEqualTo(Suppression.AWAITING_TRAITS);
        assertThat(waiting.suppressedUntil).isEqualTo(T0_PLUS_7D);

        Evaluation identified = drop.apply(identify(T0 + 2 * DAY, MANAGER_AT_SHOPCO));
        assertThat(identified.transition).isEqualTo(Transition.OPENED);

        TestLead never = TestLead.withModel(TestModels.defaultYamlWith("afterAwait: queue", "afterAwait: drop"));
        never.apply(track("demo_requested", T0));
        for (long next = never.nextCheckAt(); next != Long.MAX_VALUE; next = never.nextCheckAt()) {
            assertThat(never.at(next).wantsHandoff).as("at %d", next).isFalse();
        }
        assertThat(never.state.handoffSeq).isZero();
        assertThat(never.last.handRaised).isFalse(); // the window ended
    }

    @Test
    void awaitTraitsZeroHandsOffAtOnceWithoutTraits() {
        TestLead blind = TestLead.withModel(TestModels.defaultYamlWith("awaitTraits: 15m", "awaitTraits: 0"));

        Evaluation ev = blind.apply(track("demo_requested", T0));

        assertThat(ev.suppression).isEqualTo(Suppression.NONE);
        assertThat(ev.transition).isEqualTo(Transition.OPENED);
    }

    @Test
    void aLeadQualifiedByReadinessDoesNotWaitForTraits() {
        // 30 + 25 + 30 caps at engagement 60: readiness 60 with no fit at all
        Evaluation ev = lead.apply(track("demo_requested", T0), track("trial_started", T0), track("contact_sales", T0));

        assertThat(ev.qualified).isTrue();
        assertThat(ev.suppression).isEqualTo(Suppression.NONE);
        assertThat(ev.wantsHandoff).isTrue();
    }
}
