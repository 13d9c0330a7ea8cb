package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.DAY;
import static dev.leadflow.scoring.Events.HOUR;
import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.VP_AT_ACME;
import static dev.leadflow.scoring.Events.campaign;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.page;
import static dev.leadflow.scoring.Events.rejected;
import static dev.leadflow.scoring.Events.sales;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What sellers tell us keeps a lead out of the queues; every rule is checked on both sides of its boundary. */
class SalesFeedbackTest {

    private static final long T1 = T0 + HOUR;

    private final TestLead lead = TestLead.withDefaultModel();

    /** A queued lead: fit 40, webinar 15, two pricing views 16 = readiness 71. */
    @BeforeEach
    void queued() {
        lead.apply(identify(T0, VP_AT_ACME), campaign("WEBINAR", "ATTENDED", T0), page("pricing", T0),
                page("pricing", T0));
        assertThat(lead.last.readiness).isEqualTo(71);
        assertThat(lead.last.handoffId).isEqualTo("lead-1-1");
    }

    @ParameterizedTest
    @EnumSource(value = SalesType.class, names = {"CALL", "EMAIL_SENT", "EMAIL_REPLY", "MEETING_BOOKED", "MEETING_HELD"})
    void aTouchWithdrawsTheQueuedLead(SalesType touch) {
        Evaluation ev = lead.apply(sales(touch, T1));

        assertThat(ev.suppression).isEqualTo(Suppression.OWNER_WORKING);
        assertThat(ev.suppressedUntil).isEqualTo(T1 + 14 * DAY);
        assertThat(ev.qualified).isTrue();
        assertThat(ev.wantsHandoff).isFalse();
        assertThat(ev.transition).isEqualTo(Transition.CLOSED);
        assertThat(ev.closedBySeller).isFalse();
        assertThat(ev.handoffId).isEqualTo("lead-1-1");
    }

    @Test
    void aTouchSuppressesForFourteenDaysExclusive() {
        lead.apply(sales(SalesType.CALL, T1));

        assertThat(lead.at(T1 + 14 * DAY - 1).suppression).isEqualTo(Suppression.OWNER_WORKING);
        Evaluation free = lead.at(T1 + 14 * DAY);
        assertThat(free.suppression).isEqualTo(Suppression.NONE);
        assertThat(free.qualified).isTrue(); // 40 + 7.5 + 0.6: still above 45
        assertThat(free.transition).isEqualTo(Transition.OPENED);
        assertThat(free.handoffId).isEqualTo("lead-1-2");
    }

    @Test
    void ownerAssignmentIsNotATouch() {
        Evaluation ev = lead.apply(sales(SalesType.OWNER_ASSIGNED, "seller-9", T1));

        assertThat(ev.suppression).isEqualTo(Suppression.NONE);
        assertThat(ev.wantsHandoff).isTrue();
        assertThat(ev.queue).isEqualTo("owner-seller-9");
        assertThat(ev.changed).isTrue();
    }

    @Test
    void anOpenOpportunitySuppressesUntilClosed() {
        lead.apply(sales(SalesType.OPPORTUNITY_OPENED, T1));
        assertThat(lead.last.suppression).isEqualTo(Suppression.OPPORTUNITY_OPEN);
        assertThat(lead.last.suppressedUntil).isEqualTo(Long.MAX_VALUE);
        assertThat(lead.last.transition).isEqualTo(Transition.CLOSED);

        assertThat(lead.at(T1 + 400 * DAY).suppression).isEqualTo(Suppression.OPPORTUNITY_OPEN);

        Evaluation closed = lead.apply(sales(SalesType.CLOSED_LOST, T1 + 401 * DAY));
        assertThat(closed.suppression).isEqualTo(Suppression.COOLDOWN);
        assertThat(closed.cooldownCause).isEqualTo(SalesType.CLOSED_LOST);
    }

    @Test
    void opportunityEventsAppliedOutOfOrderKeepTheNewest() {
        lead.apply(sales(SalesType.CLOSED_LOST, T1 + HOUR));
        lead.apply(sales(SalesType.OPPORTUNITY_OPENED, T1)); // older, arrives late

        assertThat(lead.state.opportunityOpen).isFalse();
        assertThat(lead.last.suppression).isEqualTo(Suppression.COOLDOWN);
    }

    @Test
    void closedLostCoolsDownNinetyDaysExclusive() {
        assertCooldown(sales(SalesType.CLOSED_LOST, T1), SalesType.CLOSED_LOST, 90);
    }

    @Test
    void disqualifiedCoolsDownOneHundredEightyDays() {
        assertCooldown(sales(SalesType.DISQUALIFIED, T1), SalesType.DISQUALIFIED, 180);
    }

    @Test
    void closedWonCoolsDownAYear() {
        assertCooldown(sales(SalesType.CLOSED_WON, T1), SalesType.CLOSED_WON, 365);
    }

    @Test
    void handoffRejectedCoolsDownThirtyDaysAndKeepsTheReason() {
        Evaluation ev = lead.apply(rejected("No budget until Q3", T1));

        assertThat(ev.transition).isEqualTo(Transition.CLOSED);
        assertThat(ev.closedBySeller).isTrue();
        assertThat(ev.handoffId).isEqualTo("lead-1-1");
        assertThat(ev.cooldownReason).isEqualTo("No budget until Q3");
        assertThat(lead.at(T1 + 30 * DAY - 2).cooldownReason).isEqualTo("No budget until Q3");
        assertCooldownWindow(SalesType.HANDOFF_REJECTED, 30);
    }

    @Test
    void overlappingCooldownsKeepTheOneEndingLast() {
        lead.apply(sales(SalesType.DISQUALIFIED, T1));
        Evaluation ev = lead.apply(rejected("wrong person", T1 + DAY));

        assertThat(ev.cooldownCause).isEqualTo(SalesType.DISQUALIFIED);
        assertThat(ev.suppressedUntil).isEqualTo(T1 + 180 * DAY);
    }

    @Test
    void anOpenOpportunityWinsOverACooldownAndATouch() {
        lead.apply(sales(SalesType.CALL, T1), rejected("later", T1), sales(SalesType.OPPORTUNITY_OPENED, T1));

        assertThat(lead.last.suppression).isEqualTo(Suppression.OPPORTUNITY_OPEN);
    }

    @Test
    void acceptedHandoffEndsItAndTheSellerOwnsTheLead() {
        Evaluation accepted = lead.apply(sales(SalesType.HANDOFF_ACCEPTED, "seller-7", T1));

        assertThat(accepted.transition).isEqualTo(Transition.CLOSED);
        assertThat(accepted.closedBySeller).isTrue();
        assertThat(accepted.handoffId).isEqualTo("lead-1-1");
        assertThat(accepted.suppression).isEqualTo(Suppression.OWNER_WORKING); // acceptance is a touch
        assertThat(accepted.queue).isEqualTo("owner-seller-7");

        assertThat(lead.at(T1 + 14 * DAY - 1).wantsHandoff).isFalse();
        Evaluation later = lead.at(T1 + 14 * DAY);
        assertThat(later.transition).isEqualTo(Transition.OPENED);
        assertThat(later.handoffId).isEqualTo("lead-1-2");
        assertThat(later.queue).isEqualTo("owner-seller-7");
    }

    @Test
    void aLateAnswerAboutAnEarlierHandoffDoesNotEndTheOpenOne() {
        lead.apply(sales(SalesType.HANDOFF_ACCEPTED, "seller-7", T1));
        lead.at(T1 + 14 * DAY); // second handoff opens
        assertThat(lead.last.handoffId).isEqualTo("lead-1-2");

        // another seller's acceptance of the first handoff, sent just before seller-7's, arrives now
        Evaluation late = lead.apply(sales(SalesType.HANDOFF_ACCEPTED, "seller-8", T1 - 1));

        assertThat(late.closedBySeller).isFalse();
        assertThat(late.transition).isEqualTo(Transition.NONE);
        assertThat(late.handoffId).isEqualTo("lead-1-2");
        assertThat(late.queue).isEqualTo("owner-seller-7"); // the newer assignment wins
    }

    @Test
    void salesActivityIsNeverStale() {
        lead.at(T0 + 60 * DAY);
        Evaluation ev = lead.apply(sales(SalesType.CLOSED_LOST, T0 + 10 * DAY)); // 50 days before the clock

        assertThat(ev.cause).isEqualTo(EvaluationCause.APPLIED);
        assertThat(ev.suppression).isEqualTo(Suppression.COOLDOWN);
        assertThat(ev.suppressedUntil).isEqualTo(T0 + 100 * DAY);
    }

    private void assertCooldown(LeadEvent event, SalesType cause, int days) {
        Evaluation ev = lead.apply(event);
        assertThat(ev.transition).isEqualTo(Transition.CLOSED);
        assertThat(ev.closedBySeller).isFalse();
        assertCooldownWindow(cause, days);
    }

    private void assertCooldownWindow(SalesType cause, int days) {
        Evaluation before = lead.at(T1 + days * DAY - 1);
        assertThat(before.suppression).isEqualTo(Suppression.COOLDOWN);
        assertThat(before.cooldownCause).isEqualTo(cause);
        assertThat(before.suppressedUntil).isEqualTo(T1 + days * DAY);
        assertThat(lead.at(T1 + days * DAY).suppression).isEqualTo(Suppression.NONE);
    }
}
