package dev.leadflow.job;

import static dev.leadflow.job.Events.buyer;
import static dev.leadflow.job.Events.identify;
import static dev.leadflow.job.Events.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.HandoffAction;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * When every stream is quiet, queued leads still cool: after {@code idle-after} of silence the
 * watermark catches up with the wall clock, decay timers fire, and a lead whose score has decayed
 * below the exit threshold is withdrawn without any new event.
 */
class QuietStreamsIT {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = ItSupport.cluster(1, ItSupport.clusterConfig("quiet-it-checkpoints"));

    private static final String REGISTRY_URL = "mock://quiet-streams-it";
    /** Ten days ago: three pricing views then qualify a strong-fit lead; today they have decayed. */
    private static final Instant TEN_DAYS_AGO = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(10, ChronoUnit.DAYS);

    @Test
    void aQueuedLeadIsWithdrawnWhenItsScoreDecaysWhileEveryStreamIsSilent() throws Exception {
        KAFKA.broker().createTopics(1, Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES, Topics.HANDOFFS, Topics.DLQ);
        SchemaRegistryClient registry = SchemaRegistryClient.create(RegistryConfig.of(REGISTRY_URL));
        AvroWireSerializer<ClickEvent> clicks = new AvroWireSerializer<>(registry,
                Topics.valueSubject(Topics.CLICKSTREAM), ClickEvent.getClassSchema());
        List<ClickEvent> events = new ArrayList<>();
        events.add(identify("lead-quiet", "anon-q", TEN_DAYS_AGO,
                buyer("Ada", "Quiet", "VP Marketing", "quiet.io", "5000", "US")));
        for (int i = 1; i <= 3; i++) {
            events.add(page("lead-quiet", "anon-q", "pricing", TEN_DAYS_AGO.plus(i, ChronoUnit.MINUTES)));
        }
        KAFKA.broker().send(events.stream()
                .map(e -> new ProducerRecord<>(Topics.CLICKSTREAM, e.getLeadId().getBytes(StandardCharsets.UTF_8),
                        clicks.serialize(e)))
                .collect(Collectors.toList()));

        JobSettings s = new JobSettings();
        s.bootstrapServers = KAFKA.broker().bootstrapServers();
        s.registryUrl = REGISTRY_URL;
        s.redisUri = REDIS.uri();
        s.checkpointInterval = Duration.ofSeconds(1);
        s.idleAfter = Duration.ofSeconds(2);
        s.parallelism = 1;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LeadFlowJob.configure(env, s);
        LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s), LeadFlowJob.kafkaOutputs(s),
                ScoringModel.defaults(), s);
        JobClient job = env.executeAsync("quiet-streams-it");
        try {
            AvroWireDeserializer<LeadHandoff> decoder = new AvroWireDeserializer<>(registry, LeadHandoff.class);
            List<LeadHandoff> audit = KAFKA.broker().readUntil(Topics.HANDOFFS,
                    read -> read.stream().map(r -> decoder.deserialize(r.value()))
                            .anyMatch(h -> h.getAction() == HandoffAction.WITHDRAW),
                    Duration.ofSeconds(90))
                    .stream().map(r -> decoder.deserialize(r.value())).collect(Collectors.toList());

            assertThat(audit).extracting(LeadHandoff::getAction)
                    .as("queued while its events were fresh in event time, withdrawn once time moved on")
                    .startsWith(HandoffAction.ENQUEUE).endsWith(HandoffAction.WITHDRAW)
                    .containsOnlyOnce(HandoffAction.ENQUEUE, HandoffAction.WITHDRAW);
            LeadHandoff enqueue = audit.get(0);
            LeadHandoff withdraw = audit.get(audit.size() - 1);
            assertThat(enqueue.getReadiness()).isGreaterThanOrEqualTo(60);
            assertThat(withdraw.getReadiness()).isLessThan(45);
            assertThat(withdraw.getTriggerEventId()).as("no event caused it: a timer did").isEmpty();
            assertThat(withdraw.getOccurredAt()).isBefore(Instant.now());
            try (HandoffQueue queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults())) {
                assertThat(queue.get(enqueue.getQueue(), "lead-quiet")).isEmpty();
            }
        } finally {
            job.cancel().get();
        }
    }
}
