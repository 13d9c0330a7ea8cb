package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.DAY;
import static dev.leadflow.scoring.Events.HOUR;
import static dev.leadflow.scoring.Events.MANAGER_AT_SHOPCO;
import static dev.leadflow.scoring.Events.MINUTE;
import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.T0_PLUS_7D;
import static dev.leadflow.scoring.Events.VP_AT_ACME;
import static dev.leadflow.scoring.Events.campaign;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.page;
import static dev.leadflow.scoring.Events.sales;
import static dev.leadflow.scoring.Events.track;
import static dev.leadflow.scoring.Events.traits;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** nextCheckAt predicts to the millisecond when the outcome changes with no new events. */
class NextCheckAtTest {

    private final TestLead lead = TestLead.withDefaultModel();

    @Test
    void predictsWhenAQueuedLeadFallsBelowTheExitThreshold() {
        // fit 25 + webinar 15 + pricing 24 = 64: qualified and queued; readiness < 45 iff engagement < 20,
        // which is also when it stops counting as engaged
        lead.apply(identify(T0, MANAGER_AT_SHOPCO), campaign("WEBINAR", "ATTENDED", T0), page("pricing", T0),
                page("pricing", T0 + 1), page("pricing", T0 + 2));
        assertThat(lead.last.qualified).isTrue();

        long cools = lead.nextCheckAt();

        assertThat(cools).isBetween(T0 + DAY, T0 + 30 * DAY);
        Evaluation before = lead.at(cools - 1);
        assertThat(before.qualified).isTrue();
        assertThat(before.readiness).isEqualTo(45);
        assertThat(lead.nextCheckAt()).isEqualTo(cools);
        Evaluation at = lead.at(cools);
        assertThat(at.qualified).isFalse();
        assertThat(at.readiness).isEqualTo(44);
        assertThat(at.transition).isEqualTo(Transition.CLOSED);
        assertThat(lead.nextCheckAt()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void followingTheTimersEveryPredictionChangesTheOutcomeAndOneMillisecondBeforeDoesNot() {
        lead.apply(identify(T0, VP_AT_ACME), campaign("WEBINAR", "ATTENDED", T0), page("pricing", T0),
                page("pricing", T0 + HOUR), campaign("EMAIL", "CLICKED", T0 + 2 * HOUR),
                page("careers", T0 + 3 * HOUR));
        int checks = 0;
        for (long next = lead.nextCheckAt(); next != Long.MAX_VALUE; next = lead.nextCheckAt()) {
            Evaluation before = lead.at(next - 1);
            Evaluation at = lead.at(next);
            assertThat(at.qualified != before.qualified || at.engaged != before.engaged)
                    .as("outcome changes at %d", next).isTrue();
            checks++;
        }
        assertThat(checks).isEqualTo(2); // engaged flag, then qualification
        assertThat(lead.last.qualified).isFalse();
        assertThat(lead.last.engaged).isFalse();
    }

    @Test
    void readinessRisingWhileANegativeSignalFadesIsPredictedToo() {
        TestLead mixed = TestLead.withModel(String.join("\n",
                "version: mixed",
                "fit: {}",
                "engagement:",
                "  max: 100",
                "  signals:",
                "    'track:up':   {points: 80,  halfLife: 30d, dailyCap: 80, label: Up}",
                "    'track:down': {points: -30, halfLife: 1d,  dailyCap: 30, label: Down}",
                ""));
        mixed.apply(track("down", T0), track("up", T0)); // never above 50 so far: not qualified
        assertThat(mixed.last.readiness).isEqualTo(50);
        assertThat(mixed.last.qualified).isFalse();

        long rises = mixed.nextCheckAt();
        assertThat(mixed.at(rises - 1).qualified).isFalse();
        assertThat(mixed.at(rises).qualified).isTrue();
        assertThat(rises).isBetween(T0 + HOUR, T0 + DAY);

        long falls = mixed.nextCheckAt();
        assertThat(mixed.at(falls - 1).qualified).isTrue();
        assertThat(mixed.at(falls).qualified).isFalse();
        assertThat(mixed.at(falls).readiness).isEqualTo(44);
    }

    @Test
    void randomLeadsNeverMissAChangeBetweenTheirTimers() {
        Random random = new Random(11);
        String[][] signals = {{"page", "pricing"}, {"page", "product"}, {"page", "docs"}, {"campaign", "WEBINAR:ATTENDED"},
            {"campaign", "EVENT:ATTENDED"}, {"campaign", "EMAIL:CLICKED"}, {"page", "careers"},
            {"campaign", "EMAIL:UNSUBSCRIBED"}};
        for (int round = 0; round < 40; round++) {
            TestLead lead = TestLead.withDefaultModel();
            lead.apply(identify(T0, random.nextBoolean() ? VP_AT_ACME : MANAGER_AT_SHOPCO));
            int kinds = round % 2 == 0 ? 6 : signals.length; // every other lead also has negative signals
            for (int i = 0; i < 3 + random.nextInt(12); i++) {
                String[] signal = signals[random.nextInt(kinds)];
                long at = T0 + random.nextInt(5 * 24) * HOUR;
                lead.apply(signal[0].equals("page") ? page(signal[1], at)
                        : campaign(signal[1].split(":")[0], signal[1].split(":")[1], at));
            }
            Evaluation previous = lead.at(lead.state.clock);
            for (long next = lead.nextCheckAt(); next != Long.MAX_VALUE; next = lead.nextCheckAt()) {
                long from = lead.state.clock;
                for (int k = 1; k <= 50; k++) {
                    Evaluation between = lead.at(from + (next - 1 - from) * k / 50);
                    assertThat(between.qualified).isEqualTo(previous.qualified);
                    assertThat(between.engaged).isEqualTo(previous.engaged);
                }
                Evaluation at = lead.at(next);
                assertThat(at.qualified != previous.qualified || at.engaged != previous.engaged)
                        .as("round %d: the outcome changes at %d", round, next).isTrue();
                previous = at;
            }
            assertThat(previous.engaged).isFalse();
        }
    }

    @Test
    void theEndOfAHandRaiseWindow() {
        lead.apply(identify(T0, MANAGER_AT_SHOPCO), track("demo_requested", T0));

        assertThat(lead.nextCheckAt()).isEqualTo(T0_PLUS_7D); // before engagement 30 fades below 20 (8.8 d)
    }

    @Test
    void theEndOfAWaitForTraits() {
        lead.apply(track("demo_requested", T0)); // no email yet: waits 15 minutes for traits

        long ends = lead.nextCheckAt();

        assertThat(ends).isEqualTo(T0 + 15 * MINUTE);
        assertThat(lead.at(ends - 1).wantsHandoff).isFalse();
        assertThat(lead.nextCheckAt()).isEqualTo(ends);
        assertThat(lead.at(ends).transition).isEqualTo(Transition.OPENED);
        assertThat(lead.nextCheckAt()).isEqualTo(T0_PLUS_7D);
    }

    @Test
    void salesFeedbackHidesTheEndOfAWaitForTraits() {
        lead.apply(sales(SalesType.DISQUALIFIED, T0), track("demo_requested", T0 + 1));
        assertThat(lead.last.suppression).isEqualTo(Suppression.COOLDOWN);

        assertThat(lead.nextCheckAt()).isEqualTo(T0_PLUS_7D + 1); // nothing changes when the wait ends
    }

    @Test
    void anEmailEndsTheWaitForTraitsAndItsTimer() {
        lead.apply(track("demo_requested", T0), identify(T0 + MINUTE, traits("email", "li@ox.ac.uk")));

        assertThat(lead.nextCheckAt()).isEqualTo(T0_PLUS_7D);
    }

    @Test
    void theEndOfATouchWindow() {
        lead.apply(identify(T0, VP_AT_ACME), sales(SalesType.CALL, T0 + HOUR));

        assertThat(lead.nextCheckAt()).isEqualTo(T0 + HOUR + 14 * DAY);
    }

    @Test
    void theEndOfACooldown() {
        lead.apply(identify(T0, VP_AT_ACME), sales(SalesType.DISQUALIFIED, T0 + HOUR));

        assertThat(lead.nextCheckAt()).isEqualTo(T0 + HOUR + 180 * DAY);
        lead.at(T0 + HOUR + 180 * DAY);
        assertThat(lead.nextCheckAt()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void nothingCanChange() {
        assertThat(lead.nextCheckAt()).isEqualTo(Long.MAX_VALUE);

        lead.apply(identify(T0, VP_AT_ACME), page("blog", T0)); // not qualified, not engaged, only fading
        assertThat(lead.nextCheckAt()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aFitAboveTheExitThresholdNeverCoolsOut() {
        TestLead strong = TestLead.withModel(TestModels.defaultYamlWith("  exit: 45", "  exit: 40"));
        strong.apply(identify(T0, VP_AT_ACME), track("demo_requested", T0));
        strong.at(T0_PLUS_7D); // past the hand-raise window; engagement still above 20 until 14 * log2(30 / 19.5) days

        long engagedEnds = strong.nextCheckAt();
        assertThat(strong.at(engagedEnds).engaged).isFalse();
        assertThat(strong.nextCheckAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(strong.at(T0 + 1000 * DAY).qualified).isTrue();
    }
}
