package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.DAY;
import static dev.leadflow.scoring.Events.HOUR;
import static dev.leadflow.scoring.Events.MANAGER_AT_SHOPCO;
import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.VP_AT_ACME;
import static dev.leadflow.scoring.Events.campaign;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.scoring.model.SignalRule;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A queued lead's entry follows its decay: following the scorer's timers as the Flink operator does, the readiness
 * its queue shows is never more than the tolerance away from its readiness at any moment, and no reason
 * sentence it shows is false at any moment. The oracle for "readiness now" is the definition (fit + rounded
 * engagement points, clamped); for "the sentence now" it is the sentence written afresh at that moment.
 */
class PriorityFreshnessTest {

    /** A sentence without its trailing points ("…, +21"): the points follow readiness, within the tolerance. */
    private static final Pattern POINTS = Pattern.compile(", [+\\u2212-]?\\d+$");

    @Test
    void aQueuedLeadsShownReadinessAndSentencesStayTrueUntilItLeavesTheQueue() {
        Random random = new Random(7);
        String[][] signals = {{"page", "pricing"}, {"page", "product"}, {"page", "integrations"},
            {"campaign", "WEBINAR:ATTENDED"}, {"campaign", "EVENT:ATTENDED"}, {"campaign", "EMAIL:CLICKED"},
            {"page", "careers"}, {"campaign", "EMAIL:UNSUBSCRIBED"}};
        int queuedLeads = 0;
        int refreshes = 0;
        int sentenceRefreshes = 0;
        long queuedTime = 0;
        for (int round = 0; round < 60; round++) {
            TestLead lead = TestLead.withDefaultModel();
            lead.apply(identify(T0, random.nextBoolean() ? VP_AT_ACME : MANAGER_AT_SHOPCO));
            int kinds = round % 2 == 0 ? 6 : signals.length; // every other lead also has negative signals
            for (int i = 0; i < 4 + random.nextInt(14); i++) {
                String[] signal = signals[random.nextInt(kinds)];
                long at = T0 + random.nextInt(3 * 24) * HOUR + random.nextInt(3_600_000);
                lead.apply(signal[0].equals("page") ? page(signal[1], at)
                        : campaign(signal[1].split(":")[0], signal[1].split(":")[1], at));
            }
            if (!lead.state.handoffOpen) {
                continue;
            }
            queuedLeads++;
            long queuedFrom = lead.state.clock;
            Shown shown = publish(lead);
            while (true) {
                long check = lead.nextCheckAt();
                long refresh = lead.scorer.nextRefreshAt(lead.state);
                long next = Math.min(check, refresh);
                if (next == Long.MAX_VALUE) {
                    break;
                }
                long from = lead.state.clock;
                for (int k = 1; k <= 40; k++) {
                    long t = from + (next - 1 - from) * k / 40;
                    assertThat(Math.abs(readinessAt(lead, t) - shown.readiness)).as("round %d at %d", round, t)
                            .isLessThan(lead.model.priorityTolerance());
                    assertThat(sentencesAt(lead, shown.reasons, t)).as("round %d at %d", round, t)
                            .isEqualTo(shown.sentences);
                }
                Evaluation at = lead.at(next);
                assertThat(at.changed).as("a timer of an open handoff always changes what is published").isTrue();
                if (!lead.state.handoffOpen) {
                    queuedTime += next - queuedFrom;
                    break;
                }
                if (next == refresh && next != check) {
                    refreshes++;
                    boolean moved = Math.abs(at.readiness - shown.readiness) >= lead.model.priorityTolerance();
                    sentenceRefreshes += moved ? 0 : 1;
                    assertThat(moved || next >= lead.state.reasonsValidUntil).isTrue();
                }
                shown = publish(lead);
            }
        }
        assertThat(queuedLeads).isGreaterThan(20);
        assertThat(refreshes).as("decay refreshed queued leads").isGreaterThan(queuedLeads);
        assertThat(sentenceRefreshes).as("some refreshes only re-wrote a sentence").isPositive();
        // bounded: each refresh moves readiness by the tolerance or re-writes a sentence
        assertThat((double) refreshes / (queuedTime / (double) HOUR)).as("refreshes per queued lead and hour")
                .isLessThan(2.0);
    }

    @Test
    void aLeadOf90ThreeDaysAgoNoLongerOutranksAFresh65() {
        TestLead old = TestLead.withDefaultModel();
        old.apply(identify(T0, VP_AT_ACME), campaign("WEBINAR", "ATTENDED", T0), campaign("EVENT", "ATTENDED", T0),
                page("pricing", T0), page("pricing", T0 + 1), page("pricing", T0 + 2));
        int enqueued = old.last.readiness;
        assertThat(enqueued).isGreaterThanOrEqualTo(80);
        publish(old);
        long threeDays = T0 + 3 * DAY;
        Evaluation shown = old.last;
        for (long next = old.scorer.nextRefreshAt(old.state); next <= threeDays; next = old.scorer.nextRefreshAt(old.state)) {
            shown = old.at(next);
            publish(old);
        }
        assertThat(shown.readiness).as("what the queue shows three days on").isLessThan(enqueued - 10)
                .isBetween(readinessAt(old, threeDays) - 1, readinessAt(old, threeDays) + 1);
    }

    private record Shown(int readiness, List<Reason> reasons, List<String> sentences) {}

    /** What the operator does when it publishes: the reasons are written, which also sets their validity. */
    private static Shown publish(TestLead lead) {
        List<Reason> reasons = lead.reasons();
        return new Shown(lead.last.readiness, reasons, reasons.stream().map(r -> POINTS.matcher(r.detail).replaceAll(""))
                .toList());
    }

    private static int readinessAt(TestLead lead, long t) {
        double points = lead.engagementPoints(t);
        int engagement = (int) Math.max(0, Math.min(lead.model.engagementMax(), Math.round(points)));
        return Math.max(0, Math.min(100, lead.state.fit + engagement));
    }

    /** The shown reasons' sentences written afresh at {@code t}, without points; fit parts never change. */
    private static List<String> sentencesAt(TestLead lead, List<Reason> shown, long t) {
        return shown.stream().map(r -> {
            SignalRule rule = lead.model.signals().byKey(r.signal);
            SignalState st = lead.state.signals.get(r.signal);
            if (rule == null || st == null) {
                return POINTS.matcher(r.detail).replaceAll("");
            }
            String fresh = ReasonWriter.sentence(rule.label(), st, t, lead.model.horizonMillis(), 0);
            return POINTS.matcher(fresh).replaceAll("");
        }).toList();
    }
}
