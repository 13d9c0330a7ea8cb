package dev.leadflow.launcher.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.ControlCommand;
import dev.leadflow.avro.ControlCommandType;
import dev.leadflow.avro.ErasureConfirmation;
import dev.leadflow.avro.ErasureRequest;
import dev.leadflow.launcher.Main;
import dev.leadflow.launcher.registry.RegistryServer;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code leadflow erase}, {@code rebuild-queue} and {@code model} against a real broker and the demo's registry endpoint. */
class OpsCommandsTest {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static RegistryServer registryServer;
    private static SchemaRegistryClient registry;

    @BeforeAll
    static void start() throws Exception {
        registryServer = RegistryServer.start("127.0.0.1", 0, null);
        registry = SchemaRegistryClient.create(RegistryConfig.of(registryServer.url()));
        KAFKA.broker().createTopics(1, Topics.PRIVACY, Topics.PRIVACY_CONFIRMATIONS, Topics.CONTROL, Topics.SCORING_MODEL);
    }

    @AfterAll
    static void stop() {
        registryServer.close();
    }

    /** What a command printed and returned. */
    private record Run(int code, String out, String err) {
    }

    private static Run leadflow(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] against(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", KAFKA.broker().bootstrapServers(), "--registry-url", registryServer.url()));
        return all.toArray(String[]::new);
    }

    @Test
    void usageMistakesExitWith2AndSayWhatIsWrong() {
        assertThat(leadflow("erase")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("which lead?");
        });
        assertThat(leadflow("erase", "--wait", "5s", "lead-1").err()).contains("which lead?");
        assertThat(leadflow("erase", "lead-1", "--wait", "soon")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--wait: expected a duration");
        });
        assertThat(leadflow("erase", "lead-1", "--wait", "-5s")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--wait: expected a duration like 500ms, 30s, 15m, 2h or 90d, was '-5s'");
        });
        assertThat(leadflow("erase", "lead-1", "--wait", "PT-5S")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--wait must not be negative");
        });
        assertThat(leadflow("erase", "lead-1", "--no-such-option", "x")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("unknown option(s): --no-such-option");
        });
        assertThat(leadflow("erase", "lead-1", "lead-2").err()).contains("unexpected argument 'lead-2'");
        assertThat(leadflow("erase", "lead-1", "--registry-user", "u")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--registry-user needs --registry-password");
        });
        assertThat(leadflow("rebuild-queue", "now")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("unexpected argument 'now'");
        });
        assertThat(leadflow("rebuild-queue", "--lead", "x").err()).contains("unknown option(s): --lead");
        assertThat(Main.usage()).contains("erase <lead-id>").contains("rebuild-queue");
    }

    @Test
    void rebuildQueueSendsAControlCommand() {
        Run run = leadflow(against("rebuild-queue", "--requested-by", "ops-oncall"));

        assertThat(run.code()).as(run.err()).isZero();
        ConsumerRecord<byte[], byte[]> record = last(KAFKA.broker().readAll(Topics.CONTROL));
        ControlCommand command = decode(record, ControlCommand.class);
        assertThat(command.getCommand()).isEqualTo(ControlCommandType.REBUILD_QUEUE);
        assertThat(command.getRequestedBy()).isEqualTo("ops-oncall");
        assertThat(run.out()).contains(command.getEventId());
        assertThat(registry.getLatest(Topics.valueSubject(Topics.CONTROL)).id()).isEqualTo(schemaIdOf(record.value()));
    }

    @Test
    void eraseWithoutWaitingSendsTheRequestKeyedByTheLead() {
        Run run = leadflow(against("erase", "lead-no-wait", "--wait", "0", "--requested-by", "ticket-12"));

        assertThat(run.code()).as(run.err()).isZero();
        ConsumerRecord<byte[], byte[]> record = last(KAFKA.broker().readAll(Topics.PRIVACY));
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("lead-no-wait");
        ErasureRequest request = decode(record, ErasureRequest.class);
        assertThat(request.getLeadId()).isEqualTo("lead-no-wait");
        assertThat(request.getRequestedBy()).isEqualTo("ticket-12");
        assertThat(java.util.UUID.fromString(request.getEventId())).isNotNull();
        assertThat(run.out()).contains(request.getEventId()).contains("not waiting");
    }

    @Test
    void eraseWaitsForItsOwnConfirmationAndPrintsIt() throws Exception {
        CompletableFuture<Run> erase = CompletableFuture.supplyAsync(() -> leadflow(against("erase", "lead-waits", "--wait", "60s")));
        ErasureRequest request = decode(last(KAFKA.broker().readUntil(Topics.PRIVACY,
                records -> records.stream().anyMatch(r -> new String(r.key(), StandardCharsets.UTF_8).equals("lead-waits")),
                java.time.Duration.ofSeconds(60))), ErasureRequest.class);
        assertThat(request.getLeadId()).isEqualTo("lead-waits");

        // what the command must not take for its answer: garbage, and the confirmation of another request for the lead
        KAFKA.broker().send(List.of(
                new ProducerRecord<>(Topics.PRIVACY_CONFIRMATIONS, "lead-waits".getBytes(StandardCharsets.UTF_8), new byte[] {9, 9}),
                confirmation("an-older-request", "lead-waits", List.of("stale-queue"))));
        assertThat(erase).as("still waiting for its own confirmation").isNotDone();
        KAFKA.broker().send(List.of(confirmation(request.getEventId(), "lead-waits", List.of("default", "owner-s1"))));

        Run run = erase.get(60, TimeUnit.SECONDS);
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("Erased lead lead-waits").contains(request.getEventId() + "-erased")
                .contains("default, owner-s1").doesNotContain("stale-queue");
        assertThat(run.err()).contains("skipped an undecodable record");
    }

    @Test
    void eraseGivesUpClearlyWhenNoConfirmationComes() {
        Run run = leadflow(against("erase", "lead-unanswered", "--wait", "2s"));

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("no confirmation of request").contains("within 2 s").contains(Topics.PRIVACY);
    }

    @Test
    void modelPublishValidatesFirstAndModelShowPrintsTheNewestValidVersion(@TempDir Path dir) throws Exception {
        assertThat(leadflow(against("model", "show")).out()).contains("No valid scoring model");
        assertThat(leadflow("model").code()).isEqualTo(2);
        assertThat(leadflow("model", "publish").err()).contains("which file?");
        assertThat(leadflow(against("model", "publish", dir.resolve("missing.yaml").toString())))
                .satisfies(r -> assertThat(r.code()).isEqualTo(2));

        Path invalid = Files.writeString(dir.resolve("invalid.yaml"),
                model("2026.12-broken").replace("bonusPerEngagedLead: 5", "bonusPerEngagedLead: -5"));
        Run refused = leadflow(against("model", "publish", invalid.toString()));
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("nothing published").contains("bonusPerEngagedLead");
        assertThat(KAFKA.broker().readAll(Topics.SCORING_MODEL)).as("nothing written").isEmpty();

        for (String version : List.of("2026.12-a", "2026.12-b")) {
            Path file = Files.writeString(dir.resolve(version + ".yaml"), model(version));
            Run run = leadflow(against("model", "publish", file.toString()));
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("Published scoring model " + version);
        }
        ConsumerRecord<byte[], byte[]> published = last(KAFKA.broker().readAll(Topics.SCORING_MODEL));
        assertThat(new String(published.key(), StandardCharsets.UTF_8)).isEqualTo("2026.12-b");
        // an invalid document published by other means is skipped, as the job skips it
        KAFKA.broker().send(List.of(new ProducerRecord<>(Topics.SCORING_MODEL, "x".getBytes(StandardCharsets.UTF_8),
                "version: [".getBytes(StandardCharsets.UTF_8))));

        Run show = leadflow(against("model", "show"));
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out().lines().findFirst()).hasValue("2026.12-b");
        assertThat(leadflow(against("model", "show", "--full")).out()).contains("version: \"2026.12-b\"");
    }

    /** The default model's document with another version. */
    private static String model(String version) throws Exception {
        try (var in = ScoringModel.class.getClassLoader().getResourceAsStream(ScoringModel.DEFAULT_RESOURCE)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String versionLine = "version: \"" + ScoringModel.defaults().version() + "\"";
            assertThat(text).contains(versionLine);
            return text.replace(versionLine, "version: \"" + version + "\"");
        }
    }

    private static ProducerRecord<byte[], byte[]> confirmation(String requestId, String lead, List<String> queues) {
        ErasureConfirmation c = ErasureConfirmation.newBuilder().setEventId(requestId + "-erased")
                .setOccurredAt(Instant.now()).setRequestId(requestId).setLeadId(lead).setQueuesPurged(queues).build();
        return new ProducerRecord<>(Topics.PRIVACY_CONFIRMATIONS, lead.getBytes(StandardCharsets.UTF_8), encode(c));
    }

    private static byte[] encode(SpecificRecord value) {
        return new AvroWireSerializer<>(registry, Topics.valueSubject(Topics.PRIVACY_CONFIRMATIONS), value.getSchema())
                .serialize(value);
    }

    private static <T extends SpecificRecord> T decode(ConsumerRecord<byte[], byte[]> record, Class<T> type) {
        return new AvroWireDeserializer<>(registry, type).deserialize(record.value());
    }

    private static int schemaIdOf(byte[] value) {
        return java.nio.ByteBuffer.wrap(value, 1, 4).getInt();
    }

    private static ConsumerRecord<byte[], byte[]> last(List<ConsumerRecord<byte[], byte[]>> records) {
        assertThat(records).isNotEmpty();
        return records.get(records.size() - 1);
    }
}
