package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.scoring.ScoringModel;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccountPrioritizerTest {

    private static final long T0 = 1_780_000_000_000L;
    private final ScoringModel model = ScoringModel.defaults();
    private KeyedOneInputStreamOperatorTestHarness<String, LeadUpdate, HandoffCommand> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new AccountPrioritizer(model), u -> u.accountKey, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void aSecondEngagedColleagueRaisesTheQueuedLeadsPriorityAndEverythingIsCleanedUpAfterwards() throws Exception {
        harness.processElement(update("ada", T0, 70, true, true, "default"), T0);
        HandoffCommand enqueue = only(HandoffCommand.Action.ENQUEUE);
        assertThat(enqueue.priority).isEqualTo(70.0);
        assertThat(enqueue.engagedLeads).isEqualTo(1);

        harness.processElement(update("grace", T0 + 1000, 30, true, false, null), T0 + 1000);
        HandoffCommand raised = lastCommand();
        assertThat(raised.action).isEqualTo(HandoffCommand.Action.UPDATE);
        assertThat(raised.leadId).isEqualTo("ada");
        assertThat(raised.priority).isEqualTo(70.0 + model.committeeBonusPerLead());
        assertThat(raised.enqueuedAt).as("an update keeps the original enqueue time").isEqualTo(T0);
        assertThat(raised.triggerEventId).isEqualTo("evt-grace");

        harness.processElement(update("ada", T0 + 2000, 40, false, false, null), T0 + 2000);
        HandoffCommand withdraw = lastCommand();
        assertThat(withdraw.action).isEqualTo(HandoffCommand.Action.WITHDRAW);
        assertThat(withdraw.queue).isEqualTo("default");

        List<HandoffCommand> all = harness.extractOutputValues();
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).version).as("versions only grow").isGreaterThan(all.get(i - 1).version);
        }

        harness.processElement(update("grace", T0 + 3000, 5, false, false, null), T0 + 3000);
        assertThat(harness.numKeyedStateEntries()).as("a cold account leaves nothing behind").isZero();
    }

    @Test
    void aQueueChangeWithdrawsFromTheOldQueueAndEnqueuesInTheNew() throws Exception {
        harness.processElement(update("ada", T0, 70, true, true, "default"), T0);
        harness.processElement(update("ada", T0 + 1000, 70, true, true, "owner-s42"), T0 + 1000);
        List<HandoffCommand> out = harness.extractOutputValues();
        assertThat(out).extracting(c -> c.action + "@" + c.queue)
                .containsExactly("ENQUEUE@default", "WITHDRAW@default", "ENQUEUE@owner-s42");
    }

    private HandoffCommand only(HandoffCommand.Action action) {
        List<HandoffCommand> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).action).isEqualTo(action);
        return out.get(0);
    }

    private HandoffCommand lastCommand() {
        List<HandoffCommand> out = harness.extractOutputValues();
        return out.get(out.size() - 1);
    }

    private static LeadUpdate update(String lead, long at, int readiness, boolean engaged, boolean wants, String queue) {
        LeadUpdate u = new LeadUpdate();
        u.leadId = lead;
        u.accountDomain = "acme.io";
        u.accountKey = "acme.io";
        u.at = at;
        u.triggerEventId = "evt-" + lead;
        u.readiness = readiness;
        u.engaged = engaged;
        u.wantsHandoff = wants;
        u.handoffId = wants ? lead + "-1" : null;
        u.queue = queue;
        u.modelVersion = "test";
        return u;
    }
}
