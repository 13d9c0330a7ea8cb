package dev.leadflow.job.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.job.Harnesses;
import dev.leadflow.job.ScoringModelDocuments;
import dev.leadflow.job.control.Control;
import dev.leadflow.job.scoring.HandoffVersions;
import dev.leadflow.job.scoring.LeadUpdate;
import dev.leadflow.scoring.model.ScoringModel;
import java.util.List;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccountPrioritizerTest {

    private static final long T0 = 1_780_000_000_000L;
    private final ScoringModel model = ScoringModel.defaults();
    private KeyedBroadcastOperatorTestHarness<String, LeadUpdate, Control, HandoffCommand> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = Harnesses.accounts(model);
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
        assertThat(Harnesses.keyedStateEntries(harness)).as("a cold account leaves nothing behind").isZero();
    }

    @Test
    void aCommitteeChangeUpdatesTheOpenHandoffsOldestFirstAlsoAfterARestoreAndNeverAWithdrawnOne() throws Exception {
        harness.processElement(update("zoe", T0 + 100, 70, true, true, "default"), T0 + 100);
        harness.processElement(update("bob", T0 + 101, 70, true, true, "default"), T0 + 101);
        harness.processElement(update("kim", T0 + 102, 70, true, true, "default"), T0 + 102);
        harness.processElement(update("bob", T0 + 103, 40, true, false, null), T0 + 103); // withdrawn, still engaged
        assertThat(harness.extractOutputValues()).extracting(c -> c.action + ":" + c.leadId)
                .containsExactly("ENQUEUE:zoe", "ENQUEUE:bob", "UPDATE:zoe", "ENQUEUE:kim", "UPDATE:zoe", "UPDATE:bob",
                        "WITHDRAW:bob");

        var snapshot = harness.snapshot(1L, T0 + 104);
        harness.close();
        harness = Harnesses.restored(new AccountPrioritizer(model), u -> u.accountKey, snapshot);

        harness.processElement(update("new-colleague", T0 + 200, 30, true, false, null), T0 + 200);
        List<HandoffCommand> after = harness.extractOutputValues();
        assertThat(after).extracting(c -> c.action + ":" + c.leadId)
                .as("only the open handoffs, in the order they were enqueued")
                .containsExactly("UPDATE:zoe", "UPDATE:kim");
        assertThat(after).extracting(c -> c.engagedLeads).containsOnly(4);
        assertThat(after).extracting(c -> c.priority).containsOnly(70.0 + model.committeeMaxBonus());
    }

    @Test
    void colleaguesReprioritizeInsideTheLeadsVersionBlockAndWaitForItsNextUpdateWhenItIsUsedUp() throws Exception {
        harness.processElement(update("ada", T0, 70, true, true, "default"), T0);
        long block = version(T0);
        // a colleague who keeps engaging and cooling changes the committee twice per round, without ada's own update
        for (int i = 1; i <= HandoffVersions.BLOCK; i++) {
            harness.processElement(update("grace", T0 + i, 30, i % 2 == 1, false, null), T0 + i);
        }
        List<HandoffCommand> ada = harness.extractOutputValues().stream().filter(c -> c.leadId.equals("ada")).toList();
        assertThat(ada).hasSize((int) HandoffVersions.BLOCK);
        for (int i = 0; i < ada.size(); i++) {
            assertThat(ada.get(i).version).isEqualTo(block + i);
        }
        // ada's next update from scoring opens a new block above everything so far
        harness.processElement(update("ada", T0 + 5000, 72, true, true, "default"), T0 + 5000);
        assertThat(lastCommand().version).isGreaterThan(ada.get(ada.size() - 1).version).isEqualTo(version(T0 + 5000));
    }

    @Test
    void aQueueChangeWithdrawsFromTheOldQueueAndEnqueuesInTheNew() throws Exception {
        harness.processElement(update("ada", T0, 70, true, true, "default"), T0);
        harness.processElement(update("ada", T0 + 1000, 70, true, true, "owner-s42"), T0 + 1000);
        List<HandoffCommand> out = harness.extractOutputValues();
        assertThat(out).extracting(c -> c.action + "@" + c.queue)
                .containsExactly("ENQUEUE@default", "WITHDRAW@default", "ENQUEUE@owner-s42");
    }

    @Test
    void anErasedLeadIsWithdrawnForgottenAndPassedOnAsAnEraseWhileItsColleagueDropsBack() throws Exception {
        harness.processElement(update("ada", T0, 70, true, true, "default"), T0);
        harness.processElement(update("grace", T0 + 1000, 70, true, true, "default"), T0 + 1000);
        harness.processElement(LeadUpdate.erased("grace", "acme.io", "acme.io", T0 + 2000, version(T0 + 2000), "req-1", "dpo", "test"), T0 + 2000);

        List<HandoffCommand> out = harness.extractOutputValues();
        assertThat(out.subList(3, out.size())).extracting(c -> c.action + ":" + c.leadId)
                .containsExactly("WITHDRAW:grace", "UPDATE:ada", "ERASE:grace");
        HandoffCommand withdraw = out.get(3);
        assertThat(withdraw.reasons).as("an erasure's withdraw carries nothing of the lead").isEmpty();
        assertThat(withdraw.email).isNull();
        assertThat(out.get(4).priority).as("committee back to one").isEqualTo(70.0);
        HandoffCommand erase = out.get(5);
        assertThat(erase.erasureRequestId).isEqualTo("req-1");
        assertThat(erase.requestedBy).isEqualTo("dpo");

        // only ada is left: withdrawing her leaves nothing at all
        harness.processElement(update("ada", T0 + 3000, 5, false, false, null), T0 + 3000);
        assertThat(Harnesses.keyedStateEntries(harness)).isZero();
    }

    /**
     * The claimant meets the buying committee by name; a person who joins it appears in every queued colleague's
     * handoff even when the committee's bonus is already at its cap (the priority does not move), and an erased
     * person leaves every one of them at once.
     */
    @Test
    void everyQueuedHandoffNamesTheCommitteeAndAnErasedPersonLeavesThemAll() throws Exception {
        int cap = (int) Math.ceil(model.committeeMaxBonus() / model.committeeBonusPerLead());
        harness.processElement(named(update("ada", T0, 70, true, true, "default"), "Ada Lovelace", "CEO"), T0);
        for (int i = 0; i < cap; i++) {
            harness.processElement(named(update("p" + i, T0 + 1 + i, 30, true, false, null), null, "Engineer"), T0 + 1 + i);
        }
        HandoffCommand atCap = lastCommand();
        assertThat(atCap.leadId).isEqualTo("ada");
        assertThat(atCap.priority).isEqualTo(70.0 + model.committeeMaxBonus());

        harness.processElement(named(update("grace", T0 + 1000, 30, true, false, null), "Grace Hopper", "CTO"), T0 + 1000);
        HandoffCommand joined = lastCommand();
        assertThat(joined.action).isEqualTo(HandoffCommand.Action.UPDATE);
        assertThat(joined.leadId).isEqualTo("ada");
        assertThat(joined.priority).as("the bonus was at its cap").isEqualTo(atCap.priority);
        assertThat(joined.engagedLeads).isEqualTo(cap + 2);
        assertThat(joined.people).extracting(c -> c.name).contains("Grace Hopper").doesNotContain("Ada Lovelace");
        assertThat(joined.people).hasSizeLessThanOrEqualTo(Colleague.SHOWN);

        harness.processElement(named(update("bob", T0 + 1001, 70, true, true, "default"), "Bob", "VP Sales"), T0 + 1001);
        HandoffCommand bob = harness.extractOutputValues().stream()
                .filter(c -> c.leadId.equals("bob") && c.action == HandoffCommand.Action.ENQUEUE).findFirst().orElseThrow();
        assertThat(bob.people).extracting(c -> c.name).contains("Grace Hopper", "Ada Lovelace");

        int before = harness.extractOutputValues().size();
        harness.processElement(LeadUpdate.erased("grace", "acme.io", "acme.io", T0 + 2000, version(T0 + 2000), "req-9", "dpo", "test"), T0 + 2000);
        List<HandoffCommand> after = harness.extractOutputValues().subList(before, harness.extractOutputValues().size());
        assertThat(after).extracting(c -> c.action + ":" + c.leadId).containsExactly("UPDATE:ada", "UPDATE:bob", "ERASE:grace");
        for (HandoffCommand c : after) {
            assertThat(c.people).extracting(p -> p.name).doesNotContain("Grace Hopper");
            assertThat(c.people).extracting(p -> p.title).doesNotContain("CTO");
        }
    }

    @Test
    void erasingALeadTheAccountNeverHeldStillReachesTheQueue() throws Exception {
        harness.processElement(LeadUpdate.erased("nobody", "lead:nobody", null, T0, version(T0), "req-2", null, "test"), T0);
        assertThat(harness.extractOutputValues()).extracting(c -> c.action + ":" + c.leadId).containsExactly("ERASE:nobody");
        assertThat(Harnesses.keyedStateEntries(harness)).isZero();
    }

    @Test
    void aQueueRebuildResendsEveryOpenHandoffWithTheVersionItAlreadyHas() throws Exception {
        harness.processElement(update("ada", T0, 70, true, true, "default"), T0);
        harness.processElement(update("ada", T0 + 500, 75, true, true, "default"), T0 + 500);
        harness.processElement(update("grace", T0 + 1000, 30, true, false, null), T0 + 1000);
        harness.processElement(update("linus", T0, 90, true, true, "default") , T0);
        harness.processElement(update("linus", T0 + 100, 20, false, false, null), T0 + 100); // withdrawn
        List<HandoffCommand> before = harness.extractOutputValues();
        HandoffCommand adaLast = before.stream().filter(c -> c.leadId.equals("ada")).reduce((a, b) -> b).orElseThrow();

        harness.processBroadcastElement(Control.rebuildQueue("rb-1", "ops", T0 + 2000), T0 + 2000);

        List<HandoffCommand> resent = harness.extractOutputValues().subList(before.size(), harness.extractOutputValues().size());
        assertThat(resent).extracting(c -> c.action + ":" + c.leadId).containsExactly("ENQUEUE:ada");
        HandoffCommand c = resent.get(0);
        assertThat(c.rebuild).isTrue();
        assertThat(c.version).as("same version: Redis takes it only where the lead is missing").isEqualTo(adaLast.version);
        assertThat(c.priority).isEqualTo(adaLast.priority);
        assertThat(c.enqueuedAt).isEqualTo(T0);
        assertThat(c.engagedLeads).isEqualTo(2);
        assertThat(c.handoffId).isEqualTo("ada-1");
    }

    @Test
    void aNewModelFromTheControlStreamChangesPrioritiesFromThenOn() throws Exception {
        String yaml = ScoringModelDocuments.withCommitteeBonus(model, 12.0, "bonus-12");
        harness.processBroadcastElement(Control.model("bonus-12", yaml, T0), T0);
        harness.processElement(update("ada", T0, 70, true, true, "default"), T0);
        harness.processElement(update("grace", T0 + 1000, 30, true, false, null), T0 + 1000);
        assertThat(lastCommand().priority).isEqualTo(82.0);
        assertThat(lastCommand().modelVersion).as("the update itself carries the scorer's version").isEqualTo("test");
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

    /** The version block lead scoring would open for an update at {@code at} (one update per ms here). */
    private static long version(long at) {
        return HandoffVersions.next(0, at, Long.MIN_VALUE);
    }

    private static LeadUpdate named(LeadUpdate u, String name, String title) {
        u.name = name;
        u.title = title;
        return u;
    }

    private static LeadUpdate update(String lead, long at, int readiness, boolean engaged, boolean wants, String queue) {
        LeadUpdate u = new LeadUpdate();
        u.leadId = lead;
        u.accountDomain = "acme.io";
        u.accountKey = "acme.io";
        u.at = at;
        u.version = version(at);
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
