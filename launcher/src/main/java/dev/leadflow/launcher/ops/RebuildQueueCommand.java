package dev.leadflow.launcher.ops;

import dev.leadflow.avro.ControlCommand;
import dev.leadflow.avro.ControlCommandType;
import dev.leadflow.launcher.Flags;
import dev.leadflow.schemas.Topics;
import java.io.PrintStream;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * {@code leadflow rebuild-queue}: asks the running scoring job to write every open handoff in its state to Redis
 * again (a {@link ControlCommand} {@code REBUILD_QUEUE} on {@value Topics#CONTROL}), after Redis lost data. The job
 * logs the command's event id with its effect; the queue's version guard makes the rewrite safe to repeat.
 */
public final class RebuildQueueCommand {

    private RebuildQueueCommand() {}

    public static int run(Flags flags, PrintStream out, PrintStream err) throws Exception {
        KafkaConnection connection = KafkaConnection.from(flags);
        String requestedBy = flags.string("requested-by", null);
        flags.requireAllUsed();
        ControlCommand command = ControlCommand.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now())
                .setCommand(ControlCommandType.REBUILD_QUEUE)
                .setRequestedBy(requestedBy)
                .build();
        connection.createTopicsIfMissing(1, err, Topics.CONTROL);
        // keyed by the command's id: the job reads every partition, the key only spreads commands
        RecordMetadata sent = OneRecord.send(connection, Topics.CONTROL, command.getEventId(), command);
        out.printf("REBUILD_QUEUE command %s sent to %s (partition %d, offset %d): the scoring job rewrites every "
                + "open handoff to Redis when it reads it.%n", command.getEventId(), Topics.CONTROL, sent.partition(),
                sent.offset());
        return 0;
    }
}
