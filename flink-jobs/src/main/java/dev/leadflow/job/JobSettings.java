package dev.leadflow.job;

import dev.leadflow.queue.RedisConfig;
import dev.leadflow.queue.RedisTls;
import dev.leadflow.schemas.KafkaClientProperties;
import dev.leadflow.schemas.RegistryConfig;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.leadflow.schemas.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every setting of the scoring job, from command-line flags with environment variables as
 * fallback ({@code --redis-uri} or {@code LEADFLOW_REDIS_URI}) and defaults. Built once in
 * {@code main}, validated, and passed down; nothing else reads the environment. Secrets may be
 * given as {@code *-file} flags pointing at a mounted file so that they never appear on a
 * command line; {@link #toString()} never prints them.
 */
public final class JobSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Where sources start when the job has no checkpoint or committed offsets. */
    public enum StartFrom { EARLIEST, LATEST }

    /**
     * Where keyed state lives. HASHMAP: objects on the JVM heap, full snapshots; fastest while the
     * state fits in the heap. ROCKSDB: serialized in embedded RocksDB on local disk, incremental
     * checkpoints; state may outgrow the heap. Both write the same canonical savepoints.
     */
    public enum StateBackend {
        HASHMAP("hashmap"), ROCKSDB("rocksdb");

        /** The value of Flink's {@code state.backend.type}. */
        public final String flinkName;

        StateBackend(String flinkName) {
            this.flinkName = flinkName;
        }

        /** Parses a {@code --state-backend} value; the error names the option and the values allowed. */
        public static StateBackend parse(String value) {
            return parseEnum(StateBackend.class, "state-backend", value);
        }
    }

    public String bootstrapServers = "localhost:9092";
    /** Extra Kafka client properties (security.protocol, sasl.*, ssl.*) for sources and sinks. */
    public Map<String, String> kafkaProperties = new HashMap<>();
    public String groupId = "leadflow-scoring";
    public StartFrom startFrom = StartFrom.EARLIEST;
    public String registryUrl = "http://localhost:8081";
    public String registryUser;
    public String registryPassword;
    public String redisUri = "redis://localhost:6379";
    /** Redis ACL user and password; each replaces the one in {@link #redisUri} when set. */
    public String redisUser;
    public String redisPassword;
    /** PEM CA file that signed the Redis server's certificate; setting it (or a client cert) turns TLS on. */
    public String redisTlsCaFile;
    /** PEM client certificate and its PKCS#8 key, for Redis servers with {@code tls-auth-clients yes}. */
    public String redisTlsCertFile;
    public String redisTlsKeyFile;
    public boolean redisTlsVerifyHostname = true;
    /** Scoring model location: null for the default that ships in the jar, a path or a URL. */
    public String modelLocation;
    public Duration checkpointInterval = Duration.ofSeconds(10);
    /** Null: the cluster's {@code state.backend.type} (the Helm chart sets rocksdb, compose hashmap). */
    public StateBackend stateBackend;
    /** Checkpoint storage directory (file:// or object storage URI); null keeps Flink's config. */
    public String checkpointDir;
    /**
     * A checkpoint not complete after this long expires (a failed checkpoint). 10 min: a checkpoint
     * of the job takes seconds; one that needs longer waits on something (a source held by a
     * registry outage, slow storage), and waiting longer does not help it.
     */
    public Duration checkpointTimeout = Duration.ofMinutes(10);
    /**
     * Failed (expired or declined) checkpoints in a row the job tolerates before it restarts. With
     * the 10 min timeout, 6 lets a schema-registry outage of about an hour pass without a restart,
     * which would not help (the restored source waits for the same record again). Alert on failed
     * checkpoints instead (docs/operations.md, "Checkpoint and restart policy").
     */
    public int tolerableCheckpointFailures = 6;
    /** Least time between the end of one checkpoint and the start of the next; null: half the interval. */
    public Duration minPauseBetweenCheckpoints;
    /**
     * Number of key groups, the upper bound of the parallelism. Fixed: a savepoint restores only
     * into the max parallelism it was taken with. 128 is what Flink derived for the parallelisms
     * (at most 85) the job ran with before this was set, so their savepoints stay restorable.
     */
    public int maxParallelism = 128;
    public Duration maxOutOfOrderness = Duration.ofSeconds(5);
    /**
     * After a source split has seen no event for this long its watermark follows wall-clock time,
     * so that queued leads still cool when every stream is quiet.
     */
    public Duration idleAfter = Duration.ofSeconds(30);
    public Duration bufferTimeout = Duration.ofMillis(5);
    /** -1 keeps the cluster's default parallelism. */
    public int parallelism = -1;
    public int queueBatchSize = 500;
    /** How long an action may wait in the sink's buffer before it is written. */
    public Duration queueFlushInterval = Duration.ofMillis(5);
    /** How long the sink keeps retrying a failing Redis write before it fails the checkpoint. */
    public Duration queueRetryTimeout = Duration.ofSeconds(60);
    public boolean auditExactlyOnce = false;
    /**
     * Largest input value decoded, in bytes; a larger one is dead-lettered unread. Events are a few
     * hundred bytes, and whatever is decoded may be kept in state, so a megabyte value is abuse.
     */
    public int maxEventBytes = 256 * 1024;
    /**
     * How far an input event's occurred_at may lie after its record's Kafka timestamp; a later one
     * (or one before 2000) is dead-lettered, since it would move its lead's clock and the watermark.
     */
    public Duration maxEventTimeSkew = Duration.ofMinutes(5);
    /**
     * How many of the latest event-to-queue latencies the queue sink's histogram keeps per subtask
     * (its percentiles are over these). The benchmark raises it to keep every sample of a run.
     */
    public int latencyHistogramSize = 10_000;

    public JobSettings() {}

    /** Reads flags ({@code --name value}) with {@code LEADFLOW_NAME} environment fallbacks. */
    public static JobSettings fromArgs(String[] args, Map<String, String> env) {
        Map<String, String> flags = parseFlags(args);
        Function<String, String> get = name -> {
            String v = flags.remove(name);
            if (v == null) {
                v = env.get("LEADFLOW_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
            }
            return v == null || v.isBlank() ? null : v.trim();
        };
        JobSettings s = new JobSettings();
        s.bootstrapServers = or(get.apply("bootstrap-servers"), s.bootstrapServers);
        s.groupId = or(get.apply("group-id"), s.groupId);
        String start = get.apply("start-from");
        if (start != null) {
            s.startFrom = parseEnum(StartFrom.class, "start-from", start);
        }
        s.registryUrl = or(get.apply("registry-url"), s.registryUrl);
        s.registryUser = get.apply("registry-user");
        s.registryPassword = secret(get.apply("registry-password"), get.apply("registry-password-file"), "registry-password-file");
        s.redisUri = or(secret(get.apply("redis-uri"), get.apply("redis-uri-file"), "redis-uri-file"), s.redisUri);
        s.redisUser = get.apply("redis-user");
        s.redisPassword = secret(get.apply("redis-password"), get.apply("redis-password-file"), "redis-password-file");
        s.redisTlsCaFile = get.apply("redis-tls-ca-file");
        s.redisTlsCertFile = get.apply("redis-tls-cert-file");
        s.redisTlsKeyFile = get.apply("redis-tls-key-file");
        String verifyHostname = get.apply("redis-tls-verify-hostname");
        if (verifyHostname != null) {
            s.redisTlsVerifyHostname = bool("redis-tls-verify-hostname", verifyHostname);
        }
        String kafkaPropertiesFile = get.apply("kafka-properties-file");
        s.modelLocation = get.apply("model");
        s.checkpointInterval = duration("checkpoint-interval", get.apply("checkpoint-interval"), s.checkpointInterval);
        s.checkpointDir = get.apply("checkpoint-dir");
        String backend = get.apply("state-backend");
        if (backend != null) {
            s.stateBackend = StateBackend.parse(backend);
        }
        s.checkpointTimeout = duration("checkpoint-timeout", get.apply("checkpoint-timeout"), s.checkpointTimeout);
        s.tolerableCheckpointFailures = integer("tolerable-checkpoint-failures", get.apply("tolerable-checkpoint-failures"),
                s.tolerableCheckpointFailures);
        s.minPauseBetweenCheckpoints = duration("min-pause-between-checkpoints", get.apply("min-pause-between-checkpoints"),
                s.minPauseBetweenCheckpoints);
        s.maxParallelism = integer("max-parallelism", get.apply("max-parallelism"), s.maxParallelism);
        s.maxOutOfOrderness = duration("max-out-of-orderness", get.apply("max-out-of-orderness"), s.maxOutOfOrderness);
        s.idleAfter = duration("idle-after", get.apply("idle-after"), s.idleAfter);
        s.bufferTimeout = duration("buffer-timeout", get.apply("buffer-timeout"), s.bufferTimeout);
        s.parallelism = integer("parallelism", get.apply("parallelism"), s.parallelism);
        s.queueBatchSize = integer("queue-batch-size", get.apply("queue-batch-size"), s.queueBatchSize);
        s.queueFlushInterval = duration("queue-flush-interval", get.apply("queue-flush-interval"), s.queueFlushInterval);
        s.queueRetryTimeout = duration("queue-retry-timeout", get.apply("queue-retry-timeout"), s.queueRetryTimeout);
        s.latencyHistogramSize = integer("latency-histogram-size", get.apply("latency-histogram-size"), s.latencyHistogramSize);
        s.maxEventBytes = integer("max-event-bytes", get.apply("max-event-bytes"), s.maxEventBytes);
        s.maxEventTimeSkew = duration("max-event-time-skew", get.apply("max-event-time-skew"), s.maxEventTimeSkew);
        String eos = get.apply("audit-exactly-once");
        if (eos != null) {
            s.auditExactlyOnce = Boolean.parseBoolean(eos);
        }
        // Kafka client security and tuning: --kafka.security.protocol=SASL_SSL etc.
        flags.entrySet().removeIf(e -> {
            if (e.getKey().startsWith("kafka.")) {
                s.kafkaProperties.put(e.getKey().substring("kafka.".length()), e.getValue());
                return true;
            }
            return false;
        });
        env.forEach((k, v) -> {
            if (k.startsWith("LEADFLOW_KAFKA_PROP_")) {
                String prop = k.substring("LEADFLOW_KAFKA_PROP_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                s.kafkaProperties.putIfAbsent(prop, v);
            }
        });
        if (kafkaPropertiesFile != null) {
            // lowest precedence: --kafka.* and LEADFLOW_KAFKA_PROP_* override single properties of the file
            KafkaClientProperties.read(Path.of(kafkaPropertiesFile), "kafka-properties-file")
                    .forEach(s.kafkaProperties::putIfAbsent);
        }
        if (!flags.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", flags.keySet()));
        }
        s.validate();
        return s;
    }

    /** Checks ranges; the message names the offending option. */
    public JobSettings validate() {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrap-servers must not be empty");
        require(registryUrl != null && !registryUrl.isBlank(), "registry-url must not be empty");
        require(redisUri != null && redisUri.matches("^rediss?(-sentinel)?://.*"),
                "redis-uri must start with redis://, rediss://, redis-sentinel:// or rediss-sentinel://");
        try {
            redisConfig();
        } catch (IllegalArgumentException e) {
            // RedisConfig's messages mask the password
            throw new IllegalArgumentException("redis-uri / redis-tls-*: " + e.getMessage(), e);
        }
        require((registryUser == null) == (registryPassword == null),
                "registry-user and registry-password (or registry-password-file) go together");
        require(!checkpointInterval.isNegative() && !checkpointInterval.isZero(), "checkpoint-interval must be positive");
        require(!checkpointTimeout.isNegative() && !checkpointTimeout.isZero(), "checkpoint-timeout must be positive");
        require(tolerableCheckpointFailures >= 0, "tolerable-checkpoint-failures must be >= 0");
        require(minPauseBetweenCheckpoints == null || !minPauseBetweenCheckpoints.isNegative(),
                "min-pause-between-checkpoints must not be negative");
        // Flink's upper bound on key groups (KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM)
        require(maxParallelism >= 1 && maxParallelism <= 32_768, "max-parallelism must be between 1 and 32768");
        require(parallelism <= maxParallelism, "parallelism must not exceed max-parallelism");
        require(!maxOutOfOrderness.isNegative(), "max-out-of-orderness must not be negative");
        require(!idleAfter.isNegative() && !idleAfter.isZero(), "idle-after must be positive");
        require(!bufferTimeout.isNegative(), "buffer-timeout must not be negative");
        require(parallelism == -1 || parallelism >= 1, "parallelism must be -1 (cluster default) or >= 1");
        require(queueBatchSize >= 1, "queue-batch-size must be >= 1");
        require(!queueFlushInterval.isNegative() && !queueFlushInterval.isZero(), "queue-flush-interval must be positive");
        require(!queueRetryTimeout.isNegative(), "queue-retry-timeout must not be negative");
        require(latencyHistogramSize >= 1, "latency-histogram-size must be >= 1");
        require(maxEventBytes >= 64, "max-event-bytes must be >= 64");
        require(maxEventTimeSkew != null && !maxEventTimeSkew.isNegative(), "max-event-time-skew must not be negative");
        return this;
    }

    /** The pause between checkpoints the job uses: the one given, else half the interval. */
    public Duration effectiveMinPause() {
        return minPauseBetweenCheckpoints != null ? minPauseBetweenCheckpoints : checkpointInterval.dividedBy(2);
    }

    /** The Redis URI with the separately given user, password and TLS files applied. */
    public RedisConfig redisConfig() {
        RedisTls tls = RedisTls.ofNullable(redisTlsCaFile, redisTlsCertFile, redisTlsKeyFile, redisTlsVerifyHostname);
        return RedisConfig.fromUri(redisUri).withAccess(redisUser, redisPassword, tls);
    }

    public RegistryConfig registryConfig() {
        RegistryConfig c = RegistryConfig.of(registryUrl);
        return registryUser == null ? c : c.withBasicAuth(registryUser, registryPassword);
    }

    private static Map<String, String> parseFlags(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "': options look like --name value");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = "true";
            }
            flags.put(name, value);
        }
        return flags;
    }

    private static String secret(String inline, String file, String fileOption) {
        if (file == null) {
            return inline;
        }
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException(fileOption + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code value} read as {@link Durations} reads every duration; {@code fallback} when absent. */
    public static Duration duration(String option, String value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        return Durations.tryParse(value).orElseThrow(() -> new IllegalArgumentException(option + ": " + Durations.problem(value)));
    }

    private static boolean bool(String option, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw new IllegalArgumentException(option + ": expected true or false, was '" + value + "'");
        };
    }

    private static int integer(String option, String value, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": expected an integer, was '" + value + "'", e);
        }
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String option, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E constant : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw new IllegalArgumentException(option + ": unknown value '" + value + "' (one of: " + allowed + ")", e);
        }
    }

    private static String or(String v, String fallback) {
        return v == null ? fallback : v;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private String safeRegistry() {
        try {
            return registryConfig().toString();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return "(invalid registry URL)";
        }
    }

    private String safeRedis() {
        try {
            return redisConfig().toString();
        } catch (IllegalArgumentException e) {
            return redisUri == null ? null : redisUri.replaceAll("//[^@/]*@", "//***@");
        }
    }

    /** Safe to log: passwords, the Redis URI's password and Kafka property values are left out. */
    @Override
    public String toString() {
        return "JobSettings{bootstrapServers=" + bootstrapServers
                + ", kafkaProperties=" + KafkaClientProperties.masked(kafkaProperties)
                + ", groupId=" + groupId + ", startFrom=" + startFrom
                + ", registry=" + safeRegistry()
                + ", redis=" + safeRedis()
                + ", model=" + (modelLocation == null ? "(default)" : modelLocation)
                + ", checkpointInterval=" + checkpointInterval + ", checkpointDir=" + checkpointDir
                + ", stateBackend=" + (stateBackend == null ? "cluster default" : stateBackend.flinkName)
                + ", checkpointTimeout=" + checkpointTimeout + ", tolerableCheckpointFailures=" + tolerableCheckpointFailures
                + ", minPauseBetweenCheckpoints=" + effectiveMinPause() + ", maxParallelism=" + maxParallelism
                + ", maxOutOfOrderness=" + maxOutOfOrderness + ", idleAfter=" + idleAfter
                + ", bufferTimeout=" + bufferTimeout + ", parallelism=" + parallelism
                + ", queueBatchSize=" + queueBatchSize + ", queueFlushInterval=" + queueFlushInterval
                + ", queueRetryTimeout=" + queueRetryTimeout + ", auditExactlyOnce=" + auditExactlyOnce
                + ", latencyHistogramSize=" + latencyHistogramSize + ", maxEventBytes=" + maxEventBytes
                + ", maxEventTimeSkew=" + maxEventTimeSkew + '}';
    }
}
