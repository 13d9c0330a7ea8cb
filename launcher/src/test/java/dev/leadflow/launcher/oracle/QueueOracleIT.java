package dev.leadflow.launcher.oracle;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.job.CollectingMetricReporter;
import dev.leadflow.job.ItSupport;
import dev.leadflow.job.JobSettings;
import dev.leadflow.job.LeadFlowJob;
import dev.leadflow.job.LeadFlowPipeline;
import dev.leadflow.job.SavepointState;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueueKeys;
import dev.leadflow.queue.QueuedLead;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.AccountPriority;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * "What sellers see is always right": a realistic history ({@link History}: thousands of
 * generated leads, roughened with account moves, owner changes, sales touches, rejections, events
 * out of order, late, duplicated and one dated 2099) goes through the production topology (Kafka
 * sources, Redis sink, parallelism 2 on a MiniCluster, a real broker and redis-server), and the
 * queues in Redis at the end are compared with {@link QueueOracle}, which computes them from the same
 * events in event-time order without Flink, at the same fixed watermark.
 *
 * <p>Priorities are compared within {@link #TOLERANCE} readiness points: queued leads are refreshed
 * as they decay, not at every millisecond. Along the way the job is stopped with a savepoint a few
 * times, and the handoffs its prioritizer holds open (read from the savepoint) must be exactly the
 * leads in Redis; the job resumes from that savepoint, so restore is exercised too.
 */
class QueueOracleIT {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = ItSupport.cluster(2,
            CollectingMetricReporter.configure(ItSupport.clusterConfig("oracle-checkpoints")));

    private static final String REGISTRY_URL = "mock://queue-oracle-it";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GROUP = "queue-oracle";
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    /** Chunks after which the job is stopped with a savepoint and resumed (and after the last one). */
    private static final Set<Integer> STOP_AFTER = Set.of(1, 3, 5);
    /** Readiness points by which a queued lead's priority may trail its decay. */
    private static final int TOLERANCE = 2;
    private static final int EXAMPLES = 20;
    /** Examples per category, so that a common category does not hide a rare one. */
    private static final int EXAMPLES_PER_CATEGORY = 6;

    @TempDir static Path savepoints;

    /** Where the job keeps its state (see {@link QueueOracleRocksDbIT}). */
    JobSettings.StateBackend stateBackend() {
        return JobSettings.StateBackend.HASHMAP;
    }

    @Test
    void redisQueuesEqualAnIndependentEventTimeComputation() throws Exception {
        long t0 = System.nanoTime();
        ScoringModel model = ScoringModel.defaults();
        JobSettings settings = ItSupport.settings(KAFKA.broker(), REGISTRY_URL, REDIS.uri(), GROUP, 2);
        settings.stateBackend = stateBackend();
        long watermark = History.watermark(settings.maxOutOfOrderness);
        History history = History.build(model, watermark);
        QueueOracle oracle = new QueueOracle(model);
        QueueOracle.Result expected = oracle.compute(history.arrivals(), watermark);
        System.out.printf("oracle input: %d records, %s; oracle: %d leads, %d queued, %d guarded out, %d duplicates, "
                        + "%d unlinked anonymous, %d beyond the stitching buffer (%d ms)%n",
                history.inputs.size(), history.counts, expected.leads().size(), expected.queued().size(),
                expected.guarded(), expected.duplicates(), expected.unlinked(), expected.overflow(),
                (System.nanoTime() - t0) / 1_000_000);

        KAFKA.broker().createTopics(History.PARTITIONS, History.INPUT_TOPICS.toArray(String[]::new));
        KAFKA.broker().createTopics(1, Topics.HANDOFFS, Topics.DLQ);
        SchemaRegistryClient registry = SchemaRegistryClient.create(RegistryConfig.of(REGISTRY_URL));
        Map<String, AvroWireSerializer<SpecificRecord>> serializers = new HashMap<>();

        List<String> invariant = new ArrayList<>();
        String stalled = null;
        String savepoint = null;
        JobClient job = null;
        for (int c = 0; c < History.CHUNKS; c++) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (History.Input i : history.chunk(c)) {
                AvroWireSerializer<SpecificRecord> ser = serializers.computeIfAbsent(i.topic(),
                        t -> new AvroWireSerializer<>(registry, Topics.valueSubject(t), i.value().getSchema()));
                // a backfill stamps each record with its event time; the 2099 event keeps a normal one
                records.add(new ProducerRecord<>(i.topic(), i.partition(), i.recordTimestamp(),
                        i.key().getBytes(StandardCharsets.UTF_8), ser.serialize(i.value())));
            }
            KAFKA.broker().send(records);
            if (job == null) {
                job = start(settings, model, savepoint);
            }
            boolean last = c == History.CHUNKS - 1;
            try {
                ItSupport.awaitConsumed(KAFKA.broker(), GROUP, History.INPUT_TOPICS, History.PARTITIONS, TIMEOUT);
                if (c == 0) {
                    ItSupport.assertStateBackend(FLINK, job.getJobID(), stateBackend());
                }
                if (last) {
                    awaitWatermarkAtSink(job, watermark);
                }
            } catch (AssertionError | RuntimeException e) {
                // say what is known so far rather than only that the job stalled
                stalled = "the job did not get through chunk " + c + " of " + History.CHUNKS + " (" + e.getMessage()
                        + "): job " + job.getJobStatus().get(10, TimeUnit.SECONDS) + ", restarts "
                        + CollectingMetricReporter.gauge("numRestarts", Map.of("job_id", job.getJobID().toString()))
                        + " (the task failures are in launcher/target/launcher-tests.log)";
                job.cancel().get(1, TimeUnit.MINUTES);
                break;
            }
            if (last || STOP_AFTER.contains(c)) {
                // stop-with-savepoint: the sink flushes, so Redis is quiescent and matches the state
                savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
                job = null;
                invariant.addAll(openHandoffsAreTheQueuedLeads(c, savepoint));
            }
        }

        if (stalled != null) {
            invariant.forEach(System.out::println);
            fail(stalled + "\n" + String.join("\n", invariant));
        }
        Map<String, List<QueuedLead>> byQueue = redisQueues();
        Comparison cmp = new Comparison(oracle, model, expected, byQueue, history.tags);
        String summary = String.format("oracle: %d leads compared, %d queued, %d mismatches (%s; priority off by %s); "
                        + "largest priority difference %.1f; invariant violations %d; Redis holds %d leads; %d s",
                cmp.compared, expected.queued().size(), cmp.mismatches(), cmp.counts, cmp.causes, cmp.largestDifference,
                invariant.size(), byQueue.values().stream().mapToInt(List::size).sum(),
                (System.nanoTime() - t0) / 1_000_000_000);
        System.out.println(summary);
        cmp.examples.forEach(System.out::println);
        cmp.everyLead.forEach(System.out::println);
        invariant.forEach(System.out::println);
        if (cmp.mismatches() > 0 || !invariant.isEmpty()) {
            fail(summary + "\n" + String.join("\n", cmp.examples) + "\n" + String.join("\n", invariant));
        }
    }

    private static JobClient start(JobSettings s, ScoringModel model, String savepoint) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LeadFlowJob.configure(env, s);
        LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(s), LeadFlowJob.kafkaOutputs(s), model, s);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("queue-oracle");
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return env.executeAsync(graph);
    }

    /**
     * Every record is consumed; the watermark that the markers carry must also have reached the queue
     * sink, so that every timer up to it has fired and its actions are in the sink's buffer.
     */
    private static void awaitWatermarkAtSink(JobClient job, long watermark) {
        String jobId = job.getJobID().toString();
        Await.until(TIMEOUT, "the watermark " + Instant.ofEpochMilli(watermark) + " at every queue sink subtask", () -> {
            List<Long> marks = CollectingMetricReporter.find("currentInputWatermark", Map.of("job_id", jobId)).stream()
                    .filter(r -> r.variables().getOrDefault("<operator_name>", "").startsWith("redis queue"))
                    .map(r -> ((Number) ((Gauge<?>) r.metric()).getValue()).longValue())
                    .toList();
            return marks.size() >= 2 && marks.stream().allMatch(m -> m >= watermark);
        });
    }

    /** Leads in Redis, ready (in queue order) and claimed, per queue. */
    private static Map<String, List<QueuedLead>> redisQueues() {
        Map<String, List<QueuedLead>> all = new TreeMap<>();
        try (RedisClient redis = RedisConfig.fromUri(REDIS.uri()).connect()) {
            HandoffQueue queue = new HandoffQueue(redis);
            for (String q : new TreeSet<>(queue.queues())) {
                List<QueuedLead> leads = new ArrayList<>(queue.peek(q, 1_000_000));
                for (String claimed : redis.zrange(QueueKeys.of(q).claims(), 0, -1)) {
                    queue.get(q, claimed).ifPresent(leads::add);
                }
                all.put(q, leads);
            }
        }
        return all;
    }

    /** The prioritizer's open handoffs in the savepoint against the leads in Redis, as "queue/lead". */
    private static List<String> openHandoffsAreTheQueuedLeads(int chunk, String savepoint) throws Exception {
        SavepointState state = SavepointState.read(savepoint);
        Set<String> open = new TreeSet<>();
        state.operator(LeadFlowPipeline.Uids.PRIORITIZER).forEach((account, keyed) -> {
            JsonNode members = keyed.states().get("members");
            if (members != null) {
                members.fields().forEachRemaining(m -> {
                    if (m.getValue().path("open").asBoolean()) {
                        open.add(m.getValue().path("queue").asText() + "/" + m.getKey());
                    }
                });
            }
        });
        Set<String> inRedis = new TreeSet<>();
        redisQueues().forEach((q, leads) -> leads.forEach(l -> inRedis.add(q + "/" + l.leadId())));
        Set<String> notInRedis = new TreeSet<>(open);
        notInRedis.removeAll(inRedis);
        Set<String> notOpen = new TreeSet<>(inRedis);
        notOpen.removeAll(open);
        String at = "savepoint after chunk " + chunk + " (" + open.size() + " open handoffs, " + inRedis.size()
                + " leads in Redis)";
        System.out.println("invariant at " + at + ": " + notInRedis.size() + " open but not in Redis, " + notOpen.size()
                + " in Redis but not open");
        List<String> violations = new ArrayList<>();
        if (!notInRedis.isEmpty()) {
            violations.add("invariant, " + at + ": open in the prioritizer, missing in Redis: " + notInRedis.size() + " "
                    + notInRedis.stream().limit(EXAMPLES).toList());
        }
        if (!notOpen.isEmpty()) {
            violations.add("invariant, " + at + ": in Redis, not open in the prioritizer: " + notOpen.size() + " "
                    + notOpen.stream().limit(EXAMPLES).toList());
        }
        return violations;
    }

    /** Expected against actual, by category, with examples a developer can follow. */
    private static final class Comparison {
        final Map<String, Integer> counts = new LinkedHashMap<>();
        /** Why priorities are off, from the Redis payload. */
        final Map<String, Integer> causes = new TreeMap<>();
        final List<String> examples = new ArrayList<>();
        /** Every lead missing, extra or in the wrong queue (rare categories), with what was injected. */
        final List<String> everyLead = new ArrayList<>();
        final int compared;
        double largestDifference;

        Comparison(QueueOracle oracle, ScoringModel model, QueueOracle.Result expected, Map<String, List<QueuedLead>> byQueue,
                Map<String, List<String>> tags) {
            for (String category : List.of("missing in Redis", "extra in Redis", "wrong queue", "priority off", "order")) {
                counts.put(category, 0);
            }
            Map<String, List<String>> queuesOf = new TreeMap<>();
            Map<String, QueuedLead> actual = new HashMap<>();
            byQueue.forEach((q, leads) -> leads.forEach(l -> {
                queuesOf.computeIfAbsent(l.leadId(), k -> new ArrayList<>()).add(q);
                actual.put(l.leadId(), l);
            }));
            Set<String> all = new TreeSet<>(expected.leads().keySet());
            all.addAll(queuesOf.keySet());
            compared = all.size();
            for (String lead : all) {
                QueueOracle.Expected e = expected.queued().get(lead);
                List<String> queues = queuesOf.get(lead);
                QueuedLead got = actual.get(lead);
                if (e == null && queues == null) {
                    continue;
                }
                if (queues == null) {
                    report("missing in Redis", lead, e, null, expected, tags);
                } else if (e == null) {
                    report("extra in Redis", lead, null, queues + " p=" + got.priority(), expected, tags);
                } else if (queues.size() != 1 || !queues.get(0).equals(e.queue())) {
                    report("wrong queue", lead, e, queues + " p=" + got.priority(), expected, tags);
                } else {
                    QueueOracle.LeadOutcome o = expected.leads().get(lead);
                    double low = oracle.priorityAt(e, Math.max(0, e.readiness() - TOLERANCE), o.engaged());
                    double high = oracle.priorityAt(e, Math.min(100, e.readiness() + TOLERANCE), o.engaged());
                    largestDifference = Math.max(largestDifference, Math.abs(got.priority() - e.priority()));
                    if (got.priority() < low || got.priority() > high) {
                        // what the payload says the priority was made of tells a stale readiness from a
                        // wrong committee count
                        JsonNode payload = json(got.payload());
                        int readiness = payload.path("readiness").asInt();
                        int committee = payload.path("account").path("engagedLeads").asInt();
                        boolean staleReadiness = Math.abs(readiness - e.readiness()) > TOLERANCE;
                        boolean otherCommittee = oracle.priorityAt(e, e.readiness(), o.engaged())
                                != AccountPriority.priority(model, e.readiness(), o.engaged(), e.handRaised(), committee);
                        causes.merge(staleReadiness && otherCommittee ? "readiness and committee"
                                : staleReadiness ? (readiness > e.readiness() ? "readiness above the oracle's" : "readiness below the oracle's")
                                : otherCommittee ? "committee only" : "neither (payload agrees, score does not)", 1, Integer::sum);
                        report("priority off", lead, e, queues + " p=" + got.priority() + " from readiness " + readiness
                                + ", committee " + committee, expected, tags);
                    }
                }
            }
            // each queue's ready order against the oracle's priorities (both within the tolerance)
            byQueue.forEach((q, leads) -> {
                QueuedLead previous = null;
                for (QueuedLead l : leads) {
                    if (l.claimed()) {
                        continue;
                    }
                    QueueOracle.Expected before = previous == null ? null : expected.queued().get(previous.leadId());
                    QueueOracle.Expected now = expected.queued().get(l.leadId());
                    if (before != null && now != null && q.equals(before.queue()) && q.equals(now.queue())
                            && now.priority() > before.priority() + 2 * TOLERANCE) {
                        report("order", l.leadId(), now, q + ": ranked after " + previous.leadId() + " (oracle p="
                                + before.priority() + ")", expected, tags);
                    }
                    previous = l;
                }
            });
        }

        private static JsonNode json(String payload) {
            try {
                return JSON.readTree(payload);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("unreadable payload " + payload, e);
            }
        }

        int mismatches() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }

        private void report(String category, String lead, QueueOracle.Expected e, String redis, QueueOracle.Result r,
                Map<String, List<String>> tags) {
            int seen = counts.merge(category, 1, Integer::sum);
            if (!category.equals("priority off") && !category.equals("order")) {
                everyLead.add(category + " " + lead + " " + tags.getOrDefault(lead, List.of()));
            }
            if (seen > EXAMPLES_PER_CATEGORY) {
                return;
            }
            QueueOracle.LeadOutcome o = r.leads().get(lead);
            String oracleSays = e != null
                    ? e.queue() + " p=" + e.priority() + " (readiness " + e.readiness() + ", committee " + e.committee()
                            + (e.handRaised() ? ", hand-raiser" : "") + ", account " + e.account() + ")"
                    : o == null ? "unknown lead" : "not queued (readiness " + o.readiness() + ", fit " + o.fit()
                            + (o.handRaised() ? ", hand-raiser" : "") + ", suppression " + o.suppression()
                            + ", queue " + o.queue() + ", account " + o.account() + ")";
            examples.add(category + " " + lead + ": oracle " + oracleSays + "; Redis " + (redis == null ? "none" : redis)
                    + "\n    injected: " + tags.getOrDefault(lead, List.of()) + "\n    history: " + summary(r.eventsByLead().get(lead)));
        }

        private static String summary(List<LeadEvent> events) {
            if (events == null || events.isEmpty()) {
                return "no events";
            }
            Map<String, Long> signals = events.stream().collect(Collectors.groupingBy(e -> e.signal, TreeMap::new,
                    Collectors.counting()));
            List<String> lastFew = events.subList(Math.max(0, events.size() - 6), events.size()).stream()
                    .map(e -> Instant.ofEpochMilli(e.occurredAt) + " " + e.signal
                            + (e.traits != null && e.traits.containsKey("company_domain") ? "(" + e.traits.get("company_domain")
                                    + ", " + e.traits.get("company_size") + ", " + e.traits.get("country") + ")" : "")
                            + (e.sellerId != null ? "(" + e.sellerId + ")" : ""))
                    .toList();
            return events.size() + " events " + Instant.ofEpochMilli(events.get(0).occurredAt) + " .. "
                    + Instant.ofEpochMilli(events.get(events.size() - 1).occurredAt) + " " + signals + "; last: " + lastFew;
        }
    }
}
