package dev.leadflow.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.job.Events;
import dev.leadflow.job.Harnesses;
import dev.leadflow.job.ScoringModelDocuments;
import dev.leadflow.job.control.Control;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.model.ScoringModel;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lead scoring in Flink's operator harness, with watermarks driving event time. */
class LeadScoringFunctionTest {

    private static final long T0 = 1_780_000_000_000L;
    private static final long MINUTE = 60_000L;
    private static final long DAY = 24 * 60 * MINUTE;

    private final ScoringModel model = ScoringModel.defaults();
    private KeyedBroadcastOperatorTestHarness<String, LeadEvent, Control, LeadUpdate> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = Harnesses.scoring(model);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** A VP at a large US software company who viewed pricing three times: qualified, no hand-raise. */
    private void qualifyByEngagement() throws Exception {
        LeadEvent identify = event("id-1", "identify", T0);
        identify.traits = Map.of("email", "ada@acme.io", "title", "VP Marketing", "company", "Acme",
                "company_domain", "acme.io", "company_size", "5000", "industry", "software", "country", "US");
        harness.processElement(identify, T0);
        for (int i = 1; i <= 3; i++) {
            harness.processElement(event("p-" + i, "page:pricing", T0 + i * MINUTE), T0 + i * MINUTE);
        }
    }

    @Test
    void aQueuedLeadThatGoesQuietIsWithdrawnWhenDecayTakesItBelowTheExitThreshold() throws Exception {
        qualifyByEngagement();
        LeadUpdate queued = last();
        assertThat(queued.wantsHandoff).isTrue();
        assertThat(queued.readiness).isGreaterThanOrEqualTo(60);
        assertThat(queued.reasons).extracting(r -> r.signal).contains("page:pricing");
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        // Two days on, readiness has decayed but is still at or above 45: still wanted.
        harness.processWatermark(new Watermark(T0 + 2 * DAY));
        assertThat(last().wantsHandoff).isTrue();

        // Long enough for the pricing points to halve twice: below 45, withdrawn by the timer alone.
        int before = harness.extractOutputValues().size();
        harness.processWatermark(new Watermark(T0 + 10 * DAY));
        List<LeadUpdate> after = harness.extractOutputValues().subList(before, harness.extractOutputValues().size());
        assertThat(after).isNotEmpty();
        LeadUpdate withdrawn = after.get(after.size() - 1);
        assertThat(withdrawn.wantsHandoff).isFalse();
        assertThat(withdrawn.readiness).isLessThan(45);
        assertThat(withdrawn.at).isLessThan(T0 + 10 * DAY).isGreaterThan(T0 + 2 * DAY);
    }

    @Test
    void aQueuedLeadsReadinessAndReasonsAreRefreshedAsItDecaysWithNoNewEvent() throws Exception {
        qualifyByEngagement();
        LeadUpdate queued = last();
        int before = harness.extractOutputValues().size();

        harness.processWatermark(new Watermark(T0 + 2 * DAY));

        List<LeadUpdate> refreshed = harness.extractOutputValues().subList(before, harness.extractOutputValues().size());
        assertThat(refreshed).as("timer-driven refreshes of the queued lead").hasSizeGreaterThan(3);
        int shown = queued.readiness;
        for (LeadUpdate u : refreshed) {
            assertThat(u.wantsHandoff).isTrue();
            assertThat(u.triggerEventId).isNull();
            assertThat(u.version).as("each refresh opens a new block").isGreaterThan(queued.version);
            assertThat(u.readiness).isLessThanOrEqualTo(shown);
            shown = u.readiness;
        }
        assertThat(refreshed).anySatisfy(u -> assertThat(u.readiness).isEqualTo(queued.readiness - model.priorityTolerance()));
        assertThat(refreshed).as("the 24 h sentence is re-written once the views are older than that")
                .anySatisfy(u -> assertThat(u.reasons).anySatisfy(r -> assertThat(r.detail).contains("in the last 7 days")));
    }

    @Test
    void stateAndTimersOfALeadThatWentColdAreCleanedUp() throws Exception {
        qualifyByEngagement();
        assertThat(Harnesses.keyedStateEntries(harness)).isPositive();

        harness.processWatermark(new Watermark(T0 + model.inactiveTtlMillis() + DAY));

        assertThat(Harnesses.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void duplicateAndStaleEventsChangeNothing() throws Exception {
        qualifyByEngagement();
        int before = harness.extractOutputValues().size();
        harness.processElement(event("p-1", "page:pricing", T0 + MINUTE), T0 + MINUTE);
        harness.processElement(event("old", "page:pricing", T0 - model.horizonMillis() - DAY), T0);
        assertThat(harness.extractOutputValues()).hasSize(before);
    }

    @Test
    void aSalesTouchWithdrawsAQueuedLead() throws Exception {
        qualifyByEngagement();
        assertThat(last().wantsHandoff).isTrue();
        LeadEvent call = event("call-1", "sales:CALL", T0 + 10 * MINUTE);
        call.source = LeadEvent.Source.SALES;
        call.sellerId = "s7";
        harness.processElement(call, T0 + 10 * MINUTE);
        assertThat(last().wantsHandoff).isFalse();
    }

    /** The seller's view of what happened: every accepted event in words, newest first, also after a restore. */
    @Test
    void aQueuedLeadCarriesItsStoryNewestFirstAndALeadNotWantedCarriesNone() throws Exception {
        LeadEvent webinar = Events.scored("lead-1", "w-1", "campaign:WEBINAR:ATTENDED", T0 - DAY);
        webinar.source = LeadEvent.Source.CAMPAIGN;
        webinar.name = "Q3 launch";
        harness.processElement(webinar, T0 - DAY);
        assertThat(harness.extractOutputValues()).allSatisfy(u -> assertThat(u.story).isEmpty());

        qualifyByEngagement();
        harness.processElement(event("p-1", "page:pricing", T0 + MINUTE), T0 + MINUTE); // a duplicate: not told twice
        LeadUpdate queued = last();
        assertThat(queued.wantsHandoff).isTrue();
        assertThat(queued.story).extracting(e -> e.what).containsExactly("Viewed pricing", "Viewed pricing",
                "Viewed pricing", "Identified (form filled)", "Attended webinar 'Q3 launch'");
        assertThat(queued.story).extracting(e -> e.at).containsExactly(T0 + 3 * MINUTE, T0 + 2 * MINUTE, T0 + MINUTE, T0,
                T0 - DAY);

        var snapshot = harness.snapshot(1L, T0 + 4 * MINUTE);
        harness.close();
        harness = Harnesses.restored(new LeadScoringFunction(model), e -> e.leadId, snapshot);
        LeadEvent click = Events.scored("lead-1", "c-1", "campaign:EMAIL:CLICKED", T0 + 10 * MINUTE);
        click.source = LeadEvent.Source.CAMPAIGN;
        click.name = "nurture-7";
        harness.processElement(click, T0 + 10 * MINUTE);
        assertThat(last().story).extracting(e -> e.what).startsWith("Clicked email 'nurture-7'", "Viewed pricing")
                .endsWith("Attended webinar 'Q3 launch'").hasSize(6);

        // a seller's call takes the lead out of the queue for the touch window: no story travels then
        LeadEvent call = event("call-1", "sales:CALL", T0 + 20 * MINUTE);
        call.source = LeadEvent.Source.SALES;
        call.sellerId = "s17";
        call.reason = "no answer";
        harness.processElement(call, T0 + 20 * MINUTE);
        assertThat(last().wantsHandoff).isFalse();
        assertThat(last().story).isEmpty();
    }

    @Test
    void anErasureDropsTheLeadsStateAndTimerAndTellsItsAccount() throws Exception {
        qualifyByEngagement();
        LeadEvent request = new LeadEvent();
        request.source = LeadEvent.Source.PRIVACY;
        request.eventId = "req-9";
        request.leadId = "lead-1";
        request.occurredAt = T0 + 5 * MINUTE;
        request.reason = "dpo";
        harness.processElement(request, T0 + 5 * MINUTE);

        LeadUpdate erased = last();
        assertThat(erased.isErasure()).isTrue();
        assertThat(erased.erasureRequestId).isEqualTo("req-9");
        assertThat(erased.requestedBy).isEqualTo("dpo");
        assertThat(erased.accountKey).as("routed to the account that holds the lead").isEqualTo("acme.io");
        assertThat(erased.email).isNull();
        assertThat(Harnesses.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aModelFromTheControlStreamIsUsedFromTheNextEventOnAndSurvivesARestore() throws Exception {
        qualifyByEngagement();
        assertThat(last().modelVersion).isEqualTo(ScoringModelDocuments.DEFAULT_VERSION);
        // v2 lifts the pricing cap, so a fourth view in a day now counts (under v1 it changed nothing)
        String v2 = ScoringModelDocuments.edited("2026.2-test", "dailyCap: 24, label: Viewed pricing",
                "dailyCap: 40, label: Viewed pricing");
        harness.processBroadcastElement(Control.model("2026.2-test", v2, T0 + 4 * MINUTE), T0 + 4 * MINUTE);
        harness.processElement(event("p-4", "page:pricing", T0 + 5 * MINUTE), T0 + 5 * MINUTE);
        assertThat(last().modelVersion).isEqualTo("2026.2-test");

        // A restored job scores with the model it had applied, not the one it was started with.
        var snapshot = harness.snapshot(1L, T0 + 6 * MINUTE);
        harness.close();
        harness = Harnesses.restored(new LeadScoringFunction(model), e -> e.leadId, snapshot);
        harness.processElement(event("p-5", "page:pricing", T0 + 7 * MINUTE), T0 + 7 * MINUTE);
        assertThat(last().modelVersion).isEqualTo("2026.2-test");
    }

    private LeadUpdate last() {
        List<LeadUpdate> out = harness.extractOutputValues();
        assertThat(out).isNotEmpty();
        return out.get(out.size() - 1);
    }

    private static LeadEvent event(String id, String signal, long at) {
        return Events.scored("lead-1", id, signal, at);
    }
}
