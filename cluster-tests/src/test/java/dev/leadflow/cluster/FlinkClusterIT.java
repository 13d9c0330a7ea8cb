package dev.leadflow.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.avro.HandoffAction;
import dev.leadflow.avro.HandoffOutcome;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.launcher.registry.RegistryServer;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueuedLead;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.Topics;
import dev.leadflow.embedded.kafka.KafkaBroker;
import dev.leadflow.embedded.redis.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The job as it will run: the shaded job jar exactly as {@code mvn package} built it, uploaded through Flink's
 * REST API to a session cluster of separate JobManager and TaskManager JVMs (Flink's class loading, the
 * Prometheus reporter as a plugin), against a real Kafka broker, an HTTP schema registry and a redis-server.
 *
 * <p>Oracle: every lead of the input is a hand-raiser at a large US company, so the default model hands each
 * off at once to {@code enterprise-na}, and nothing else happens to it. So the queue must end holding exactly
 * the input's leads, each once, and the audit topic must hold exactly one ENQUEUE (one handoff id) per lead —
 * through a TaskManager killed with SIGKILL and replaced by a new process, and through a stop with a savepoint
 * and a new submission restored from it. The outcomes job, from the same jar, runs beside it and must end with
 * a fate for each of those handoffs.
 */
class FlinkClusterIT {

    static final String QUEUE = "enterprise-na";
    static final String ENTRY = "dev.leadflow.job.LeadFlowJob";
    static final String OUTCOMES_ENTRY = "dev.leadflow.outcomes.HandoffOutcomesJob";

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theShadedJarRunsOnARealClusterSurvivesATaskManagerKillAndRestoresFromASavepoint() throws Exception {
        Path root = Path.of(System.getProperty("leadflow.root", "..")).toAbsolutePath().normalize();
        Path jar = jobJar(root);
        Path work = Files.createDirectories(Path.of("target/flink-cluster-it").toAbsolutePath());
        deleteTree(work);
        Files.createDirectories(work);
        try (KafkaBroker kafka = KafkaBroker.start();
                RedisServer redis = RedisServer.start();
                RegistryServer registry = RegistryServer.start("127.0.0.1", 0, work.resolve("registry"));
                FlinkSessionCluster cluster = new FlinkSessionCluster(Path.of(System.getProperty("flink.home")),
                        work.resolve("flink"), Map.of());
                HandoffQueue queue = HandoffQueue.connect(RedisConfig.fromUri(redis.uri()), HandoffQueue.Options.defaults())) {
            kafka.createTopics(2, Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES, Topics.HANDOFFS, Topics.DLQ,
                    Topics.HANDOFF_OUTCOMES);
            Process firstTaskManager = cluster.startTaskManager();
            cluster.awaitSlots(2, Duration.ofSeconds(90));

            List<String> args = List.of("--bootstrap-servers", kafka.bootstrapServers(), "--registry-url", registry.url(),
                    "--redis-uri", redis.uri(), "--checkpoint-interval", "1s", "--parallelism", "1",
                    "--checkpoint-dir", work.resolve("checkpoints").toUri().toString());
            String jarId = cluster.upload(jar);
            String job = cluster.run(jarId, ENTRY, args, null);
            cluster.awaitRunning(job, Duration.ofSeconds(90));
            // the outcomes job from the same jar, side by side in the same cluster
            String outcomesJob = cluster.run(jarId, OUTCOMES_ENTRY, args, null);
            cluster.awaitRunning(outcomesJob, Duration.ofSeconds(90));

            // 1. leads reach Redis
            Set<String> expected = new TreeSet<>();
            expected.addAll(produceHandRaisers(kafka, registry.url(), 0, 20));
            awaitQueue(cluster, queue, expected, Duration.ofSeconds(90));

            // 2. the reporter, loaded as a plugin, serves the job's own metrics
            String metrics = cluster.await(Duration.ofSeconds(60), "leadflow metrics on the Prometheus endpoint", () -> {
                String text = cluster.prometheusText();
                return text.contains("leadflow_handoff_actions") ? text : null;
            });
            assertThat(metrics).contains("leadflow_events_in", "leadflow_event_to_queue_latency_ms");

            // the job's main put its model on the model topic, which every later start follows
            assertThat(records(kafka, Topics.SCORING_MODEL)).as("documents on %s", Topics.SCORING_MODEL).isNotEmpty();

            // 3. SIGKILL the TaskManager under load; a new TaskManager process brings the job back
            awaitCompletedCheckpoints(cluster, job, 1);
            expected.addAll(produceHandRaisers(kafka, registry.url(), 20, 40));
            firstTaskManager.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            long killedAt = System.nanoTime();
            cluster.startTaskManager();
            expected.addAll(produceHandRaisers(kafka, registry.url(), 40, 60));
            cluster.awaitRunning(job, Duration.ofSeconds(120));
            awaitQueue(cluster, queue, expected, Duration.ofSeconds(120));
            System.out.printf("cluster: TaskManager killed with SIGKILL; queue complete %.1f s later, failures recorded %d%n",
                    (System.nanoTime() - killedAt) / 1e9, restarts(cluster, job));
            assertThat(restarts(cluster, job)).as("failures the JobManager recorded (the kill)").isPositive();

            // 4. stop with a savepoint, submit again from it: state carries over, nothing is handed off twice
            String savepoint = cluster.stopWithSavepoint(job, work.resolve("savepoints"), Duration.ofSeconds(120));
            String restored = cluster.run(jarId, ENTRY, args, savepoint);
            cluster.awaitRunning(restored, Duration.ofSeconds(90));
            var restoredFrom = cluster.get("/jobs/" + restored + "/checkpoints").path("latest").path("restored");
            assertThat(restoredFrom.path("is_savepoint").asBoolean()).as("restored from a savepoint: %s", restoredFrom).isTrue();
            assertThat(restoredFrom.path("external_path").asText()).isEqualTo(savepoint);
            expected.addAll(produceHandRaisers(kafka, registry.url(), 60, 70));
            awaitQueue(cluster, queue, expected, Duration.ofSeconds(90));

            // the oracle over the audit trail: one handoff per lead, no lead the input did not hand off
            Map<String, Set<String>> handoffsPerLead = enqueuesPerLead(kafka, registry.url(), expected.size());
            assertThat(handoffsPerLead.keySet()).as("leads handed off (audit)").isEqualTo(expected);
            assertThat(handoffsPerLead.entrySet().stream().filter(e -> e.getValue().size() != 1).toList())
                    .as("leads handed off more than once (lead → handoff ids)").isEmpty();
            List<String> queued = queue.peek(QUEUE, 1_000).stream().map(QueuedLead::leadId).toList();
            assertThat(queued).as("queued leads, each once").doesNotHaveDuplicates();
            assertThat(new TreeSet<>(queued)).isEqualTo(expected);
            // the outcomes job, which went through the same kill, has a fate for every handoff and for nothing else
            Map<String, String> fates = cluster.await(Duration.ofSeconds(90), "an outcome for each of the " + expected.size() + " handoffs", () -> {
                Map<String, String> leadByHandoff = outcomes(kafka, registry.url());
                return new TreeSet<>(leadByHandoff.values()).equals(expected) ? leadByHandoff : null;
            });
            assertThat(fates).as("outcomes per handoff").hasSize(expected.size());
            assertThat(cluster.prometheusText()).contains("leadflow_outcomes_handoffs");
            System.out.printf("cluster: %d leads in, %d handed off, lost %d, duplicated %d%n", expected.size(),
                    handoffsPerLead.size(), expected.size() - queued.size(), queued.size() - new TreeSet<>(queued).size());
        }
    }

    private static Path jobJar(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("flink-jobs/target"))) {
            return s.filter(p -> p.getFileName().toString().matches("leadflow-flink-jobs-.*-job\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no shaded job jar in flink-jobs/target: run through `mvn verify`"
                            + " (the package phase of flink-jobs builds it)"));
        }
    }

    /** Hand-raisers lead-c-{from}..{to-1}: an IDENTIFY with a large US company's traits, then a demo request. */
    private static List<String> produceHandRaisers(KafkaBroker kafka, String registryUrl, int from, int to) {
        AvroWireSerializer<ClickEvent> clicks = new AvroWireSerializer<>(RegistryConfig.of(registryUrl),
                Topics.valueSubject(Topics.CLICKSTREAM), ClickEvent.getClassSchema());
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> leads = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = from; i < to; i++) {
            String lead = "lead-c-" + i;
            leads.add(lead);
            records.add(record(lead, clicks.serialize(click(lead, ClickType.IDENTIFY, "identify", now.minusSeconds(30), traits(i)))));
            records.add(record(lead, clicks.serialize(click(lead, ClickType.TRACK, "demo_requested", now.minusSeconds(20), Map.of()))));
        }
        kafka.send(records);
        return leads;
    }

    private static void awaitQueue(FlinkSessionCluster cluster, HandoffQueue queue, Set<String> expected, Duration timeout)
            throws Exception {
        cluster.await(timeout, "queue " + QUEUE + " holding the " + expected.size() + " expected leads", () -> {
            Set<String> now = queue.peek(QUEUE, 1_000).stream().map(QueuedLead::leadId).collect(Collectors.toCollection(TreeSet::new));
            return now.containsAll(expected) ? now : null;
        });
    }

    private static void awaitCompletedCheckpoints(FlinkSessionCluster cluster, String job, int n) throws Exception {
        cluster.await(Duration.ofSeconds(60), n + " completed checkpoints", () -> {
            var c = cluster.get("/jobs/" + job + "/checkpoints");
            return c != null && c.path("counts").path("completed").asInt() >= n ? c : null;
        });
    }

    /** Failures the JobManager recorded for the job (its exception history), each followed by a restart. */
    private static int restarts(FlinkSessionCluster cluster, String job) {
        var j = cluster.get("/jobs/" + job + "/exceptions");
        return j == null ? -1 : j.path("exceptionHistory").path("entries").size();
    }

    /** ENQUEUE audit records on leadflow.handoffs, de-duplicated by event id (the audit is at-least-once): lead → handoff ids. */
    private static Map<String, Set<String>> enqueuesPerLead(KafkaBroker kafka, String registryUrl, int leads) {
        AvroWireDeserializer<LeadHandoff> decode = new AvroWireDeserializer<>(RegistryConfig.of(registryUrl), LeadHandoff.class);
        Map<String, Set<String>> perLead = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records(kafka, Topics.HANDOFFS)) {
            LeadHandoff h = decode.deserialize(r.value());
            if (h.getAction() == HandoffAction.ENQUEUE) {
                perLead.computeIfAbsent(h.getLeadId(), k -> new TreeSet<>()).add(h.getHandoffId());
            }
        }
        return perLead;
    }

    /** handoff id → lead of every record on leadflow.handoff-outcomes. */
    private static Map<String, String> outcomes(KafkaBroker kafka, String registryUrl) {
        AvroWireDeserializer<HandoffOutcome> decode = new AvroWireDeserializer<>(RegistryConfig.of(registryUrl), HandoffOutcome.class);
        Map<String, String> leadByHandoff = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records(kafka, Topics.HANDOFF_OUTCOMES)) {
            HandoffOutcome o = decode.deserialize(r.value());
            leadByHandoff.put(o.getHandoffId(), o.getLeadId());
        }
        return leadByHandoff;
    }

    /** Every record of a topic, from the beginning to its current end. */
    private static List<ConsumerRecord<byte[], byte[]>> records(KafkaBroker kafka, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static ProducerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>(Topics.CLICKSTREAM, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static ClickEvent click(String lead, ClickType type, String name, Instant at, Map<String, String> traits) {
        return ClickEvent.newBuilder().setEventId(lead + "-" + name).setOccurredAt(at).setAnonymousId("anon-" + lead)
                .setLeadId(lead).setType(type).setName(name).setUrl("https://www.example.com/" + name)
                .setProperties(new HashMap<>()).setTraits(new HashMap<>(traits)).build();
    }

    private static Map<String, String> traits(int i) {
        Map<String, String> t = new HashMap<>();
        t.put("email", "buyer" + i + "@corp" + i + ".com");
        t.put("first_name", "Buyer");
        t.put("last_name", "No" + i);
        t.put("title", "VP Marketing");
        t.put("company", "Corp " + i);
        t.put("company_domain", "corp" + i + ".com");
        t.put("company_size", "5000");
        t.put("industry", "software");
        t.put("country", "US");
        return t;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }
}
