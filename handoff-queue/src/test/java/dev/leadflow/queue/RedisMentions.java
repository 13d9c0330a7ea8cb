package dev.leadflow.queue;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Where a text stands anywhere in a Redis database: for erasure tests (the queue's own, the job's
 * sink, the end-to-end run), which must find nothing of an erased lead. Shared through this module's
 * test-jar.
 */
public final class RedisMentions {

    private RedisMentions() {}

    /** Every key name, hash field and value, set and zset member, string value, stream field and value containing {@code text}. */
    public static List<String> of(RedisClient redis, String text) {
        List<String> found = new ArrayList<>();
        for (String key : keys(redis)) {
            if (key.contains(text)) {
                found.add("key " + key);
            }
            String type = redis.type(key);
            switch (type) {
                case "hash" -> redis.hgetAll(key).forEach((f, v) -> {
                    if (f.contains(text) || v.contains(text)) {
                        found.add(key + " field " + f + "=" + v);
                    }
                });
                case "zset" -> redis.zrange(key, 0, -1).stream().filter(m -> m.contains(text))
                        .forEach(m -> found.add(key + " member " + m));
                case "set" -> redis.smembers(key).stream().filter(m -> m.contains(text))
                        .forEach(m -> found.add(key + " member " + m));
                case "string" -> {
                    if (redis.get(key).contains(text)) {
                        found.add(key + " value");
                    }
                }
                case "stream" -> {
                    for (StreamEntry e : redis.xrange(key, "-", "+")) {
                        e.getFields().forEach((f, v) -> {
                            if (f.contains(text) || v.contains(text)) {
                                found.add(key + " entry " + e.getID() + " " + f + "=" + v);
                            }
                        });
                    }
                }
                default -> found.add(key + " of unexpected type " + type);
            }
        }
        return found;
    }

    /** Every key, by SCAN. */
    public static List<String> keys(RedisClient redis) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, new ScanParams().count(500));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }
}
