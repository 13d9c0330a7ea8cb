package dev.leadflow.job.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.job.Events;
import dev.leadflow.job.Harnesses;
import dev.leadflow.job.control.Control;
import dev.leadflow.job.scoring.LeadUpdate;
import dev.leadflow.job.sink.RedisQueueWriter;
import dev.leadflow.queue.ApplyResult;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueuedLead;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A queued lead whose account changes: lead scoring and the account prioritizer in Flink's operator
 * harnesses, their queue actions applied to a real redis-server in the order the job's subtasks may deliver
 * them. The old account's WITHDRAW and the new account's ENQUEUE are decided by two prioritizer keys (with
 * parallelism > 1, two subtasks) for one event; the lead must stay queued whichever lands first.
 */
class AccountMoveTest {

    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final long T0 = 1_780_000_000_000L;
    private static final long MINUTE = 60_000L;

    private final ScoringModel model = ScoringModel.defaults();
    private KeyedBroadcastOperatorTestHarness<String, LeadEvent, Control, LeadUpdate> scoring;
    private KeyedBroadcastOperatorTestHarness<String, LeadUpdate, Control, HandoffCommand> accounts;
    private HandoffQueue queue;
    private int scored;
    private int decided;

    @BeforeEach
    void setUp() throws Exception {
        REDIS.flushAll();
        queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
        scoring = Harnesses.scoring(model);
        accounts = Harnesses.accounts(model);
    }

    @AfterEach
    void tearDown() throws Exception {
        scoring.close();
        accounts.close();
        queue.close();
    }

    @Test
    void aQueuedLeadStaysQueuedWhenItsAccountChangesWhicheverActionLandsFirst() throws Exception {
        identify("Alpha", "alpha.example", T0);
        event("demo", "track:demo_requested", T0 + MINUTE);
        List<HandoffCommand> queued = step();
        assertThat(queued).extracting(c -> c.action + "@" + c.queue).containsExactly("ENQUEUE@default");
        apply(queued);
        assertThat(inQueue()).isPresent();

        identify("Beta", "beta.example", T0 + 2 * MINUTE);
        List<HandoffCommand> moved = step();
        assertThat(moved).extracting(c -> c.action + "@" + c.queue + " from " + c.accountDomain)
                .as("the old account withdraws, the new one enqueues, into the same routing queue")
                .containsExactly("WITHDRAW@default from alpha.example", "ENQUEUE@default from beta.example");
        assertThat(moved.get(1).version).as("one lead, one version order across accounts")
                .isGreaterThan(moved.get(0).version);
        assertThat(moved.get(0).version).isGreaterThan(queued.get(0).version);

        // parallelism 1: the WITHDRAW lands first
        assertThat(apply(moved)).containsExactly(ApplyResult.APPLIED, ApplyResult.APPLIED);
        QueuedLead lead = inQueue().orElseThrow(() -> new AssertionError("the lead vanished from the queue"));
        assertThat(lead.version()).isEqualTo(moved.get(1).version);
        assertThat(lead.payload()).contains("beta.example");

        // two subtasks: the ENQUEUE may land first, then the old account's WITHDRAW must be a no-op
        REDIS.flushAll();
        apply(queued);
        List<HandoffCommand> reversed = new ArrayList<>(moved);
        Collections.reverse(reversed);
        assertThat(apply(reversed)).containsExactly(ApplyResult.APPLIED, ApplyResult.STALE);
        assertThat(inQueue()).isPresent();
    }

    private void identify(String company, String domain, long at) throws Exception {
        LeadEvent e = lead("id-" + domain, "identify", at);
        e.traits = Map.of("email", "ada@" + domain, "title", "Engineer", "company", company, "company_domain", domain,
                "company_size", "25", "country", "US");
        scoring.processElement(e, at);
    }

    private void event(String id, String signal, long at) throws Exception {
        scoring.processElement(lead(id, signal, at), at);
    }

    private static LeadEvent lead(String id, String signal, long at) {
        return Events.scored("ada", id, signal, at);
    }

    /** Passes scoring's new updates to the prioritizer and returns the queue actions it decided. */
    private List<HandoffCommand> step() throws Exception {
        List<LeadUpdate> updates = scoring.extractOutputValues();
        for (LeadUpdate u : updates.subList(scored, updates.size())) {
            accounts.processElement(u, u.at);
        }
        scored = updates.size();
        List<HandoffCommand> commands = accounts.extractOutputValues();
        List<HandoffCommand> fresh = new ArrayList<>(commands.subList(decided, commands.size()));
        decided = commands.size();
        return fresh;
    }

    private List<ApplyResult> apply(List<HandoffCommand> commands) {
        List<ApplyResult> results = new ArrayList<>();
        for (HandoffCommand c : commands) {
            results.add(queue.apply(RedisQueueWriter.toAction(c)));
        }
        return results;
    }

    private Optional<QueuedLead> inQueue() {
        return queue.get("default", "ada");
    }
}
