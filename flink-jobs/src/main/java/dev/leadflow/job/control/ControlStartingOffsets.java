package dev.leadflow.job.control;

import dev.leadflow.schemas.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the control source starts reading a partition it has no state for. The compacted
 * {@code leadflow.scoring-model} topic is the truth about the model, so a job started without
 * state reads it from the earliest offset whatever its consumer group has committed: otherwise a
 * group that had already read the newest model would start after it and score with {@code --model}.
 * The requests and commands topics keep the committed offsets (an erasure or a rebuild is done once).
 * A job restored from a checkpoint or savepoint resumes every partition where its state says; it
 * then reads every model published while it was down, and the newest one wins over its state.
 */
public final class ControlStartingOffsets implements OffsetsInitializer {

    private static final long serialVersionUID = 1L;

    @SuppressWarnings("deprecation") // the connector's committedOffsets(...) still takes Kafka's OffsetResetStrategy
    private final OffsetsInitializer others = OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(Collection<TopicPartition> partitions,
            PartitionOffsetsRetriever retriever) {
        List<TopicPartition> models = new ArrayList<>();
        List<TopicPartition> rest = new ArrayList<>();
        for (TopicPartition p : partitions) {
            (Topics.SCORING_MODEL.equals(p.topic()) ? models : rest).add(p);
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (!models.isEmpty()) {
            offsets.putAll(retriever.beginningOffsets(models));
        }
        if (!rest.isEmpty()) {
            offsets.putAll(others.getPartitionOffsets(rest, retriever));
        }
        return offsets;
    }

    @Override
    @SuppressWarnings("deprecation")
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        return OffsetResetStrategy.EARLIEST;
    }
}
