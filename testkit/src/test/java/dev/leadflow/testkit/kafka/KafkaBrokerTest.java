package dev.leadflow.testkit.kafka;

import dev.leadflow.embedded.kafka.KafkaBroker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaBrokerTest {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void recordsSentAreReadBackInOrder() {
        KafkaBroker broker = KAFKA.broker();
        broker.createTopics(1, "testkit.roundtrip");
        broker.send(List.of(
                new ProducerRecord<>("testkit.roundtrip", bytes("k1"), bytes("one")),
                new ProducerRecord<>("testkit.roundtrip", bytes("k2"), bytes("two"))));

        List<ConsumerRecord<byte[], byte[]>> read =
                broker.readUntil("testkit.roundtrip", r -> r.size() >= 2, Duration.ofSeconds(30));

        assertThat(read).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("one", "two");
        assertThat(broker.readAll("testkit.roundtrip")).hasSize(2);
    }

    @Test
    void aRestartedBrokerKeepsItsRecordsAndPortAndClientsReconnect() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        broker.createTopics(1, "testkit.restart");
        String bootstrap = broker.bootstrapServers();
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(); Admin admin = broker.admin()) {
            producer.send(new ProducerRecord<>("testkit.restart", bytes("k1"), bytes("before"))).get();

            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            assertThatThrownBy(() -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(1_000)).nodes().get())
                    .as("nothing answers while the broker is down").isInstanceOf(ExecutionException.class);

            broker.restart();
            assertThat(broker.isRunning()).isTrue();
            producer.send(new ProducerRecord<>("testkit.restart", bytes("k2"), bytes("after"))).get(30, TimeUnit.SECONDS);
        }
        assertThat(broker.bootstrapServers()).as("same port").isEqualTo(bootstrap);
        assertThat(broker.readAll("testkit.restart")).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .as("the log survived the restart").containsExactly("before", "after");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
