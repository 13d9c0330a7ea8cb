package dev.leadflow.job;

import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.job.control.ControlDeserializer;
import dev.leadflow.job.control.ControlRecord;
import dev.leadflow.job.control.ControlStartingOffsets;
import dev.leadflow.job.control.ModelTopic;
import dev.leadflow.job.ingest.DeadLetter;
import dev.leadflow.job.ingest.DeadLetterSerializer;
import dev.leadflow.job.ingest.DecodedRecord;
import dev.leadflow.job.ingest.InputDeserializer;
import dev.leadflow.job.sink.HandoffAuditSerializer;
import dev.leadflow.job.sink.RedisQueueSink;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the scoring job ({@code flink run leadflow-flink-jobs.jar --bootstrap-servers …}).
 * Builds the Kafka sources and sinks from {@link JobSettings} and hands them to
 * {@link LeadFlowPipeline#defineWorkflow}.
 */
public final class LeadFlowJob {

    private static final Logger LOG = LoggerFactory.getLogger(LeadFlowJob.class);
    public static final String JOB_NAME = "leadflow-scoring";
    /** How soon a control topic created after the job started is read. */
    static final Duration CONTROL_DISCOVERY = Duration.ofSeconds(5);

    /** How long {@code main} waits for Kafka when it reconciles {@code --model} with the model topic. */
    static final Duration MODEL_TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private LeadFlowJob() {}

    public static void main(String[] args) throws Exception {
        JobSettings settings = JobSettings.fromArgs(args, System.getenv());
        // read once: the document published to an empty model topic is the one the job parsed
        String document = ScoringModel.document(settings.modelLocation);
        ScoringModel model = ScoringModel.parse(settings.modelLocation, document);
        logStart(settings, model);
        ModelTopic.reconcile(clientProperties(settings), model, document, MODEL_TOPIC_TIMEOUT);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfig(settings));
        configure(env, settings);
        LeadFlowPipeline.defineWorkflow(env, kafkaInputs(settings), kafkaOutputs(settings), model, settings);
        env.execute(JOB_NAME);
    }

    /** The one line the job logs about its settings; {@link JobSettings#toString()} masks every secret. */
    public static void logStart(JobSettings settings, ScoringModel model) {
        LOG.info("Starting {} with {} and scoring model {}", JOB_NAME, settings, model.version());
    }

    /**
     * Checkpoints are unaligned from the start (alignment timeout zero). A source subtask that
     * waits for the schema registry (see {@link InputDeserializer}) cannot pass a checkpoint
     * barrier on; with aligned checkpoints every operator downstream then holds back the inputs
     * that did pass it, and the whole job stops until the registry returns — RegistryOutageIT saw
     * that, also with a 5 s alignment timeout. Unaligned, the edges from the sources do not wait;
     * the broadcast control edges into the stateful operators are still aligned (Flink does not
     * checkpoint broadcast edges unaligned), so those operators may hold their inputs once a
     * checkpoint has started. The pending checkpoint completes once the waiting record is decoded.
     */
    public static final Duration ALIGNED_CHECKPOINT_TIMEOUT = Duration.ZERO;

    static Configuration alignmentConfig() {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
        conf.set(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT, ALIGNED_CHECKPOINT_TIMEOUT);
        return conf;
    }

    /**
     * The checkpoint policy of {@link JobSettings}, set on the job so that a cluster default cannot
     * change it: timeout, tolerated failures, pause, max parallelism. Completed checkpoints are
     * kept when the job is cancelled (an operator's cancel must not delete the only restore point)
     * and the last {@link #RETAINED_CHECKPOINTS} are kept.
     */
    static Configuration checkpointPolicy(JobSettings s) {
        Configuration conf = alignmentConfig();
        conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, s.checkpointTimeout);
        conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, s.tolerableCheckpointFailures);
        conf.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, s.effectiveMinPause());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, RETAINED_CHECKPOINTS);
        conf.set(PipelineOptions.MAX_PARALLELISM, s.maxParallelism);
        conf.addAll(stateBackendConfig(s));
        return conf;
    }

    /**
     * The state backend, when the job names one (otherwise the cluster's {@code state.backend.type}
     * holds). RocksDB checkpoints incrementally: a checkpoint uploads only the SST files written
     * since the last one, so its cost follows the rate of change, not the size of the state.
     */
    static Configuration stateBackendConfig(JobSettings s) {
        Configuration conf = new Configuration();
        if (s.stateBackend != null) {
            conf.set(StateBackendOptions.STATE_BACKEND, s.stateBackend.flinkName);
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, s.stateBackend == JobSettings.StateBackend.ROCKSDB);
        }
        return conf;
    }

    /** Two, so that a checkpoint whose files turn out damaged has an older one to fall back to. */
    static final int RETAINED_CHECKPOINTS = 2;
    /** First restart after 1 s: a lost TaskManager or a broker's leader change is over quickly. */
    static final Duration RESTART_INITIAL_BACKOFF = Duration.ofSeconds(1);
    /** Doubling up to 5 min: a cause that lasts (Redis or Kafka down) is not hammered by restarts. */
    static final Duration RESTART_MAX_BACKOFF = Duration.ofMinutes(5);
    /** After an hour without a failure the next one starts again at 1 s. */
    static final Duration RESTART_RESET_AFTER = Duration.ofHours(1);

    /**
     * Restarts with exponential delay and without a limit on attempts: each restart resumes from the
     * last completed checkpoint, so a restart loses nothing, and a job that gave up would need a
     * person to start it again. The failures show in numRestarts (alert on it).
     */
    static Configuration restartPolicy() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, RESTART_INITIAL_BACKOFF);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, RESTART_MAX_BACKOFF);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, RESTART_RESET_AFTER);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, Integer.MAX_VALUE);
        return conf;
    }

    /**
     * Job-level Flink configuration of {@code main}: checkpoints are always on, with the checkpoint
     * and restart policy. (The integration tests start the job through {@link #configure} only and
     * keep their cluster's quick restarts.)
     */
    public static Configuration flinkConfig(JobSettings s) {
        Configuration conf = new Configuration(checkpointPolicy(s));
        conf.addAll(restartPolicy());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, s.checkpointInterval);
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        if (s.checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, s.checkpointDir);
        }
        return conf;
    }

    public static void configure(StreamExecutionEnvironment env, JobSettings s) {
        env.enableCheckpointing(s.checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.configure(checkpointPolicy(s));
        env.setBufferTimeout(s.bufferTimeout.toMillis());
        // Chained operators hand records on without a serializer copy. Safe here because no function
        // changes a record it has emitted or keeps one it received from a chained predecessor and
        // changes it later: decoders emit fresh events, the prioritizer a fresh command per action,
        // and the queue sink only reads the commands it buffers. The copies (reflective, for every
        // decoded record and every queue action) were 4 % of the benchmark's CPU.
        env.getConfig().enableObjectReuse();
        if (s.parallelism > 0) {
            env.setParallelism(s.parallelism);
        }
    }

    public static LeadFlowPipeline.Inputs kafkaInputs(JobSettings s) {
        return new LeadFlowPipeline.Inputs(source(s, Topics.CLICKSTREAM), source(s, Topics.CAMPAIGN), source(s, Topics.SALES),
                controlSource(s));
    }

    /**
     * The control topics. Subscribed by pattern so that the job starts while they do not exist yet and
     * picks them up within the discovery interval once created. The scoring-model topic is read from
     * its earliest offset on every start without state ({@link ControlStartingOffsets}).
     */
    public static KafkaSource<ControlRecord> controlSource(JobSettings s) {
        StringBuilder pattern = new StringBuilder();
        for (String topic : ControlDeserializer.TOPICS) {
            pattern.append(pattern.length() == 0 ? "" : "|").append(Pattern.quote(topic));
        }
        return KafkaSource.<ControlRecord>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setTopicPattern(Pattern.compile(pattern.toString()))
                .setGroupId(s.groupId)
                .setStartingOffsets(new ControlStartingOffsets())
                .setDeserializer(new ControlDeserializer(s.registryConfig()))
                .setProperties(kafkaProperties(s))
                .setProperty("partition.discovery.interval.ms", Long.toString(CONTROL_DISCOVERY.toMillis()))
                .setProperty("client.id.prefix", s.groupId + "-control")
                .build();
    }

    /**
     * Fetch settings of the input sources, overridable with {@code --kafka.*}. Kafka's defaults answer
     * a fetch as soon as one byte is there: under steady traffic each poll then brings a handful of
     * records, and the polls (consumer and broker side) cost more CPU than decoding them. Waiting up
     * to 5 ms for 16 KiB brings dozens per fetch and adds at most 5 ms to a record's latency.
     */
    static final Map<String, String> INPUT_FETCH_DEFAULTS = Map.of("fetch.min.bytes", "16384", "fetch.max.wait.ms", "5");

    /** The input sources' Kafka properties: the fetch defaults, then the user's. */
    static Properties inputProperties(JobSettings s) {
        Properties p = new Properties();
        p.putAll(INPUT_FETCH_DEFAULTS);
        p.putAll(kafkaProperties(s));
        return p;
    }

    // The connector's committedOffsets(...) still takes Kafka's deprecated OffsetResetStrategy.
    @SuppressWarnings("deprecation")
    public static KafkaSource<DecodedRecord> source(JobSettings s, String topic) {
        OffsetsInitializer start = s.startFrom == JobSettings.StartFrom.LATEST
                ? OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST)
                : OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        return source(s, topic, start, null);
    }

    /**
     * An input source as {@link #source(JobSettings, String)} builds it, from {@code start}; bounded at
     * {@code stop} when that is not null (a replay of a period, e.g. {@code leadflow backtest}).
     */
    public static KafkaSource<DecodedRecord> source(JobSettings s, String topic, OffsetsInitializer start,
            OffsetsInitializer stop) {
        var builder = KafkaSource.<DecodedRecord>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setTopics(topic)
                .setGroupId(s.groupId)
                .setStartingOffsets(start)
                .setDeserializer(new InputDeserializer(topic, s.registryConfig(), s.maxEventBytes, s.maxEventTimeSkew))
                .setProperties(inputProperties(s))
                .setProperty("client.id.prefix", s.groupId + "-" + InputDeserializer.streamName(topic));
        if (stop != null) {
            builder.setBounded(stop);
        }
        return builder.build();
    }

    public static LeadFlowPipeline.Outputs kafkaOutputs(JobSettings s) {
        KafkaSink<HandoffCommand> audit = KafkaSink.<HandoffCommand>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setKafkaProducerConfig(kafkaProperties(s))
                .setRecordSerializer(new HandoffAuditSerializer(s.registryConfig()))
                .setDeliveryGuarantee(s.auditExactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
                .setTransactionalIdPrefix(s.groupId + "-audit")
                .build();
        KafkaSink<DeadLetter> dlq = KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setKafkaProducerConfig(kafkaProperties(s))
                .setRecordSerializer(new DeadLetterSerializer())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        return new LeadFlowPipeline.Outputs(RedisQueueSink.from(s), audit, dlq);
    }

    /** Properties for a plain Kafka client of the job's cluster: bootstrap servers and {@code --kafka.*}. */
    public static Properties clientProperties(JobSettings s) {
        Properties p = new Properties();
        p.put("bootstrap.servers", s.bootstrapServers);
        p.putAll(kafkaProperties(s));
        return p;
    }

    private static Properties kafkaProperties(JobSettings s) {
        Properties p = new Properties();
        for (Map.Entry<String, String> e : s.kafkaProperties.entrySet()) {
            p.setProperty(e.getKey(), e.getValue());
        }
        return p;
    }
}
