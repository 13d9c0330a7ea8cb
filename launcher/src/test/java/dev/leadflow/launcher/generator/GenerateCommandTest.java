package dev.leadflow.launcher.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.launcher.Main;
import dev.leadflow.launcher.registry.RegistryServer;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which Kafka timestamps {@code leadflow generate} writes (issue 12): unpaced, simulated time runs
 * ahead of the clock, so the records carry the events' own times, or the job would dead-letter
 * them; paced, the send time, where the event-to-queue latency starts.
 */
class GenerateCommandTest {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    private static final List<String> INPUTS = List.of(Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES);

    private static RegistryServer registryServer;
    private static SchemaRegistryClient registry;

    @BeforeAll
    static void start() throws Exception {
        registryServer = RegistryServer.start("127.0.0.1", 0, null);
        registry = SchemaRegistryClient.create(RegistryConfig.of(registryServer.url()));
    }

    @AfterAll
    static void stop() {
        registryServer.close();
    }

    /** One generated record: its Kafka timestamp and its event's occurred_at. */
    private record Stamped(long timestamp, long occurredAt) {}

    @Test
    void asFastAsPossibleTheRecordsCarryTheEventsOwnTimes() {
        // two hours ago, so that the send time could not pass for the event time
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(2));
        generate("--rate", "0", "--count", "3000", "--seed", "12", "--start", start.toString());

        // 3,000 events span 3 s of simulated time; the other test's are an hour later
        List<Stamped> records = read().stream().filter(r -> r.occurredAt() < start.plus(Duration.ofMinutes(30)).toEpochMilli()).toList();
        assertThat(records).hasSize(3000).allSatisfy(r -> assertThat(r.timestamp()).isEqualTo(r.occurredAt()));
        assertThat(records).extracting(Stamped::occurredAt).allSatisfy(t -> assertThat(t).isGreaterThanOrEqualTo(start.toEpochMilli()));
    }

    @Test
    void pacedTheRecordsCarryTheSendTime() {
        long before = System.currentTimeMillis();
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        generate("--rate", "2000", "--count", "50", "--seed", "13", "--start", start.toString());
        long after = System.currentTimeMillis();

        List<Stamped> records = read().stream().filter(r -> r.timestamp() >= before).toList();
        assertThat(records).hasSize(50).allSatisfy(r -> {
            assertThat(r.timestamp()).isBetween(before, after);
            assertThat(r.occurredAt()).isLessThan(start.plusSeconds(1).toEpochMilli());
        });
    }

    private static void generate(String... args) {
        List<String> all = new ArrayList<>(List.of("generate", "--bootstrap-servers", KAFKA.broker().bootstrapServers(),
                "--registry-url", registryServer.url(), "--partitions", "1"));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8)).isZero();
    }

    /** Every record of the three input topics so far. */
    private static List<Stamped> read() {
        List<Stamped> out = new ArrayList<>();
        for (String topic : INPUTS) {
            AvroWireDeserializer<?> decoder = switch (topic) {
                case Topics.CLICKSTREAM -> new AvroWireDeserializer<>(registry, ClickEvent.class);
                case Topics.CAMPAIGN -> new AvroWireDeserializer<>(registry, CampaignEngagement.class);
                default -> new AvroWireDeserializer<>(registry, SalesActivity.class);
            };
            for (ConsumerRecord<byte[], byte[]> r : KAFKA.broker().readAll(topic)) {
                Object event = decoder.deserialize(r.value());
                Instant occurredAt = event instanceof ClickEvent c ? c.getOccurredAt()
                        : event instanceof CampaignEngagement c ? c.getOccurredAt() : ((SalesActivity) event).getOccurredAt();
                out.add(new Stamped(r.timestamp(), occurredAt.toEpochMilli()));
            }
        }
        return out;
    }
}
