package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.DAY;
import static dev.leadflow.scoring.Events.HOUR;
import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.VP_AT_ACME;
import static dev.leadflow.scoring.Events.campaign;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.page;
import static dev.leadflow.scoring.Events.track;
import static dev.leadflow.scoring.Events.traits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every handoff carries its top contributing signals with points and a sentence for sellers. */
class ReasonsTest {

    private final TestLead lead = TestLead.withDefaultModel();

    @Test
    void topSignalsWithPointsAndSentences() {
        lead.apply(identify(T0, VP_AT_ACME));
        lead.apply(page("pricing", T0 + 1 * HOUR), page("pricing", T0 + 2 * HOUR), page("pricing", T0 + 3 * HOUR));
        lead.apply(campaign("WEBINAR", "ATTENDED", T0 + 4 * HOUR));

        List<Reason> reasons = lead.reasons();

        assertThat(reasons).extracting(r -> r.signal, r -> r.points, r -> r.detail, r -> r.lastSeen).containsExactly(
                tuple("page:pricing", 24, "Viewed pricing 3 times in the last 24 h, +24", T0 + 3 * HOUR),
                // a tie on points: the newer first
                tuple("campaign:WEBINAR:ATTENDED", 15, "Attended a webinar once in the last 24 h, +15", T0 + 4 * HOUR),
                tuple("fit:title", 15, "Executive (VP of Sales), +15", T0));
    }

    @Test
    void pointsAreTheCurrentDecayedValue() {
        lead.apply(page("pricing", T0), page("pricing", T0 + 1), page("pricing", T0 + 2));

        List<Reason> reasons = lead.scorer.reasons(lead.state, T0 + 3 * DAY);

        assertThat(reasons.get(0).points).isEqualTo(12);
        assertThat(reasons.get(0).detail).isEqualTo("Viewed pricing 3 times in the last 7 days, +12");
    }

    @Test
    void theWindowCoversEveryViewOrSaysWhenTheLastWas() {
        lead.apply(page("pricing", T0), page("pricing", T0 + 10 * DAY));
        assertThat(lead.reasons().get(0).detail).isEqualTo("Viewed pricing 2 times in the last 30 days, +9");

        TestLead quiet = TestLead.withDefaultModel();
        quiet.apply(campaign("EVENT", "ATTENDED", T0));
        Reason old = quiet.scorer.reasons(quiet.state, T0 + 40 * DAY).get(0);
        assertThat(old.detail).isEqualTo("Met us at an event once, last 40 days ago, +4");
    }

    @Test
    void manyViewsAreCountedAsAtLeastTheKeptNumber() {
        for (int i = 0; i < 40; i++) {
            lead.apply(page("pricing", T0 + i));
        }

        assertThat(lead.reasons().get(0).detail).isEqualTo("Viewed pricing at least 16 times in the last 24 h, +24");
    }

    @Test
    void fitPartsAreReasonsToo() {
        lead.apply(identify(T0, VP_AT_ACME));

        assertThat(lead.scorer.reasons(lead.state, T0)).extracting(r -> r.detail).containsExactly(
                "Executive (VP of Sales), +15",
                "Enterprise company (1200 employees), +10",
                "Industry (Software), +8");
    }

    @Test
    void negativeContributionsComeLast() {
        lead.apply(identify(T0, traits("email", "pat@gmail.com", "company_domain", "acme.com")),
                page("careers", T0), page("blog", T0));

        assertThat(lead.reasons()).extracting(r -> r.signal, r -> r.points).containsExactly(
                tuple("page:blog", 1), tuple("page:careers", -5), tuple("fit:free_mail", -10));
        assertThat(lead.reasons().get(2).detail).isEqualTo("Free-mail address (gmail.com), -10");
    }

    @Test
    void aHandRaiseInItsWindowComesFirst() {
        TestLead small = TestLead.withModel(String.join("\n",
                "version: hand-raise-first",
                "fit: {}",
                "engagement:",
                "  signals:",
                "    'page:pricing': {points: 8, halfLife: 3d, dailyCap: 24, label: Viewed pricing}",
                "    'track:contact_sales': {points: 5, halfLife: 3d, dailyCap: 5, label: Asked to talk to sales}",
                "  handRaisers: {signals: ['track:contact_sales'], window: 7d}",
                ""));
        small.apply(page("pricing", T0), page("pricing", T0), page("pricing", T0), track("contact_sales", T0));

        assertThat(small.scorer.reasons(small.state, T0)).extracting(r -> r.signal, r -> r.points)
                .containsExactly(tuple("track:contact_sales", 5), tuple("page:pricing", 24));
        assertThat(small.scorer.reasons(small.state, T0 + 7 * DAY)).extracting(r -> r.signal)
                .containsExactly("page:pricing", "track:contact_sales");
    }

    @Test
    void theModelSaysHowMany() {
        TestLead five = TestLead.withModel(TestModels.defaultYamlWith("  count: 3", "  count: 5"));
        five.apply(identify(T0, VP_AT_ACME));
        lead.apply(identify(T0, VP_AT_ACME));

        assertThat(five.reasons()).hasSize(5);
        assertThat(lead.reasons()).hasSize(3);
    }

    @Test
    void aLeadWithNothingHasNoReasons() {
        lead.apply(page("pricing-typo", T0));

        assertThat(lead.reasons()).isEmpty();
    }
}
