package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.DAY;
import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.VP_AT_ACME;
import static dev.leadflow.scoring.Events.campaign;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.page;
import static dev.leadflow.scoring.Events.sales;
import static dev.leadflow.scoring.Events.track;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One open handoff per lead, deterministic ids, and a version that grows only with change. */
class HandoffLifecycleTest {

    private static List<LeadEvent> story() {
        List<LeadEvent> events = new ArrayList<>();
        events.add(identify(T0, VP_AT_ACME));
        events.add(page("pricing", T0 + 1));
        events.add(campaign("WEBINAR", "ATTENDED", T0 + 2)); // 40 + 8 + 15 = 63: opens lead-1-1
        events.add(page("pricing", T0 + 3));
        events.add(sales(SalesType.CALL, T0 + DAY)); // withdrawn
        events.add(track("demo_requested", T0 + 20 * DAY)); // opens lead-1-2
        return events;
    }

    @Test
    void handoffIdsFollowTheSequence() {
        TestLead lead = TestLead.withDefaultModel();
        List<Evaluation> out = new ArrayList<>();
        story().forEach(e -> out.add(lead.apply(e)));

        assertThat(out).extracting(ev -> ev.transition).containsExactly(Transition.NONE, Transition.NONE,
                Transition.OPENED, Transition.NONE, Transition.CLOSED, Transition.OPENED);
        assertThat(out).extracting(ev -> ev.handoffId).containsExactly(null, null, "lead-1-1", "lead-1-1", "lead-1-1",
                "lead-1-2");
        assertThat(lead.state.handoffSeq).isEqualTo(2);
    }

    @Test
    void aReplayFromScratchGivesTheSameEvaluations() {
        List<LeadEvent> events = story();
        TestLead first = TestLead.withDefaultModel();
        TestLead replay = TestLead.withDefaultModel();
        for (LeadEvent e : events) {
            Evaluation a = first.apply(e.copy());
            Evaluation b = replay.apply(e.copy());
            assertThat(b).usingRecursiveComparison().isEqualTo(a);
        }
        assertThat(replay.nextCheckAt()).isEqualTo(first.nextCheckAt());
    }

    @Test
    void theVersionGrowsByOneWithEveryChangeAndOnlyThen() {
        TestLead lead = TestLead.withDefaultModel();
        long version = 0;
        for (LeadEvent e : story()) {
            Evaluation ev = lead.apply(e);
            version += ev.changed ? 1 : 0;
            assertThat(ev.version).isEqualTo(version).isEqualTo(lead.state.updateSeq);
        }
        Evaluation same = lead.at(lead.state.clock);
        assertThat(same.changed).isFalse();
        assertThat(same.version).isEqualTo(version);

        Evaluation later = lead.at(lead.state.clock + DAY); // readiness decays: a new version
        assertThat(later.changed).isTrue();
        assertThat(later.version).isEqualTo(version + 1);
    }

    @Test
    void anEventThatChangesNothingKeepsTheVersion() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(identify(T0, VP_AT_ACME), page("pricing", T0));
        long version = lead.last.version;

        Evaluation unknownSignal = lead.apply(page("unknown-page", T0));

        assertThat(unknownSignal.cause).isEqualTo(EvaluationCause.APPLIED);
        assertThat(unknownSignal.changed).isFalse();
        assertThat(unknownSignal.version).isEqualTo(version);
    }

    @Test
    void timersBeforeTheClockEvaluateAtTheClock() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(page("pricing", T0 + DAY));

        Evaluation ev = lead.at(T0);

        assertThat(ev.at).isEqualTo(T0 + DAY);
        assertThat(ev.cause).isEqualTo(EvaluationCause.TIMER);
        assertThat(ev.eventId).isNull();
        assertThat(lead.state.clock).isEqualTo(T0 + DAY);
    }

    @Test
    void evaluationsCarryTheTriggerAndTheModel() {
        TestLead lead = TestLead.withDefaultModel();
        LeadEvent view = page("pricing", T0);

        Evaluation ev = lead.apply(view);

        assertThat(ev.leadId).isEqualTo("lead-1");
        assertThat(ev.eventId).isEqualTo(view.eventId);
        assertThat(ev.modelVersion).isEqualTo("2026.2-default");
        assertThat(ev.at).isEqualTo(T0);
        assertThat(lead.state.lastEventAt).isEqualTo(T0);
    }

    @Test
    void stateExpiresAfterInactivityButNotDuringACooldownOrAnOpenOpportunity() {
        TestLead lead = TestLead.withDefaultModel();
        lead.apply(page("pricing", T0));
        lead.at(T0 + 10 * DAY); // timers do not count as activity
        assertThat(lead.scorer.expiresAt(lead.state)).isEqualTo(T0 + 90 * DAY);

        lead.apply(sales(SalesType.DISQUALIFIED, T0 + DAY));
        assertThat(lead.scorer.expiresAt(lead.state)).isEqualTo(T0 + 181 * DAY);

        lead.apply(sales(SalesType.OPPORTUNITY_OPENED, T0 + 2 * DAY));
        assertThat(lead.scorer.expiresAt(lead.state)).isEqualTo(Long.MAX_VALUE);
    }
}
