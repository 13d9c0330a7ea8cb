package dev.leadflow.job.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.job.Harnesses;
import dev.leadflow.job.control.Control;
import dev.leadflow.job.control.LiveModel;
import dev.leadflow.scoring.LeadEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

public class IdentityStitcherTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long MINUTE = 60_000L;
    private static final long RETENTION = 30L * 24 * 60 * MINUTE;

    private KeyedBroadcastOperatorTestHarness<String, LeadEvent, Control, LeadEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new IdentityStitcher(RETENTION, 3), e -> e.anonymousId, Types.STRING, LiveModel.STATE);
        // (the factory opens the harness) the control input never holds back event time (as in the job)
        harness.processBroadcastWatermark(new Watermark(Long.MAX_VALUE));
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void anonymousEventsAreReleasedOnceToTheLeadWithTheirOriginalTimes() throws Exception {
        harness.processElement(click("e1", null, "anon-1", "page:pricing", T0), T0);
        harness.processElement(click("e2", null, "anon-1", "page:docs", T0 + MINUTE), T0 + MINUTE);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processElement(click("e3", "lead-1", "anon-1", "identify", T0 + 2 * MINUTE), T0 + 2 * MINUTE);
        List<LeadEvent> out = harness.extractOutputValues();
        assertThat(out).extracting(e -> e.eventId + "@" + e.occurredAt + ">" + e.leadId)
                .containsExactly("e1@" + T0 + ">lead-1", "e2@" + (T0 + MINUTE) + ">lead-1",
                        "e3@" + (T0 + 2 * MINUTE) + ">lead-1");

        // Later anonymous clicks of the linked id go straight to the lead; nothing is re-released.
        harness.processElement(click("e4", null, "anon-1", "page:pricing", T0 + 3 * MINUTE), T0 + 3 * MINUTE);
        assertThat(harness.extractOutputValues()).extracting(e -> e.eventId + ">" + e.leadId)
                .containsExactly("e1>lead-1", "e2>lead-1", "e3>lead-1", "e4>lead-1");
    }

    @Test
    void theBufferIsBoundedAndStateIsForgottenAfterRetention() throws Exception {
        for (int i = 0; i < 5; i++) {
            harness.processElement(click("b" + i, null, "anon-2", "page:blog", T0 + i), T0 + i);
        }
        harness.processElement(click("id", "lead-2", "anon-2", "identify", T0 + 10), T0 + 10);
        assertThat(harness.extractOutputValues()).extracting(e -> e.eventId)
                .as("only the newest three anonymous events are kept").containsExactly("b2", "b3", "b4", "id");

        assertThat(Harnesses.keyedStateEntries(harness)).isPositive();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(new Watermark(T0 + 10 + RETENTION));
        assertThat(Harnesses.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aFullBufferDropsTheOldestByEventTimeWhateverTheOrderOfArrival() throws Exception {
        // arrival order: 5, 1, 4, 3 (minutes after T0); the buffer holds three
        for (int minute : new int[] {5, 1, 4, 3}) {
            harness.processElement(click("m" + minute, null, "anon-5", "page:docs", T0 + minute * MINUTE), T0 + minute * MINUTE);
        }
        // full with m3, m4, m5: a click older than all of them is the one dropped, and so is one as old as the oldest
        harness.processElement(click("m2", null, "anon-5", "page:docs", T0 + 2 * MINUTE), T0 + 2 * MINUTE);
        harness.processElement(click("m3-again", null, "anon-5", "page:docs", T0 + 3 * MINUTE), T0 + 3 * MINUTE);
        // a late click newer than the oldest kept takes its place, in event-time order
        harness.processElement(click("m4.5", null, "anon-5", "page:docs", T0 + 4 * MINUTE + MINUTE / 2), T0 + 4 * MINUTE);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processElement(click("id", "lead-5", "anon-5", "identify", T0 + 6 * MINUTE), T0 + 6 * MINUTE);
        assertThat(harness.extractOutputValues()).extracting(e -> e.eventId + ">" + e.leadId)
                .as("the three newest, oldest first, then the identifying click")
                .containsExactly("m4>lead-5", "m4.5>lead-5", "m5>lead-5", "id>lead-5");
    }

    @Test
    void heldClicksAreReleasedInEventTimeOrderAndInArrivalOrderAmongEqualTimes() throws Exception {
        harness.processElement(click("a", null, "anon-6", "page:docs", T0 + MINUTE), T0 + MINUTE);
        harness.processElement(click("b", null, "anon-6", "page:docs", T0), T0);
        harness.processElement(click("c", null, "anon-6", "page:docs", T0 + MINUTE), T0 + MINUTE);
        harness.processElement(click("id", "lead-6", "anon-6", "identify", T0 + 2 * MINUTE), T0 + 2 * MINUTE);
        assertThat(harness.extractOutputValues()).extracting(e -> e.eventId).containsExactly("b", "a", "c", "id");
    }

    @Test
    void anErasureForgetsEveryAnonymousIdLinkedToTheLeadAndNothingElse() throws Exception {
        harness.processElement(click("a1", "lead-1", "anon-1", "identify", T0), T0);
        harness.processElement(click("a2", "lead-1", "anon-3", "identify", T0), T0);
        harness.processElement(click("b1", "lead-2", "anon-2", "identify", T0), T0);
        harness.processElement(click("c1", null, "anon-4", "page:docs", T0), T0); // not linked to anyone
        int others = Harnesses.keyedStateEntries(harness);

        harness.processBroadcastElement(Control.erase("req-1", "lead-1", null, T0 + MINUTE), T0 + MINUTE);

        // anon-1 and anon-3 each held one state (link and last-seen time)
        assertThat(Harnesses.keyedStateEntries(harness)).isEqualTo(others - 2);
        // a later click of an erased anonymous id is anonymous again: kept, not sent to the old lead
        int before = harness.extractOutputValues().size();
        harness.processElement(click("a3", null, "anon-1", "page:pricing", T0 + 2 * MINUTE), T0 + 2 * MINUTE);
        assertThat(harness.extractOutputValues()).hasSize(before);
        // lead-2's link is intact
        harness.processElement(click("b2", null, "anon-2", "page:pricing", T0 + 2 * MINUTE), T0 + 2 * MINUTE);
        assertThat(harness.extractOutputValues().get(before).leadId).isEqualTo("lead-2");
    }

    @Test
    void clicksHeldInTheValueByRelease2026_2AreReleasedWithTheNewOnesUnderTheSameLimit() throws Exception {
        // state as release 2026.2 left it: the clicks in the visitor value (the list state did not exist)
        var operator = harness.getOperator();
        operator.setCurrentKey("anon-7");
        ValueState<AnonymousVisitor> value = operator.getKeyedStateBackend()
                .getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, IdentityStitcher.VISITOR);
        AnonymousVisitor old = new AnonymousVisitor();
        old.held = new ArrayList<>(List.of(click("o0", null, "anon-7", "page:docs", T0),
                click("o2", null, "anon-7", "page:docs", T0 + 2 * MINUTE)));
        old.lastSeen = T0 + 2 * MINUTE;
        value.update(old);

        harness.processElement(click("n1", null, "anon-7", "page:docs", T0 + MINUTE), T0 + MINUTE);
        harness.processElement(click("n3", null, "anon-7", "page:docs", T0 + 3 * MINUTE), T0 + 3 * MINUTE);
        harness.processElement(click("id", "lead-7", "anon-7", "identify", T0 + 4 * MINUTE), T0 + 4 * MINUTE);
        assertThat(harness.extractOutputValues()).extracting(e -> e.eventId + ">" + e.leadId)
                .as("the newest three of old and new clicks, oldest first").containsExactly("n1>lead-7", "o2>lead-7", "n3>lead-7", "id>lead-7");
    }

    /**
     * The clicks released are those a buffer of the limit, kept in event-time order click by click,
     * would hold (the behaviour of release 2026.2, modelled here in plain Java), for random arrival
     * orders, equal times and limits: also when the list is cut down on the way (it reaches twice the
     * limit) and when the id is linked while the list is longer than the limit.
     */
    @Test
    void releasedClicksAreThoseOfABufferKeptClickByClickForRandomArrivals() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int limit = 1 + random.nextInt(6);
            int clicks = random.nextInt(5 * limit);
            KeyedBroadcastOperatorTestHarness<String, LeadEvent, Control, LeadEvent> h =
                    ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                            new IdentityStitcher(RETENTION, limit), e -> e.anonymousId, Types.STRING, LiveModel.STATE);
            try {
                h.processBroadcastWatermark(new Watermark(Long.MAX_VALUE));
                List<LeadEvent> buffer = new ArrayList<>();
                for (int i = 0; i < clicks; i++) {
                    long at = T0 + random.nextInt(8) * MINUTE;
                    LeadEvent c = click("c" + i, null, "anon-r", "page:docs", at);
                    h.processElement(c, at);
                    keepClickByClick(buffer, c, limit);
                }
                h.processElement(click("id", "lead-r", "anon-r", "identify", T0 + 9 * MINUTE), T0 + 9 * MINUTE);
                List<String> expected = new ArrayList<>(buffer.stream().map(e -> e.eventId).toList());
                expected.add("id");
                assertThat(h.extractOutputValues()).extracting(e -> e.eventId)
                        .as("round %d: limit %d, %d clicks", round, limit, clicks).containsExactlyElementsOf(expected);
            } finally {
                h.close();
            }
        }
    }

    /** The oracle: a sorted buffer; when full, the oldest goes, or the arriving click if no newer than it. */
    private static void keepClickByClick(List<LeadEvent> buffer, LeadEvent c, int limit) {
        if (buffer.size() == limit) {
            if (c.occurredAt <= buffer.get(0).occurredAt) {
                return;
            }
            buffer.remove(0);
        }
        int at = buffer.size();
        while (at > 0 && buffer.get(at - 1).occurredAt > c.occurredAt) {
            at--;
        }
        buffer.add(at, c);
    }

    public static LeadEvent click(String id, String leadId, String anonymousId, String signal, long at) {
        LeadEvent e = new LeadEvent();
        e.eventId = id;
        e.source = LeadEvent.Source.CLICKSTREAM;
        e.leadId = leadId;
        e.anonymousId = anonymousId;
        e.signal = signal;
        e.occurredAt = at;
        return e;
    }
}
