package dev.leadflow.job.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.job.ScoringModelDocuments;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The model rule on a real broker, as the job's {@code main} applies it before it submits the job: the
 * topic is the truth, {@code --model} only seeds an empty one, and a {@code --model} that differs from
 * the topic's newest valid model changes nothing (the job warns and the topic's model is in force).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelTopicIT {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String V2 = "2026.12-model-topic-it";

    @Test
    @Order(1)
    void aMissingTopicIsCreatedCompactedAndSeededWithTheModelOfTheCommandLine() throws Exception {
        String document = ScoringModel.document(null);
        ScoringModel model = ScoringModel.fromYaml(document);

        ModelTopic.Reconciled r = ModelTopic.reconcile(client(), model, document, TIMEOUT);

        assertThat(r.action()).isEqualTo(ModelTopic.Action.SEEDED);
        assertThat(r.versionInForce()).isEqualTo(ScoringModelDocuments.DEFAULT_VERSION);
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.broker().readAll(Topics.SCORING_MODEL);
        assertThat(records).hasSize(1);
        assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(ScoringModelDocuments.DEFAULT_VERSION);
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(document);
        try (Admin admin = KAFKA.broker().admin()) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.SCORING_MODEL);
            Config config = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(admin.describeTopics(List.of(Topics.SCORING_MODEL)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.SCORING_MODEL).partitions()).hasSize(1);
        }
    }

    @Test
    @Order(2)
    void theSameModelAgainWritesNothing() {
        String document = ScoringModel.document(null);

        ModelTopic.Reconciled r = ModelTopic.reconcile(client(), ScoringModel.fromYaml(document), document, TIMEOUT);

        assertThat(r.action()).isEqualTo(ModelTopic.Action.SAME);
        assertThat(KAFKA.broker().readAll(Topics.SCORING_MODEL)).hasSize(1);
    }

    @Test
    @Order(3)
    void aPublishedModelWinsOverTheCommandLineAndAnInvalidDocumentAfterItIsSkipped() throws Exception {
        ModelTopic.publish(client(), V2, ScoringModelDocuments.edited(V2), TIMEOUT);
        ModelTopic.publish(client(), "broken", "version: broken\nnot a model: [", TIMEOUT);
        String document = ScoringModel.document(null);

        assertThat(ModelTopic.newestValid(client(), TIMEOUT).map(ScoringModel::fromYaml).map(ScoringModel::version))
                .contains(V2);
        ModelTopic.Reconciled r = ModelTopic.reconcile(client(), ScoringModel.fromYaml(document), document, TIMEOUT);

        assertThat(r.action()).isEqualTo(ModelTopic.Action.TOPIC_WINS);
        assertThat(r.versionInForce()).isEqualTo(V2);
        assertThat(KAFKA.broker().readAll(Topics.SCORING_MODEL)).hasSize(3); // --model was not written over V2
    }

    @Test
    @Order(4)
    void anUnreachableKafkaDoesNotStopTheStart() {
        Properties unreachable = new Properties();
        unreachable.put("bootstrap.servers", "127.0.0.1:1");
        String document = ScoringModel.document(null);

        ModelTopic.Reconciled r = ModelTopic.reconcile(unreachable, ScoringModel.fromYaml(document), document,
                Duration.ofSeconds(2));

        assertThat(r.action()).isEqualTo(ModelTopic.Action.UNKNOWN);
        assertThat(r.versionInForce()).isNull();
    }

    private static Properties client() {
        Properties p = new Properties();
        p.put("bootstrap.servers", KAFKA.broker().bootstrapServers());
        return p;
    }
}
