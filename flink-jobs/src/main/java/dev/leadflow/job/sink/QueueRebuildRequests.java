package dev.leadflow.job.sink;

import dev.leadflow.avro.ControlCommand;
import dev.leadflow.avro.ControlCommandType;
import dev.leadflow.job.account.AccountPrioritizer;
import dev.leadflow.schemas.Topics;
import java.time.Duration;
import java.time.Instant;

/**
 * The queue sink's own {@code leadflow rebuild-queue}: a {@link ControlCommand} {@code REBUILD_QUEUE} on
 * {@value Topics#CONTROL}, sent when the sink finds itself writing to a new Redis primary, so that every open
 * handoff the job holds is written again (see {@link AccountPrioritizer}). The command's event id is derived
 * from the new primary's replication id: every subtask that sees the same failover sends the same id, and the
 * prioritizer acts on it once. Sent with an {@link AcknowledgedPublisher}: nothing is opened before the first
 * request.
 */
public final class QueueRebuildRequests implements AutoCloseable {

    public static final String EVENT_ID_PREFIX = "redis-primary-";

    private final AcknowledgedPublisher<ControlCommand> publisher;

    QueueRebuildRequests(ErasureConfirmations.Target target) {
        this.publisher = new AcknowledgedPublisher<>(target, Topics.CONTROL, ControlCommand.getClassSchema(),
                "leadflow-queue-rebuild-requests", "the queue rebuild request");
    }

    static ControlCommand command(String newReplicationId, String requestedBy, long at) {
        return ControlCommand.newBuilder()
                .setEventId(EVENT_ID_PREFIX + newReplicationId)
                .setOccurredAt(Instant.ofEpochMilli(at))
                .setCommand(ControlCommandType.REBUILD_QUEUE)
                .setRequestedBy(requestedBy)
                .build();
    }

    /**
     * Sends the command and waits for the broker's acknowledgement, at most {@code timeout}.
     *
     * @throws Exception whatever stopped it; the caller retries
     */
    void publish(ControlCommand command, Duration timeout) throws Exception {
        publisher.publish(command.getEventId(), command.getOccurredAt().toEpochMilli(), command, timeout);
    }

    @Override
    public void close() {
        publisher.close();
    }
}
