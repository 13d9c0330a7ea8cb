package dev.leadflow.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.HandoffAction;
import dev.leadflow.avro.HandoffOutcome;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.job.ItSupport;
import dev.leadflow.job.JobSettings;
import dev.leadflow.job.LeadFlowJob;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.AvroWireSerializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.Topics;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outcomes job end to end: audit records and sales activity on a real broker, the job on a MiniCluster,
 * the latest record per handoff on leadflow.handoff-outcomes compared with fates written out by hand below.
 * The two topics are produced in an order unlike event time (sales activity first, some of it dated before
 * the handoffs' audit records arrive), with a repeated record and a rebuild's repeated ENQUEUE.
 */
class HandoffOutcomesIT {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = ItSupport.cluster(1, ItSupport.clusterConfig("outcomes-it-checkpoints"));

    private static final String REGISTRY = "mock://handoff-outcomes-it";
    private static final long DAY = 86_400_000L;
    private static final long T = Instant.now().minus(Duration.ofDays(200)).toEpochMilli();

    @Test
    void everyHandoffGetsItsFateFromBothTopicsWhateverTheirOrder() throws Exception {
        KAFKA.broker().createTopics(2, Topics.HANDOFFS, Topics.SALES, Topics.HANDOFF_OUTCOMES);
        SchemaRegistryClient registry = SchemaRegistryClient.create(RegistryConfig.of(REGISTRY));
        AvroWireSerializer<LeadHandoff> audit = new AvroWireSerializer<>(registry, Topics.valueSubject(Topics.HANDOFFS), LeadHandoff.getClassSchema());
        AvroWireSerializer<SalesActivity> sales = new AvroWireSerializer<>(registry, Topics.valueSubject(Topics.SALES), SalesActivity.getClassSchema());

        List<ProducerRecord<byte[], byte[]>> salesRecords = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> auditRecords = new ArrayList<>();
        // a: accepted an hour after, called, opportunity after 20 days, won after 50
        auditRecords.add(handoff(audit, "a", "h-a", HandoffAction.ENQUEUE, T, "enterprise-na", "A1"));
        auditRecords.add(handoff(audit, "a", "h-a", HandoffAction.UPDATE, T + 1000, "enterprise-na", "A1"));
        salesRecords.add(activity(sales, "a", "s-a1", SalesActivityType.HANDOFF_ACCEPTED, T + 3_600_000, null));
        salesRecords.add(activity(sales, "a", "s-a2", SalesActivityType.CALL, T + 7_200_000, null));
        salesRecords.add(activity(sales, "a", "s-a3", SalesActivityType.OPPORTUNITY_OPENED, T + 20 * DAY, null));
        salesRecords.add(activity(sales, "a", "s-a3", SalesActivityType.OPPORTUNITY_OPENED, T + 20 * DAY, null)); // repeated
        salesRecords.add(activity(sales, "a", "s-a4", SalesActivityType.CLOSED_WON, T + 50 * DAY, null));
        // b: rejected with a reason; an opportunity after the 90-day window does not count
        auditRecords.add(handoff(audit, "b", "h-b", HandoffAction.ENQUEUE, T + DAY, "default", "B2"));
        auditRecords.add(handoff(audit, "b", "h-b", HandoffAction.ENQUEUE, T + DAY, "default", "B2")); // rebuild's repeat
        salesRecords.add(activity(sales, "b", "s-b1", SalesActivityType.HANDOFF_REJECTED, T + DAY + 60_000, "no-budget: Q3"));
        salesRecords.add(activity(sales, "b", "s-b2", SalesActivityType.OPPORTUNITY_OPENED, T + 95 * DAY, null));
        // c: withdrawn by the job, then handed off again later; the call belongs to the second handoff
        auditRecords.add(handoff(audit, "c", "h-c1", HandoffAction.ENQUEUE, T + 2 * DAY, "default", "C3"));
        auditRecords.add(handoff(audit, "c", "h-c1", HandoffAction.WITHDRAW, T + 3 * DAY, "default", "C3"));
        auditRecords.add(handoff(audit, "c", "h-c2", HandoffAction.ENQUEUE, T + 10 * DAY, "default", "B3"));
        salesRecords.add(activity(sales, "c", "s-c1", SalesActivityType.MEETING_BOOKED, T + 11 * DAY, null));
        salesRecords.add(activity(sales, "c", "s-c2", SalesActivityType.CLOSED_LOST, T + 40 * DAY, null));
        // d: sales activity before any handoff changes nothing; no handoff, no outcome
        salesRecords.add(activity(sales, "d", "s-d1", SalesActivityType.CALL, T, null));
        KAFKA.broker().send(salesRecords); // sales first: the job must wait for nothing and reorder by time
        KAFKA.broker().send(auditRecords);

        JobSettings s = new JobSettings();
        s.bootstrapServers = KAFKA.broker().bootstrapServers();
        s.registryUrl = REGISTRY;
        s.checkpointInterval = Duration.ofSeconds(1);
        s.parallelism = 1;
        s.groupId = HandoffOutcomesJob.DEFAULT_GROUP_ID;
        HandoffOutcomesJob.Settings settings = new HandoffOutcomesJob.Settings(s, HandoffOutcomesJob.DEFAULT_WINDOW);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LeadFlowJob.configure(env, s);
        HandoffOutcomesJob.defineWorkflow(env, HandoffOutcomesJob.source(s), HandoffOutcomesJob.sink(s), settings);
        JobClient job = env.executeAsync(HandoffOutcomesJob.JOB_NAME);
        try {
            // expected fates, by hand: handoff → "queue grade enq acc rej reason wd touch opp won lost"
            Map<String, String> expected = new TreeMap<>();
            expected.put("h-a", fate("enterprise-na", "A1", T, T + 3_600_000, null, null, null, T + 7_200_000, T + 20 * DAY, T + 50 * DAY, null));
            expected.put("h-b", fate("default", "B2", T + DAY, null, T + DAY + 60_000, "no-budget: Q3", null, null, null, null, null));
            expected.put("h-c1", fate("default", "C3", T + 2 * DAY, null, null, null, T + 3 * DAY, null, null, null, null));
            expected.put("h-c2", fate("default", "B3", T + 10 * DAY, null, null, null, null, T + 11 * DAY, null, null, T + 40 * DAY));

            AvroWireDeserializer<HandoffOutcome> decode = new AvroWireDeserializer<>(registry, HandoffOutcome.class);
            Map<String, String> latest = new TreeMap<>();
            Map<String, List<String>> ids = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!latest.equals(expected) && System.nanoTime() < deadline) {
                latest.clear();
                ids.clear();
                for (var r : KAFKA.broker().readAll(Topics.HANDOFF_OUTCOMES)) {
                    HandoffOutcome o = decode.deserialize(r.value());
                    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(o.getHandoffId());
                    latest.put(o.getHandoffId(), fate(o));
                    ids.computeIfAbsent(o.getHandoffId(), k -> new ArrayList<>()).add(o.getEventId());
                }
                if (!latest.equals(expected)) {
                    Thread.sleep(500);
                }
            }
            assertThat(latest).as("latest outcome per handoff").isEqualTo(expected);
            // revisions number the changes of each handoff, r1, r2, ... in the order written (how many depends on
            // the order in which the two topics were read)
            ids.forEach((handoff, list) -> {
                List<String> numbered = new ArrayList<>();
                for (int i = 1; i <= list.size(); i++) {
                    numbered.add(handoff + "-r" + i);
                }
                assertThat(list).as("event ids of %s", handoff).isEqualTo(numbered);
            });
        } finally {
            job.cancel().get();
        }
    }

    private static String fate(String queue, String grade, long enq, Long acc, Long rej, String reason, Long wd, Long touch,
            Long opp, Long won, Long lost) {
        return String.join(" ", queue, grade, String.valueOf(enq), String.valueOf(acc), String.valueOf(rej), String.valueOf(reason),
                String.valueOf(wd), String.valueOf(touch), String.valueOf(opp), String.valueOf(won), String.valueOf(lost));
    }

    private static String fate(HandoffOutcome o) {
        return fate(o.getQueue(), o.getGrade(), o.getEnqueuedAt().toEpochMilli(), millis(o.getAcceptedAt()), millis(o.getRejectedAt()),
                o.getRejectReason(), millis(o.getWithdrawnAt()), millis(o.getFirstTouchAt()), millis(o.getOpportunityAt()),
                millis(o.getWonAt()), millis(o.getLostAt()));
    }

    private static Long millis(Instant i) {
        return i == null ? null : i.toEpochMilli();
    }

    private static ProducerRecord<byte[], byte[]> handoff(AvroWireSerializer<LeadHandoff> ser, String lead, String handoff,
            HandoffAction action, long at, String queue, String grade) {
        LeadHandoff h = LeadHandoff.newBuilder().setEventId(handoff + "-" + action + "-" + at).setOccurredAt(Instant.ofEpochMilli(at))
                .setHandoffId(handoff).setLeadId(lead).setQueue(queue).setAction(action).setVersion(at).setPriority(70)
                .setReadiness(70).setFit(30).setEngagement(40).setReasons(List.of()).setModelVersion("m1")
                .setTriggerEventId("t-" + at).setGrade(grade).setAccountDomain(lead + ".example").build();
        return new ProducerRecord<>(Topics.HANDOFFS, null, at, lead.getBytes(StandardCharsets.UTF_8), ser.serialize(h));
    }

    private static ProducerRecord<byte[], byte[]> activity(AvroWireSerializer<SalesActivity> ser, String lead, String id,
            SalesActivityType type, long at, String reason) {
        SalesActivity a = SalesActivity.newBuilder().setEventId(id).setOccurredAt(Instant.ofEpochMilli(at)).setLeadId(lead)
                .setAccountDomain(null).setSellerId("s1").setType(type).setReason(reason).build();
        return new ProducerRecord<>(Topics.SALES, null, at, lead.getBytes(StandardCharsets.UTF_8), ser.serialize(a));
    }
}
