package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden savepoints: savepoints that a release's job wrote (300 people, heap and RocksDB), kept
 * under {@code src/test/resources/golden/<release>-<backend>/} with the state they held
 * ({@code expected.json}: every key of every stateful operator with its event-time timers, and
 * the full state of every tenth key). Each restores into the current job, on both backends:
 * <ul>
 *   <li>the current code reads the golden state as the release that wrote it did (every recorded
 *       field equal; fields a later release added are ignored);</li>
 *   <li>the current job starts from it without dropping any state and holds the same keys, states
 *       and timers (read back from a savepoint of the restored job);</li>
 *   <li>once event time passes them, the restored timers fire.</li>
 * </ul>
 * A release that changes a state format adds a format version with a reader of the old one
 * ({@link dev.leadflow.job.types.FormatSnapshot}) and keeps these tests green; then it writes its
 * own golden savepoints ({@link #WRITE_COMMAND}) and commits them next to the old ones.
 */
class GoldenSavepointIT {

    /** Writes golden savepoints of the code as it is, named for the release given. */
    static final String WRITE_COMMAND = "mvn -B -pl flink-jobs -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false "
            + "-Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=GoldenSavepointIT -Dgolden.write=<release>";

    private static final String REGISTRY_URL = "mock://golden-savepoint-it";
    private static final Path STATE_DIR = Path.of(System.getProperty("java.io.tmpdir"), "golden-it");
    private static final String SAVEPOINTS = STATE_DIR.resolve("savepoints").toUri().toString();
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** Full state is recorded for every this-many-th key (in key order); all keys and timers always. */
    private static final int STATE_SAMPLE = 10;

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = ItSupport.cluster(2, clusterConfig());

    private static Configuration clusterConfig() {
        Configuration conf = ItSupport.clusterConfig("golden-it/checkpoints");
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, SAVEPOINTS);
        // a job that cannot restore must fail, not retry for ever
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return conf;
    }

    @BeforeAll
    static void createTopics() {
        KAFKA.broker().createTopics(1, Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES, Topics.HANDOFFS, Topics.DLQ);
    }

    /** Every committed golden savepoint with each backend to restore it into. */
    static Stream<Arguments> goldenSavepoints() throws IOException, URISyntaxException {
        Path root = Path.of(GoldenSavepointIT.class.getResource("/golden").toURI());
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                for (JobSettings.StateBackend backend : JobSettings.StateBackend.values()) {
                    out.add(Arguments.of(dir.getFileName().toString(), backend));
                }
            }
        }
        return out.stream();
    }

    @Test
    void everyReleaseSinceTheFirstHasGoldenSavepointsOnBothBackends() throws Exception {
        Set<String> names = new TreeSet<>();
        goldenSavepoints().forEach(a -> names.add((String) a.get()[0]));
        assertThat(names).as("golden savepoints under src/test/resources/golden").contains("2026.2-hashmap", "2026.2-rocksdb");
        for (String name : names) {
            JsonNode expected = expected(name);
            assertThat(expected.get("backend").asText()).as("the backend %s was written with", name).isEqualTo(name.substring(name.lastIndexOf('-') + 1));
            assertThat(expected.get("keys").get(LeadFlowPipeline.Uids.SCORING).size()).as("leads in %s", name).isGreaterThanOrEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0} restored on {1}")
    @MethodSource("goldenSavepoints")
    void aGoldenSavepointRestoresIntoTheCurrentJob(String name, JobSettings.StateBackend backend) throws Exception {
        JsonNode expected = expected(name);
        String savepoint = goldenDir(name).resolve("savepoint").toUri().toString();

        // the current code reads the golden state as the release that wrote it did
        assertHolds(name + " read by this release", SavepointState.read(savepoint), expected);

        // the current job starts from it (no state dropped) and holds the same keys, states and timers
        JobClient restored = startFrom(savepoint, backend, Duration.ofHours(1), "golden-" + name + "-" + backend);
        String after;
        try {
            after = savepointOf(restored);
            ItSupport.assertStateBackend(FLINK, restored.getJobID(), backend);
        } finally {
            restored.cancel().get(1, TimeUnit.MINUTES);
        }
        assertHolds(name + " restored into the current job on " + backend, SavepointState.read(after), expected);

        // once event time passes them, the restored timers fire: with every input quiet for a
        // second, the watermark follows the wall clock, past every timer that was due before now
        long now = Instant.now().toEpochMilli();
        Map<String, Set<Long>> due = new TreeMap<>();
        expected.get("timers").fields().forEachRemaining(op -> op.getValue().fields().forEachRemaining(key -> {
            key.getValue().forEach(t -> {
                if (t.asLong() < now) {
                    due.computeIfAbsent(op.getKey() + "/" + key.getKey(), k -> new TreeSet<>()).add(t.asLong());
                }
            });
        }));
        assertThat(due).as("timers of %s that are due by now", name).isNotEmpty();
        REDIS.flushAll();
        JobClient running = startFrom(savepoint, backend, Duration.ofSeconds(1), "golden-timers-" + name + "-" + backend);
        try {
            Await.until(TIMEOUT, Duration.ofSeconds(2), "every due timer of " + name + " fired", () -> {
                try {
                    return stillPending(SavepointState.read(savepointOf(running)), due).isEmpty();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            running.cancel().get(1, TimeUnit.MINUTES);
        }
    }

    /** Timers of {@code due} that {@code state} still holds. */
    private static List<String> stillPending(SavepointState state, Map<String, Set<Long>> due) {
        List<String> pending = new ArrayList<>();
        due.forEach((opKey, timers) -> {
            String uid = opKey.substring(0, opKey.indexOf('/'));
            String key = opKey.substring(opKey.indexOf('/') + 1);
            SavepointState.KeyedState ks = state.operator(uid).get(key);
            if (ks != null) {
                for (Long t : timers) {
                    if (ks.eventTimeTimers().contains(t)) {
                        pending.add(opKey + "@" + t);
                    }
                }
            }
        });
        return pending;
    }

    /**
     * Writes this release's golden savepoints (see {@link #WRITE_COMMAND}): the job on each backend
     * over the same input, stopped with a canonical savepoint, copied with its expected state into
     * {@code src/test/resources/golden/<release>-<backend>/}.
     */
    @Test
    @EnabledIfSystemProperty(named = "golden.write", matches = "\\d{4}\\.\\d+")
    void writeGoldenSavepoints() throws Exception {
        String release = System.getProperty("golden.write");
        SchemaRegistryClient registry = SchemaRegistryClient.create(RegistryConfig.of(REGISTRY_URL));
        // 300 people on 30 accounts: 250 identified (some raise hands), 50 still anonymous
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(6, ChronoUnit.HOURS);
        UpgradeFromSavepointIT.Scenario input = UpgradeFromSavepointIT.scenario(registry, t0, 300, 250, 3_000, 0);
        KAFKA.broker().send(input.before());
        for (JobSettings.StateBackend backend : JobSettings.StateBackend.values()) {
            String group = "golden-write-" + backend.flinkName;
            JobSettings s = settings(group, backend, Duration.ofHours(1));
            JobClient job = start(s, null, "golden-write-" + backend.flinkName);
            ItSupport.awaitConsumed(KAFKA.broker(), group, List.of(Topics.CLICKSTREAM), 1, TIMEOUT);
            String savepoint = job.stopWithSavepoint(false, SAVEPOINTS, SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
            job.getJobExecutionResult().get(1, TimeUnit.MINUTES);

            Path target = Path.of("src/test/resources/golden", release + "-" + backend.flinkName);
            deleteRecursively(target);
            copyRecursively(Path.of(java.net.URI.create(savepoint)), target.resolve("savepoint"));
            ObjectNode doc = render(SavepointState.read(target.resolve("savepoint").toUri().toString()));
            doc.put("release", release);
            doc.put("backend", backend.flinkName);
            doc.put("written", Instant.now().toString());
            doc.put("eventTimeFrom", t0.toString());
            doc.put("input", "UpgradeFromSavepointIT.scenario(registry, eventTimeFrom, 300, 250, 3_000, 0).before(), clickstream only");
            SavepointState.JSON.writerWithDefaultPrettyPrinter().writeValue(target.resolve("expected.json").toFile(), doc);
            System.out.printf("golden savepoint %s written to %s%n", release + "-" + backend.flinkName, target.toAbsolutePath());
        }
    }

    private static JsonNode expected(String name) throws IOException {
        return SavepointState.JSON.readTree(goldenDir(name).resolve("expected.json").toFile());
    }

    private static Path goldenDir(String name) {
        try {
            return Path.of(GoldenSavepointIT.class.getResource("/golden/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keys and timers of every operator, and the states of every {@link #STATE_SAMPLE}-th key. */
    static ObjectNode render(SavepointState state) {
        ObjectNode doc = SavepointState.JSON.createObjectNode();
        ObjectNode keys = doc.putObject("keys");
        ObjectNode timers = doc.putObject("timers");
        ObjectNode states = doc.putObject("states");
        for (String uid : state.operators()) {
            ArrayNode k = keys.putArray(uid);
            ObjectNode t = timers.putObject(uid);
            ObjectNode st = states.putObject(uid);
            int i = 0;
            for (Map.Entry<String, SavepointState.KeyedState> e : state.operator(uid).entrySet()) {
                k.add(e.getKey());
                if (!e.getValue().eventTimeTimers().isEmpty()) {
                    ArrayNode list = t.putArray(e.getKey());
                    e.getValue().eventTimeTimers().forEach(list::add);
                }
                if (i++ % STATE_SAMPLE == 0) {
                    ObjectNode one = st.putObject(e.getKey());
                    e.getValue().states().forEach(one::set);
                }
            }
        }
        return doc;
    }

    /**
     * The state holds what {@code expected} recorded: the same keys and timers per operator, and for
     * each recorded key every recorded field with its value (fields a later release added are not
     * in the record and are ignored).
     */
    static void assertHolds(String what, SavepointState state, JsonNode expected) {
        JsonNode actual = render(state);
        expected.get("keys").fields().forEachRemaining(op -> {
            Set<String> want = new TreeSet<>();
            op.getValue().forEach(k -> want.add(k.asText()));
            assertThat(state.keys(op.getKey())).as("%s: keys of %s", what, op.getKey()).isEqualTo(want);
        });
        assertThat(actual.get("timers")).as("%s: event-time timers", what).isEqualTo(expected.get("timers"));
        List<String> differences = new ArrayList<>();
        expected.get("states").fields().forEachRemaining(op -> op.getValue().fields().forEachRemaining(key -> {
            JsonNode got = state.operator(op.getKey()).containsKey(key.getKey())
                    ? SavepointState.JSON.valueToTree(state.operator(op.getKey()).get(key.getKey()).states()) : null;
            contains(op.getKey() + "/" + key.getKey(), key.getValue(), got, differences);
        }));
        assertThat(differences).as("%s: recorded state fields that differ", what).isEmpty();
    }

    private static void contains(String path, JsonNode want, JsonNode got, List<String> differences) {
        if (got == null || got.isMissingNode()) {
            differences.add(path + ": missing");
        } else if (want.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                contains(path + "." + f.getKey(), f.getValue(), got.get(f.getKey()), differences);
            }
        } else if (want.isArray()) {
            if (!got.isArray() || got.size() != want.size()) {
                differences.add(path + ": " + want + " != " + got);
            } else {
                for (int i = 0; i < want.size(); i++) {
                    contains(path + "[" + i + "]", want.get(i), got.get(i), differences);
                }
            }
        } else if (!want.equals(got)) {
            differences.add(path + ": " + want + " != " + got);
        }
    }

    private static JobSettings settings(String group, JobSettings.StateBackend backend, Duration idleAfter) {
        JobSettings s = new JobSettings();
        s.bootstrapServers = KAFKA.broker().bootstrapServers();
        s.groupId = group;
        s.registryUrl = REGISTRY_URL;
        s.redisUri = REDIS.uri();
        s.checkpointInterval = Duration.ofMillis(500);
        s.idleAfter = idleAfter;
        s.parallelism = 1;
        s.stateBackend = backend;
        return s.validate();
    }

    private static JobClient startFrom(String savepoint, JobSettings.StateBackend backend, Duration idleAfter, String group)
            throws Exception {
        return start(settings(group, backend, idleAfter), savepoint, group);
    }

    private static JobClient start(JobSettings s, String savepoint, String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LeadFlowJob.configure(env, s);
        LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s), LeadFlowJob.kafkaOutputs(s), ScoringModel.defaults(), s);
        StreamGraph graph = env.getStreamGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        graph.setJobName(name);
        return env.executeAsync(graph);
    }

    /** A savepoint of the running job; it succeeds only once every task runs, i.e. has restored its state. */
    private static String savepointOf(JobClient job) {
        return Await.until(TIMEOUT, "a savepoint of " + job.getJobID(), () -> {
            try {
                return Optional.of(job.triggerSavepoint(SAVEPOINTS, SavepointFormatType.CANONICAL).get(1, TimeUnit.MINUTES));
            } catch (Exception notYetRunning) {
                return Optional.empty();
            }
        });
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
