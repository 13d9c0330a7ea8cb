package dev.leadflow.queue;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/** Snapshots of a queue's keys for before/after comparisons. */
final class QueueState {

    private QueueState() {
    }

    /** DUMP of every key (hex), stream included: equal snapshots mean nothing was written. */
    static Map<String, String> bytes(UnifiedJedis redis, String queue) {
        Map<String, String> dump = new LinkedHashMap<>();
        for (String key : QueueKeys.of(queue).all()) {
            byte[] value = redis.dump(key);
            dump.put(key, value == null ? null : HexFormat.of().formatHex(value));
        }
        return dump;
    }

    /**
     * The queue's state without its history and clock: the change stream and the times (and so the order) in the
     * closed set depend on when actions ran, not on what they were. Comparable across queue names.
     */
    static Map<String, Object> logical(UnifiedJedis redis, String queue) {
        QueueKeys keys = QueueKeys.of(queue);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("ready", scores(redis.zrangeWithScores(keys.ready(), 0, -1)));
        state.put("waiting", scores(redis.zrangeWithScores(keys.waiting(), 0, -1)));
        state.put("payload", new TreeMap<>(redis.hgetAll(keys.payload())));
        state.put("meta", new TreeMap<>(redis.hgetAll(keys.meta())));
        state.put("claims", scores(redis.zrangeWithScores(keys.claims(), 0, -1)));
        state.put("leases", new TreeMap<>(redis.hgetAll(keys.leases())));
        state.put("closed", new TreeSet<>(redis.zrange(keys.closed(), 0, -1)));
        return state;
    }

    private static List<String> scores(List<Tuple> tuples) {
        return tuples.stream().map(t -> t.getElement() + "=" + t.getScore()).toList();
    }
}
