package dev.leadflow.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerOptionsTest {

    @TempDir Path temp;

    @Test
    void fixedPortAndBaseDirectoryAreUsedAndKeptWhenAsked() throws Exception {
        int port = freePort();
        Path base = temp.resolve("kafka");
        try (KafkaBroker broker = KafkaBroker.start(KafkaBroker.Options.defaults().withPort(port).withBaseDirectory(base, false))) {
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            broker.createTopics(1, "testkit.fixed");
            broker.send(List.of(new ProducerRecord<>("testkit.fixed", bytes("k"), bytes("v"))));
            assertThat(broker.readUntil("testkit.fixed", r -> r.size() == 1, Duration.ofSeconds(30))).hasSize(1);
        }
        assertThat(base).isDirectory();
        try (var files = Files.list(base)) {
            assertThat(files.count()).isPositive();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
