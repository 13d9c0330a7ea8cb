package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.DAY;
import static dev.leadflow.scoring.Events.HOUR;
import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.T0_PLUS_30D;
import static dev.leadflow.scoring.Events.VP_AT_ACME;
import static dev.leadflow.scoring.Events.campaign;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.page;
import static dev.leadflow.scoring.Events.withId;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A replayed or re-stitched event counts once; events older than the horizon are skipped. */
class DuplicateAndStaleTest {

    private final TestLead lead = TestLead.withDefaultModel();

    @Test
    void aDuplicateEventIdCountsOnce() {
        lead.apply(withId(page("pricing", T0), "click-1"));
        long version = lead.last.version;

        Evaluation again = lead.apply(withId(page("pricing", T0), "click-1"));

        assertThat(again.cause).isEqualTo(EvaluationCause.DUPLICATE);
        assertThat(again.isDuplicate()).isTrue();
        assertThat(again.engagement).isEqualTo(8);
        assertThat(again.changed).isFalse();
        assertThat(again.version).isEqualTo(version);
        assertThat(lead.signalPoints("page:pricing", T0)).isEqualTo(8.0);
    }

    @Test
    void aReStitchedAnonymousEventScoresAsIfItHadArrivedDirectly() {
        LeadEvent anonymousView = withId(page("pricing", T0), "click-anon-1");
        LeadEvent webinar = campaign("WEBINAR", "ATTENDED", T0 + DAY);

        TestLead direct = TestLead.withDefaultModel();
        direct.apply(anonymousView.copy(), webinar.copy());
        direct.at(T0 + 2 * DAY);

        // the click first arrived anonymously; identity stitching forwards it with its original
        // time and id after the webinar, and again after a second IDENTIFY
        lead.apply(webinar.copy(), anonymousView.copy(), anonymousView.copy());
        lead.at(T0 + 2 * DAY);

        assertThat(lead.engagementPoints(T0 + 2 * DAY)).isEqualTo(direct.engagementPoints(T0 + 2 * DAY));
        assertThat(lead.last.engagement).isEqualTo(direct.last.engagement);
        assertThat(lead.last.readiness).isEqualTo(direct.last.readiness);
    }

    @Test
    void withEightIdsTheOldestIsForgottenFirst() {
        TestLead small = TestLead.withModel(TestModels.MINIMAL + "state: {recentEventIds: 8}\n");
        for (char id = 'a'; id <= 'h'; id++) {
            small.apply(withId(campaign("EMAIL", "OPENED", T0), String.valueOf(id)));
        }
        assertThat(small.apply(withId(campaign("EMAIL", "OPENED", T0), "a")).isDuplicate()).isTrue();

        small.apply(withId(campaign("EMAIL", "OPENED", T0), "i")); // pushes "a" out
        assertThat(small.apply(withId(campaign("EMAIL", "OPENED", T0), "a")).isDuplicate()).isFalse();
        assertThat(small.apply(withId(campaign("EMAIL", "OPENED", T0), "c")).isDuplicate()).isTrue();
    }

    @Test
    void aBusyLeadRemembersItsRecentIds() {
        for (int i = 0; i < 1000; i++) {
            lead.apply(withId(campaign("EMAIL", "OPENED", T0 + i), "click-" + i));
        }

        assertThat(lead.state.recentEventIds).hasSize(256);
        for (int i = 1000 - 64; i < 1000; i++) {
            assertThat(lead.apply(withId(campaign("EMAIL", "OPENED", T0 + i), "click-" + i)).isDuplicate())
                    .as("click-%d", i).isTrue();
        }
        assertThat(lead.apply(withId(campaign("EMAIL", "OPENED", T0), "click-0")).isDuplicate()).isFalse();
    }

    @Test
    void eventsWithoutIdAreNeverDuplicates() {
        lead.apply(withId(page("pricing", T0), null), withId(page("pricing", T0), null));

        assertThat(lead.last.engagement).isEqualTo(16);
    }

    @Test
    void anEventExactlyAtTheHorizonIsAppliedOneMillisecondOlderIsStale() {
        lead.apply(page("blog", T0_PLUS_30D));

        Evaluation stale = lead.apply(page("pricing", T0 - 1));
        assertThat(stale.cause).isEqualTo(EvaluationCause.STALE);
        assertThat(stale.isStale()).isTrue();
        assertThat(stale.changed).isFalse();
        assertThat(lead.signalPoints("page:pricing", T0_PLUS_30D)).isZero();

        Evaluation atHorizon = lead.apply(page("pricing", T0));
        assertThat(atHorizon.cause).isEqualTo(EvaluationCause.APPLIED);
        assertThat(lead.signalPoints("page:pricing", T0_PLUS_30D)).isEqualTo(8 * Math.pow(2, -10));
    }

    @Test
    void aStaleEventIsNotRememberedAsSeen() {
        lead.apply(page("blog", T0_PLUS_30D));
        lead.apply(withId(page("pricing", T0 - HOUR), "old"));

        assertThat(RecentIds.contains(lead.state, Hashing.hash64("old"))).isFalse();
    }

    @Test
    void theHorizonFollowsTimersToo() {
        lead.apply(identify(T0, VP_AT_ACME));
        lead.at(T0 + 40 * DAY);

        assertThat(lead.apply(page("pricing", T0 + 5 * DAY)).isStale()).isTrue();
    }
}
