package dev.leadflow.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.avro.ErasureConfirmation;
import dev.leadflow.job.ItSupport;
import dev.leadflow.job.JobMetrics;
import dev.leadflow.job.JobSettings;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.queue.RedisMentions;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * The queue sink's ERASE: a real Flink job writes to a real redis-server and publishes the confirmation to a real
 * broker; and the writer alone, against a broker that cannot be reached.
 */
class ErasureSinkIT {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = ItSupport.cluster(1, ItSupport.clusterConfig("erasure-it-checkpoints"));

    private static final String REGISTRY_URL = "mock://erasure-sink-it";
    private static final String ERASED = "lead-erased-41";
    private static final String KEPT = "lead-kept-42";
    private static RedisClient redis;
    private static HandoffQueue queue;

    @BeforeAll
    static void setUp() {
        KAFKA.broker().createTopics(1, Topics.PRIVACY_CONFIRMATIONS);
        redis = RedisConfig.fromUri(REDIS.uri()).connect();
        queue = new HandoffQueue(redis);
    }

    @AfterAll
    static void tearDown() {
        redis.close();
    }

    @BeforeEach
    void clean() {
        REDIS.flushAll();
    }

    @Test
    void anEnqueueAndTheLeadsErasureInOneBatchLeaveNothingOfItAndOneConfirmation() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        JobSettings settings = settings();
        // A flush interval far beyond the test: the ENQUEUEs are still buffered when the ERASE arrives, so only
        // the writer's flush-before-erase keeps the erased lead's ENQUEUE from landing after its erasure.
        settings.queueFlushInterval = Duration.ofHours(1);
        env.fromData(List.of(enqueue(ERASED, "default"), enqueue(KEPT, "default"), enqueue(ERASED, "enterprise"),
                        HandoffCommand.erase(ERASED, "req-1", "ticket-7", 5_000)),
                        TypeInformation.of(HandoffCommand.class))
                .sinkTo(RedisQueueSink.from(settings));

        env.execute("erasure-sink-it");

        assertThat(RedisMentions.of(redis, ERASED)).isEmpty();
        assertThat(queue.get("default", KEPT)).isPresent();
        List<ErasureConfirmation> confirmations = confirmations("req-1");
        assertThat(confirmations).hasSize(1);
        ErasureConfirmation c = confirmations.get(0);
        assertThat(c.getEventId()).isEqualTo("req-1-erased");
        assertThat(c.getRequestId()).isEqualTo("req-1");
        assertThat(c.getLeadId()).isEqualTo(ERASED);
        assertThat(c.getRequestedBy()).isEqualTo("ticket-7");
        assertThat(c.getQueuesPurged()).containsExactlyInAnyOrder("default", "enterprise");
    }

    @Test
    void aConfirmationThatCannotBePublishedFailsTheWriterAfterRetryingAndIsNotDropped() throws Exception {
        queue.apply(RedisQueueWriter.toAction(enqueue(ERASED, "default")));
        SimpleCounter retries = new SimpleCounter();
        HandoffCommand erase = HandoffCommand.erase(ERASED, "req-2", null, 6_000);

        // nothing listens on port 1: every attempt fails
        JobSettings unreachable = settings();
        unreachable.bootstrapServers = "localhost:1";
        // a retry timeout of several attempts (each at least 1 s): with 2 s, a first attempt slowed past the
        // deadline on a loaded machine (a new producer's class loading) failed without a retry (CI, 2026-12-03)
        try (RedisQueueWriter writer = writer(unreachable, Duration.ofSeconds(6), retries)) {
            assertThatThrownBy(() -> writer.write(erase, null)).isInstanceOf(IOException.class)
                    .hasMessageContaining("erasure confirmations kept failing");
        }
        assertThat(retries.getCount()).isPositive();
        assertThat(RedisMentions.of(redis, ERASED)).as("the erasure itself was done").isEmpty();
        assertThat(confirmations("req-2")).isEmpty();

        // the replay after the restart erases nothing more and publishes the confirmation
        try (RedisQueueWriter writer = writer(settings(), Duration.ofSeconds(30), new SimpleCounter())) {
            writer.write(erase, null);
        }
        List<ErasureConfirmation> published = confirmations("req-2");
        assertThat(published).hasSize(1);
        assertThat(published.get(0).getEventId()).isEqualTo("req-2-erased");
        assertThat(published.get(0).getRequestedBy()).isNull();
    }

    private static JobSettings settings() {
        JobSettings s = new JobSettings();
        s.bootstrapServers = KAFKA.broker().bootstrapServers();
        s.registryUrl = REGISTRY_URL;
        s.redisUri = REDIS.uri();
        return s.validate();
    }

    private static RedisQueueWriter writer(JobSettings s, Duration retryTimeout, Counter retries) {
        return new RedisQueueWriter(HandoffQueue.connect(RedisConfig.fromUri(s.redisUri), HandoffQueue.Options.defaults()),
                100, Duration.ofMillis(5), retryTimeout, new TestProcessingTimeService(),
                new UnregisteredMetricsGroup() {
                    @Override
                    public Counter counter(String name) {
                        return name.equals(JobMetrics.QUEUE_WRITE_RETRIES) ? retries : super.counter(name);
                    }
                }, 10_000, new ErasureConfirmations(ErasureConfirmations.Target.from(s)));
    }

    /** The confirmations of one request on the topic (the tests share the topic). */
    private static List<ErasureConfirmation> confirmations(String requestId) {
        AvroWireDeserializer<ErasureConfirmation> decoder = new AvroWireDeserializer<>(
                SchemaRegistryClient.create(RegistryConfig.of(REGISTRY_URL)), ErasureConfirmation.class);
        List<ErasureConfirmation> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.broker().readAll(Topics.PRIVACY_CONFIRMATIONS)) {
            ErasureConfirmation c = decoder.deserialize(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(c.getLeadId());
            if (c.getRequestId().equals(requestId)) {
                out.add(c);
            }
        }
        return out;
    }

    private static HandoffCommand enqueue(String lead, String q) {
        HandoffCommand c = new HandoffCommand();
        c.action = HandoffCommand.Action.ENQUEUE;
        c.handoffId = lead + "-h1";
        c.leadId = lead;
        c.queue = q;
        c.version = 1;
        c.priority = 70;
        c.enqueuedAt = 1_000;
        c.at = 1_000;
        c.readiness = 70;
        c.grade = "A2";
        c.name = "Ada " + lead;
        c.email = lead + "@example.com";
        c.modelVersion = "test";
        return c;
    }


}
