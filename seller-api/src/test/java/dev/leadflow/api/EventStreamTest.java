package dev.leadflow.api;

import dev.leadflow.testkit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The live event stream of a queue: what it sends, resuming with Last-Event-ID, and its limits. */
class EventStreamTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Streams of earlier tests may linger until a write finds them gone: each test has a queue of its own. */
    private static final AtomicInteger QUEUES = new AtomicInteger();

    @TempDir
    static Path dir;
    private static SellerApi api;
    private static ApiClient client;
    private static HandoffQueue queue;
    private String q;
    private String events;

    @BeforeAll
    static void start() {
        api = SellerApi.start(config());
        client = new ApiClient(api.port());
        queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
    }

    private static SellerApiConfig config() {
        return SellerApiConfig.defaults(TestUsers.write(dir)).withPort(0).withRedisUri(REDIS.uri())
                .withKafka("localhost:1", Map.of()).withRegistry("mock://event-stream-test", null, null);
    }

    @AfterAll
    static void stop() {
        api.close();
        queue.close();
    }

    @BeforeEach
    void ownQueue() {
        q = "team-a-" + QUEUES.incrementAndGet();
        events = "/api/v1/queues/" + q + "/events";
        TestLeads.enqueue(queue, q, "lead-0", 10);
    }

    @Test
    void changesArriveAsTheyHappenWithTheLeadButNoContact() {
        try (EventStream stream = EventStream.open(client, events, TestUsers.A1, null)) {
            assertThat(stream.status()).isEqualTo(200);
            EventStream.Event ready = stream.next(WAIT);
            assertThat(ready.name()).isEqualTo("ready");
            assertThat(ready.id()).isEqualTo(queue.lastChangeId(q).orElseThrow());

            TestLeads.enqueue(queue, q, "lead-1", 50);
            EventStream.Event enqueued = stream.next(WAIT);
            assertThat(enqueued.name()).isEqualTo("enqueue");
            assertThat(enqueued.id()).isEqualTo(queue.lastChangeId(q).orElseThrow());
            JsonNode data = enqueued.json();
            assertThat(data.path("leadId").asText()).isEqualTo("lead-1");
            assertThat(data.path("lead").path("company").asText()).isEqualTo("Acme lead-1");
            assertThat(data.path("lead").path("reasons").get(0).path("detail").asText()).startsWith("Viewed pricing");

            assertThat(client.claim(q, TestUsers.A1).status()).isEqualTo(200);
            EventStream.Event claimed = stream.next(WAIT);
            assertThat(claimed.name()).isEqualTo("claim");
            assertThat(claimed.json().path("claimant").asText()).isEqualTo("a1");
            assertThat(claimed.json().has("lead")).isFalse();
            assertThat(stream.raw()).doesNotContain("@acme.example");
        }
    }

    @Test
    void aStreamResumesAfterLastEventIdWithoutLosingOrRepeatingChanges() {
        String resumeFrom;
        try (EventStream first = EventStream.open(client, events, TestUsers.A1, null)) {
            first.next("ready", WAIT);
            TestLeads.enqueue(queue, q, "lead-1", 50);
            resumeFrom = first.next("enqueue", WAIT).id();
        }
        // while nobody listens
        TestLeads.enqueue(queue, q, "lead-2", 40);
        TestLeads.enqueue(queue, q, "lead-3", 30);

        try (EventStream resumed = EventStream.open(client, events, TestUsers.A1, resumeFrom)) {
            assertThat(resumed.next(WAIT).json().path("leadId").asText()).isEqualTo("lead-2");
            assertThat(resumed.next(WAIT).json().path("leadId").asText()).isEqualTo("lead-3");
            EventStream.Event ready = resumed.next(WAIT);
            assertThat(ready.name()).isEqualTo("ready");
            TestLeads.enqueue(queue, q, "lead-4", 20);
            assertThat(resumed.next(WAIT).json().path("leadId").asText()).isEqualTo("lead-4");
        }
    }

    @Test
    void anErasureArrivesAsAnEraseEventThatNamesNoLeadAndAResumeFromAnErasedChangeStillGetsIt() {
        String resumeFrom;
        try (EventStream stream = EventStream.open(client, events, TestUsers.A1, null)) {
            stream.next("ready", WAIT);
            TestLeads.enqueue(queue, q, "lead-gone", 50);
            resumeFrom = stream.next("enqueue", WAIT).id();

            assertThat(queue.erase("lead-gone")).contains(q);

            EventStream.Event erase = stream.next(WAIT);
            assertThat(erase.name()).isEqualTo("erase");
            assertThat(erase.id()).isEqualTo(queue.lastChangeId(q).orElseThrow());
            assertThat(erase.data()).doesNotContain("lead-gone");
            assertThat(erase.json().has("leadId")).isFalse();
            assertThat(erase.json().path("queue").asText()).isEqualTo(q);
        }
        // the change the viewer saw last is gone from the stream; the erase change still follows it
        try (EventStream resumed = EventStream.open(client, events, TestUsers.A1, resumeFrom)) {
            assertThat(resumed.next(WAIT).name()).isEqualTo("erase");
            assertThat(resumed.next(WAIT).name()).isEqualTo("ready");
        }
    }

    @Test
    void aResumePointOlderThanTheKeptChangesAsksTheClientToReload() {
        try (EventStream stream = EventStream.open(client, events, TestUsers.A1, "1-0")) {
            EventStream.Event reset = stream.next(WAIT);
            assertThat(reset.name()).isEqualTo("reset");
            assertThat(reset.id()).isEqualTo(queue.lastChangeId(q).orElseThrow());
            TestLeads.enqueue(queue, q, "lead-9", 20);
            assertThat(stream.next(WAIT).json().path("leadId").asText()).isEqualTo("lead-9");
        }
    }

    @Test
    void manyViewersOfOneQueueShareOneFeedAndEachGetsEveryChange() {
        try (EventStream a = EventStream.open(client, events, TestUsers.A1, null);
             EventStream b = EventStream.open(client, events, TestUsers.A1, null);
             EventStream ops = EventStream.open(client, events, TestUsers.OPS, null)) {
            for (EventStream s : new EventStream[] {a, b, ops}) {
                s.next("ready", WAIT);
            }
            for (int i = 1; i <= 20; i++) {
                TestLeads.enqueue(queue, q, "lead-" + i, i);
            }
            for (EventStream s : new EventStream[] {a, b, ops}) {
                for (int i = 1; i <= 20; i++) {
                    assertThat(s.next(WAIT).json().path("leadId").asText()).isEqualTo("lead-" + i);
                }
            }
        }
    }

    @Test
    void badRequestsAreRefusedBeforeTheStreamStarts() {
        ApiClient.Response noAccept = client.get(events, TestUsers.A1);
        assertThat(noAccept.status()).isEqualTo(406);
        assertThat(noAccept.error()).isEqualTo("not_acceptable");
        try (EventStream badId = EventStream.open(client, events, TestUsers.A1, "yesterday");
             EventStream unknown = EventStream.open(client, "/api/v1/queues/team-a-none/events", TestUsers.A1, null)) {
            assertThat(badId.status()).isEqualTo(400);
            assertThat(unknown.status()).isEqualTo(404);
        }
    }

    @Test
    void streamsBeyondTheLimitsGet503AndAClosedStreamFreesItsPlace() {
        try (SellerApi small = SellerApi.start(config().withLimits(SellerApiConfig.DEFAULT_BODY_LIMIT, 2, 1))) {
            ApiClient c = new ApiClient(small.port());
            TestLeads.enqueue(queue, "team-a-other", "other-0", 10);
            try (EventStream first = EventStream.open(c, events, TestUsers.A1, null)) {
                first.next("ready", WAIT);
                try (EventStream otherQueue = EventStream.open(c, "/api/v1/queues/team-a-other/events", TestUsers.A1, null)) {
                    assertThat(otherQueue.status()).as("one live queue at most").isEqualTo(503);
                }
                EventStream second = EventStream.open(c, events, TestUsers.A1, null);
                second.next("ready", WAIT);
                try (EventStream third = EventStream.open(c, events, TestUsers.OPS, null)) {
                    assertThat(third.status()).as("two streams at most").isEqualTo(503);
                }
                second.close();
                // the server notices a gone client when it next writes to it
                int[] n = {0};
                Await.until(WAIT, "the closed stream's place to be free", () -> {
                    TestLeads.enqueue(queue, q, "nudge-" + n[0]++, 1);
                    try (EventStream again = EventStream.open(c, events, TestUsers.OPS, null)) {
                        return again.status() == 200;
                    }
                });
            }
            // the last viewer of a queue gone (noticed at the next write), another queue can be followed
            int[] n = {0};
            Await.until(WAIT, "the first queue's feed to stop", () -> {
                TestLeads.enqueue(queue, q, "nudge-again-" + n[0]++, 1);
                try (EventStream other = EventStream.open(c, "/api/v1/queues/team-a-other/events", TestUsers.A1, null)) {
                    return other.status() == 200;
                }
            });
        }
    }
}
