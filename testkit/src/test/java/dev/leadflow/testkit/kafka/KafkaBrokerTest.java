package dev.leadflow.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
