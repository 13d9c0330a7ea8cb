package dev.leadflow.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.queue.QueueAction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The queue sink leaves out UPDATEs that a later UPDATE of the same handoff in the same batch supersedes. */
class QueueWriteCoalescingTest {

    @Test
    void onlyTheNewestOfConsecutiveUpdatesOfOneHandoffIsWritten() {
        List<HandoffCommand> batch = List.of(
                command("a", HandoffCommand.Action.ENQUEUE, "q1", "a-1", 1),
                command("a", HandoffCommand.Action.UPDATE, "q1", "a-1", 2),
                command("b", HandoffCommand.Action.UPDATE, "q1", "b-1", 1),
                command("a", HandoffCommand.Action.UPDATE, "q1", "a-1", 3),
                command("a", HandoffCommand.Action.UPDATE, "q1", "a-1", 4),
                command("b", HandoffCommand.Action.WITHDRAW, "q1", "b-1", 2));
        assertThat(RedisQueueWriter.actionsToWrite(batch)).extracting(a -> a.leadId() + ":" + a.kind() + ":v" + a.version())
                .containsExactly("a:ENQUEUE:v1", "b:UPDATE:v1", "a:UPDATE:v4", "b:WITHDRAW:v2");
    }

    @Test
    void updatesAcrossQueuesHandoffsOrOtherActionsAreAllWritten() {
        List<HandoffCommand> batch = List.of(
                command("a", HandoffCommand.Action.UPDATE, "q1", "a-1", 1),
                command("a", HandoffCommand.Action.WITHDRAW, "q1", "a-1", 2),
                command("a", HandoffCommand.Action.ENQUEUE, "q2", "a-2", 3),
                command("a", HandoffCommand.Action.UPDATE, "q2", "a-2", 4),
                command("c", HandoffCommand.Action.UPDATE, "q1", "c-1", 1),
                command("c", HandoffCommand.Action.UPDATE, "q1", "c-2", 2));
        assertThat(RedisQueueWriter.actionsToWrite(batch)).extracting(QueueAction::version)
                .containsExactly(1L, 2L, 3L, 4L, 1L, 2L);
    }

    private static HandoffCommand command(String lead, HandoffCommand.Action action, String queue, String handoff, long version) {
        HandoffCommand c = new HandoffCommand();
        c.leadId = lead;
        c.action = action;
        c.queue = queue;
        c.handoffId = handoff;
        c.version = version;
        c.priority = 50;
        c.enqueuedAt = 1_000;
        c.at = 2_000;
        c.grade = "A1";
        c.modelVersion = "test";
        return c;
    }
}
