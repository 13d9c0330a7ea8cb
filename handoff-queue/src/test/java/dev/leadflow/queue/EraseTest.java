package dev.leadflow.queue;

import static dev.leadflow.queue.Leads.enqueue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.queue.QueueChange.Type;
import dev.leadflow.testkit.Await;
import dev.leadflow.embedded.redis.RedisServer;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Erasure of one lead from every queue: nothing of it left anywhere in Redis, every other lead untouched. */
class EraseTest {

    // Uncompressed DUMPs, so that the raw bytes of every value can be searched for the lead id.
    @RegisterExtension
    static final QueueFixture REDIS = new QueueFixture(
            new RedisServerExtension(RedisServer.Options.defaults().withExtraArgs("--rdbcompression", "no")));

    private static final String Q = "default";
    private static final String EMEA = "enterprise-emea";
    private static final String OTHER = "owner-s1";
    private static final String ERASED = "lead-erased-7";
    private static final String KEPT = "lead-kept-8";
    private static final Duration LEASE = Duration.ofMinutes(5);

    @Test
    void erasingALeadWithAHistoryLeavesNothingOfItInRedis() {
        Tokens tokens = leadWithAFullHistory();
        QueuedLead keptBefore = REDIS.queue().get(Q, KEPT).orElseThrow();
        List<String> keptChangesBefore = changeIdsOf(Q, KEPT);
        Map<String, String> otherBefore = QueueState.bytes(REDIS.client(), OTHER);
        String lastIdBefore = REDIS.queue().lastChangeId(Q).orElseThrow();
        assertThat(RedisMentions.of(REDIS.client(), ERASED)).isNotEmpty();
        assertThat(dumpsContaining(ERASED)).isNotEmpty();

        List<String> purged = REDIS.queue().erase(ERASED);

        assertThat(purged).containsExactly(Q, EMEA);
        assertThat(RedisMentions.of(REDIS.client(), ERASED)).isEmpty();
        assertThat(dumpsContaining(ERASED)).isEmpty();
        // the other lead in the same queue, its history and the untouched queue are as they were
        assertThat(REDIS.queue().get(Q, KEPT)).contains(keptBefore);
        assertThat(changeIdsOf(Q, KEPT)).isEqualTo(keptChangesBefore);
        assertThat(QueueState.bytes(REDIS.client(), OTHER)).isEqualTo(otherBefore);
        assertThat(REDIS.queue().depth(Q)).isEqualTo(1);
        assertThat(REDIS.queue().claimedCount(Q)).isZero();
        // live views hear of it, after everything they may already have seen, without the lead's id
        QueueChange erase = last(REDIS.queue().changes(Q, null, 1_000));
        assertThat(erase.type()).isEqualTo(Type.ERASE);
        assertThat(erase.leadId()).isNull();
        assertThat(StreamIdOrder.compare(erase.id(), lastIdBefore)).isPositive();
        // the holders of the current and of the lapsed lease are told it is gone
        assertThat(REDIS.queue().accept(Q, ERASED, tokens.current)).isEqualTo(Outcome.NOT_CLAIMED);
        assertThat(REDIS.queue().checkLease(Q, ERASED, tokens.lapsed).outcome()).isEqualTo(Outcome.NOT_CLAIMED);
        // its version went too: the same lead coming back later starts afresh
        assertThat(REDIS.queue().apply(enqueue(Q, ERASED, "h9", 1, 5, 9_000))).isEqualTo(ApplyResult.APPLIED);
    }

    @Test
    void erasingTwiceIsANoOp() {
        leadWithAFullHistory();
        REDIS.queue().erase(ERASED);
        Map<String, Map<String, String>> before = allQueueBytes();

        assertThat(REDIS.queue().erase(ERASED)).isEmpty();

        assertThat(allQueueBytes()).isEqualTo(before);
    }

    @Test
    void erasingAnUnknownLeadWritesNothing() {
        REDIS.queue().apply(enqueue(Q, KEPT, "h1", 1, 10, 1_000));
        Map<String, Map<String, String>> before = allQueueBytes();

        assertThat(REDIS.queue().erase("lead-never-seen")).isEmpty();

        assertThat(allQueueBytes()).isEqualTo(before);
    }

    @Test
    void aLeadWhoseEveryChangeIsErasedLeavesOnlyTheEraseChange() {
        REDIS.queue().apply(enqueue(Q, ERASED, "h1", 1, 10, 1_000));
        String seen = REDIS.queue().lastChangeId(Q).orElseThrow();

        assertThat(REDIS.queue().erase(ERASED)).containsExactly(Q);

        List<QueueChange> changes = REDIS.queue().changes(Q, null, 10);
        assertThat(changes).extracting(QueueChange::type).containsExactly(Type.ERASE);
        assertThat(StreamIdOrder.compare(changes.get(0).id(), seen)).isPositive();
        // a follower that had seen the erased lead's change still gets the erase change
        assertThat(REDIS.queue().changes(Q, seen, 10)).extracting(QueueChange::type).containsExactly(Type.ERASE);
    }

    /** The lead's leases: the one it holds now and one that lapsed. */
    private record Tokens(String current, String lapsed) {
    }

    /**
     * In {@link #Q}: claimed, released, claimed and rejected; enqueued again with a new handoff, claimed under a
     * lease that lapsed, claimed again. In {@link #EMEA}: enqueued and withdrawn (closed, version kept).
     * {@link #KEPT} waits in {@link #Q} and in {@link #OTHER} all along.
     */
    private Tokens leadWithAFullHistory() {
        REDIS.queue().apply(enqueue(OTHER, KEPT, "k1", 1, 30, 500));
        REDIS.queue().apply(enqueue(Q, KEPT, "k1", 1, 10, 500));
        REDIS.queue().apply(enqueue(Q, ERASED, "h1", 1, 50, 1_000));
        Claim first = REDIS.queue().claim(Q, "alice", LEASE).orElseThrow();
        assertThat(first.leadId()).isEqualTo(ERASED);
        REDIS.queue().release(Q, ERASED, first.leaseToken());
        Claim second = REDIS.queue().claim(Q, "bob", LEASE).orElseThrow();
        REDIS.queue().reject(Q, ERASED, second.leaseToken(), "bad fit");
        REDIS.queue().apply(enqueue(Q, ERASED, "h2", 2, 60, 2_000));
        Claim lapsing = REDIS.queue().claim(Q, "carol", Duration.ofMillis(1)).orElseThrow();
        Await.until(Duration.ofSeconds(10), "the 1 ms lease to lapse",
                () -> REDIS.queue().checkLease(Q, ERASED, lapsing.leaseToken()).outcome() == Outcome.EXPIRED);
        Claim current = REDIS.queue().claim(Q, "dave", LEASE).orElseThrow();
        assertThat(current.leadId()).isEqualTo(ERASED);
        REDIS.queue().apply(enqueue(EMEA, ERASED, "h0", 1, 70, 100));
        REDIS.queue().apply(QueueAction.withdraw(EMEA, ERASED, "h0", 2));
        return new Tokens(current.leaseToken(), lapsing.leaseToken());
    }

    private Map<String, Map<String, String>> allQueueBytes() {
        Map<String, Map<String, String>> all = new java.util.TreeMap<>();
        for (String q : REDIS.queue().queues()) {
            all.put(q, QueueState.bytes(REDIS.client(), q));
        }
        return all;
    }

    private List<String> changeIdsOf(String q, String lead) {
        return REDIS.queue().changes(q, null, 10_000).stream().filter(c -> lead.equals(c.leadId())).map(QueueChange::id).toList();
    }

    /**
     * Keys whose serialized value holds the text's bytes anywhere, including entries a command no longer
     * returns (a stream entry flagged deleted by XDEL stays in its node).
     */
    private List<String> dumpsContaining(String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        return RedisMentions.keys(REDIS.client()).stream().filter(key -> indexOf(REDIS.client().dump(key), needle) >= 0).toList();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static QueueChange last(List<QueueChange> changes) {
        return changes.get(changes.size() - 1);
    }

    /** Stream ids compare by time, then sequence. */
    private static final class StreamIdOrder {
        static int compare(String a, String b) {
            String[] x = a.split("-");
            String[] y = b.split("-");
            int byTime = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
            return byTime != 0 ? byTime : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
        }
    }
}
