package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSettingsTest {

    @Test
    void flagsWinOverEnvironmentWhichWinsOverDefaults() {
        JobSettings s = JobSettings.fromArgs(
                new String[] {"--bootstrap-servers", "kafka:9092", "--checkpoint-interval=30s", "--kafka.security.protocol", "SASL_SSL"},
                Map.of("LEADFLOW_BOOTSTRAP_SERVERS", "ignored:1", "LEADFLOW_REDIS_URI", "redis://cache:6380",
                        "LEADFLOW_PARALLELISM", "4"));
        assertThat(s.bootstrapServers).isEqualTo("kafka:9092");
        assertThat(s.redisUri).isEqualTo("redis://cache:6380");
        assertThat(s.parallelism).isEqualTo(4);
        assertThat(s.checkpointInterval).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.kafkaProperties).containsEntry("security.protocol", "SASL_SSL");
        assertThat(s.queueFlushInterval).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--checkpoint-interval", "soon"}, Map.of()))
                .hasMessageContaining("checkpoint-interval");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--redis-uri", "localhost:6379"}, Map.of()))
                .hasMessageContaining("redis-uri");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--no-such-flag", "1"}, Map.of()))
                .hasMessageContaining("no-such-flag");
    }

    @Test
    void theEventTimeSkewIsADurationThatMustNotBeNegative() {
        assertThat(JobSettings.fromArgs(new String[0], Map.of()).maxEventTimeSkew).isEqualTo(Duration.ofMinutes(5));
        assertThat(JobSettings.fromArgs(new String[] {"--max-event-time-skew", "90s"}, Map.of()).maxEventTimeSkew)
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(JobSettings.fromArgs(new String[0], Map.of("LEADFLOW_MAX_EVENT_TIME_SKEW", "0s")).maxEventTimeSkew)
                .isZero();
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--max-event-time-skew", "5 minutes"}, Map.of()))
                .hasMessage("max-event-time-skew: expected a duration like 500ms, 30s, 15m, 2h or 90d, was '5 minutes'");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--max-event-time-skew=-5m"}, Map.of()))
                .hasMessage("max-event-time-skew: expected a duration like 500ms, 30s, 15m, 2h or 90d, was '-5m'");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--max-event-time-skew=PT-5M"}, Map.of()))
                .hasMessage("max-event-time-skew must not be negative");
    }

    @Test
    void secretsComeFromFilesAndNeverFromToString(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("redis-uri");
        Files.writeString(secret, "redis://job:s3cret@cache:6379\n");
        Path pw = dir.resolve("registry-password");
        Files.writeString(pw, "hunter2");
        JobSettings s = JobSettings.fromArgs(new String[] {"--redis-uri-file", secret.toString(),
                "--registry-user", "job", "--registry-password-file", pw.toString()}, Map.of());
        assertThat(s.redisUri).isEqualTo("redis://job:s3cret@cache:6379");
        assertThat(s.registryPassword).isEqualTo("hunter2");
        assertThat(s.toString()).doesNotContain("s3cret").doesNotContain("hunter2");
    }

    @Test
    void redisUserPasswordAndTlsFilesComeFromFlagsEnvironmentAndFiles(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("redis-password");
        Files.writeString(pw, "r3dis-Pass\n");
        JobSettings s = JobSettings.fromArgs(new String[] {"--redis-uri", "redis://:old@cache:6380/1",
                "--redis-password-file", pw.toString(), "--redis-tls-ca-file", "/etc/leadflow/tls/ca.crt"},
                Map.of("LEADFLOW_REDIS_USER", "leadflow-job",
                        "LEADFLOW_REDIS_TLS_CERT_FILE", "/etc/leadflow/tls/client.crt",
                        "LEADFLOW_REDIS_TLS_KEY_FILE", "/etc/leadflow/tls/client.key",
                        "LEADFLOW_REDIS_TLS_VERIFY_HOSTNAME", "false"));

        var redis = s.redisConfig();
        assertThat(redis.username()).isEqualTo("leadflow-job");
        assertThat(redis.password()).isEqualTo("r3dis-Pass");
        assertThat(redis.ssl()).as("a CA file turns TLS on").isTrue();
        assertThat(redis.database()).isEqualTo(1);
        assertThat(redis.tls().caFile()).isEqualTo("/etc/leadflow/tls/ca.crt");
        assertThat(redis.tls().certFile()).isEqualTo("/etc/leadflow/tls/client.crt");
        assertThat(redis.tls().keyFile()).isEqualTo("/etc/leadflow/tls/client.key");
        assertThat(redis.tls().verifyHostname()).isFalse();
        assertThat(s.toString()).doesNotContain("r3dis-Pass").doesNotContain("old@")
                .contains("rediss://leadflow-job:***@cache:6380/1", "ca=/etc/leadflow/tls/ca.crt");
    }

    @Test
    void aSentinelUriNamesTheSentinelsAndTheSeparatePasswordIsThePrimarys(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("redis-password");
        Files.writeString(pw, "pr1mary\n");
        JobSettings s = JobSettings.fromArgs(new String[] {"--redis-uri",
                "redis-sentinel://s1:26379,s2:26379,s3:26379/leadflow?sentinelPassword=w4tch",
                "--redis-user", "leadflow-job", "--redis-password-file", pw.toString()}, Map.of());

        var redis = s.validate().redisConfig();
        assertThat(redis.sentinel().masterName()).isEqualTo("leadflow");
        assertThat(redis.sentinel().sentinels()).containsExactly("s1:26379", "s2:26379", "s3:26379");
        assertThat(redis.sentinel().password()).isEqualTo("w4tch");
        assertThat(redis.username()).isEqualTo("leadflow-job");
        assertThat(redis.password()).isEqualTo("pr1mary");
        assertThat(s.toString()).doesNotContain("pr1mary").doesNotContain("w4tch")
                .contains("redis-sentinel://leadflow-job:***@s1:26379,s2:26379,s3:26379/leadflow/0?sentinelPassword=***");
    }

    @Test
    void withoutSeparateCredentialsTheUrisOwnAreUsed() {
        JobSettings s = JobSettings.fromArgs(new String[] {"--redis-uri", "rediss://leadflow-job:pw@cache:6380"}, Map.of());
        assertThat(s.redisConfig().username()).isEqualTo("leadflow-job");
        assertThat(s.redisConfig().password()).isEqualTo("pw");
        assertThat(s.redisConfig().ssl()).isTrue();
        assertThat(s.redisConfig().tls()).as("the JVM's trust store").isNull();
    }

    @Test
    void badRedisAccessSettingsAreNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--redis-tls-cert-file", "c.pem"}, Map.of()))
                .hasMessageContaining("redis-tls").hasMessageContaining("key file");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--redis-password-file",
                dir.resolve("missing").toString()}, Map.of()))
                .hasMessageContaining("redis-password-file");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--redis-tls-verify-hostname", "maybe"}, Map.of()))
                .hasMessageContaining("redis-tls-verify-hostname");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--registry-user", "u"}, Map.of()))
                .hasMessageContaining("registry-password");
    }

    @Test
    void kafkaSecurityComesFromAPropertiesFileThatFlagsAndEnvironmentOverride(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kafka-client.properties");
        Files.writeString(file, """
                # like Kafka's --command-config
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
                  username="leadflow" password="kafka-S3cret";
                ssl.truststore.location=/etc/kafka/truststore.p12
                """);
        JobSettings s = JobSettings.fromArgs(new String[] {"--kafka-properties-file", file.toString(),
                "--kafka.sasl.mechanism", "PLAIN"}, Map.of("LEADFLOW_KAFKA_PROP_SSL_TRUSTSTORE_TYPE", "PKCS12"));

        assertThat(s.kafkaProperties)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("ssl.truststore.type", "PKCS12")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12");
        assertThat(s.kafkaProperties.get("sasl.jaas.config"))
                .startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required")
                .endsWith("password=\"kafka-S3cret\";");
        assertThat(s.toString()).doesNotContain("kafka-S3cret").contains("sasl.jaas.config=***", "security.protocol=SASL_SSL");

        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--kafka-properties-file",
                dir.resolve("nope.properties").toString()}, Map.of()))
                .hasMessageContaining("kafka-properties-file").hasMessageContaining("nope.properties");
    }

    @Test
    void registryCredentialsInTheUrlNeverReachToString() {
        JobSettings s = JobSettings.fromArgs(new String[] {"--registry-url", "https://reg:Regi5try-pw@registry:8081"}, Map.of());
        assertThat(s.registryConfig().hasBasicAuth()).isTrue();
        assertThat(s.toString()).doesNotContain("Regi5try-pw");
    }

    @Test
    void inputSourcesWaitBrieflyForFullerFetchesUnlessTold() {
        JobSettings defaults = JobSettings.fromArgs(new String[] {"--kafka.security.protocol", "SASL_SSL"}, Map.of());
        assertThat(LeadFlowJob.inputProperties(defaults)).containsEntry("fetch.min.bytes", "16384")
                .containsEntry("fetch.max.wait.ms", "5").containsEntry("security.protocol", "SASL_SSL");
        JobSettings told = JobSettings.fromArgs(new String[] {"--kafka.fetch.max.wait.ms", "100"},
                Map.of("LEADFLOW_KAFKA_PROP_FETCH_MIN_BYTES", "1"));
        assertThat(LeadFlowJob.inputProperties(told)).containsEntry("fetch.min.bytes", "1")
                .containsEntry("fetch.max.wait.ms", "100");
    }

    @Test
    void theJobGetsTheCheckpointAndRestartPolicy() {
        JobSettings defaults = JobSettings.fromArgs(new String[0], Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(LeadFlowJob.flinkConfig(defaults));
        LeadFlowJob.configure(env, defaults);

        CheckpointConfig checkpoints = env.getCheckpointConfig();
        assertThat(checkpoints.getCheckpointInterval()).isEqualTo(10_000);
        assertThat(checkpoints.getCheckpointTimeout()).isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(checkpoints.getTolerableCheckpointFailureNumber()).isEqualTo(6);
        assertThat(checkpoints.getMinPauseBetweenCheckpoints()).as("half the interval").isEqualTo(5_000);
        assertThat(checkpoints.getExternalizedCheckpointRetention()).isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(checkpoints.isUnalignedCheckpointsEnabled()).isTrue();
        assertThat(env.getMaxParallelism()).as("what Flink derived for the savepoints taken before").isEqualTo(128);
        Configuration conf = (Configuration) env.getConfiguration();
        assertThat(conf.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).isEqualTo(2);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF)).isEqualTo(Duration.ofSeconds(1));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF)).isEqualTo(Duration.ofMinutes(5));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD))
                .isEqualTo(Duration.ofHours(1));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS)).isEqualTo(Integer.MAX_VALUE);

        JobSettings told = JobSettings.fromArgs(new String[] {"--checkpoint-timeout", "2m", "--tolerable-checkpoint-failures", "30",
                "--min-pause-between-checkpoints", "1s"}, Map.of("LEADFLOW_MAX_PARALLELISM", "256", "LEADFLOW_PARALLELISM", "4"));
        StreamExecutionEnvironment toldEnv = StreamExecutionEnvironment.getExecutionEnvironment(LeadFlowJob.flinkConfig(told));
        LeadFlowJob.configure(toldEnv, told);
        assertThat(toldEnv.getCheckpointConfig().getCheckpointTimeout()).isEqualTo(120_000);
        assertThat(toldEnv.getCheckpointConfig().getTolerableCheckpointFailureNumber()).isEqualTo(30);
        assertThat(toldEnv.getCheckpointConfig().getMinPauseBetweenCheckpoints()).isEqualTo(1_000);
        assertThat(toldEnv.getMaxParallelism()).isEqualTo(256);
        assertThat(toldEnv.getParallelism()).isEqualTo(4);
    }

    @Test
    void badCheckpointPolicyValuesNameTheOption() {
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--checkpoint-timeout", "0s"}, Map.of()))
                .hasMessage("checkpoint-timeout must be positive");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--tolerable-checkpoint-failures", "-1"}, Map.of()))
                .hasMessage("tolerable-checkpoint-failures must be >= 0");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--min-pause-between-checkpoints", "PT-1S"}, Map.of()))
                .hasMessage("min-pause-between-checkpoints must not be negative");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--max-parallelism", "0"}, Map.of()))
                .hasMessage("max-parallelism must be between 1 and 32768");
        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--parallelism", "200"}, Map.of()))
                .hasMessage("parallelism must not exceed max-parallelism");
    }

    @Test
    void theStateBackendIsTheClustersUnlessTheJobNamesOne() {
        JobSettings defaults = JobSettings.fromArgs(new String[0], Map.of());
        assertThat(defaults.stateBackend).as("the cluster's state.backend.type holds").isNull();
        assertThat(LeadFlowJob.flinkConfig(defaults).getOptional(StateBackendOptions.STATE_BACKEND)).isEmpty();

        JobSettings rocksdb = JobSettings.fromArgs(new String[] {"--state-backend", "rocksdb"}, Map.of());
        Configuration conf = LeadFlowJob.flinkConfig(rocksdb);
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).as("RocksDB checkpoints incrementally").isTrue();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LeadFlowJob.configure(env, rocksdb);
        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).as("also for jobs built on a given environment")
                .isEqualTo("rocksdb");

        JobSettings heap = JobSettings.fromArgs(new String[0], Map.of("LEADFLOW_STATE_BACKEND", "HashMap"));
        assertThat(LeadFlowJob.flinkConfig(heap).get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(LeadFlowJob.flinkConfig(heap).get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
        assertThat(heap.toString()).contains("stateBackend=hashmap");

        assertThatThrownBy(() -> JobSettings.fromArgs(new String[] {"--state-backend", "heap"}, Map.of()))
                .hasMessage("state-backend: unknown value 'heap' (one of: hashmap, rocksdb)");
    }
}
