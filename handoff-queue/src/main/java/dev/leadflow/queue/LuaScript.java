package dev.leadflow.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * One queue script: {@code common.lua} followed by the script's own file. Calls go by EVALSHA with a
 * SHA-1 computed here, so nothing is loaded up front; a server that does not know the script (new, or
 * restarted, or after SCRIPT FLUSH) answers NOSCRIPT, and the script is loaded and the call repeated.
 */
final class LuaScript {

    private static final String PRELUDE = read("common.lua");

    private final String name;
    private final String source;
    private final String sha;

    private LuaScript(String name) {
        this.name = name;
        this.source = PRELUDE + "\n" + read(name + ".lua");
        this.sha = sha1(source);
    }

    static LuaScript named(String name) {
        return new LuaScript(name);
    }

    Object eval(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisDataException e) {
            if (!isNoScript(e)) {
                throw e;
            }
            load(redis, keys.get(0));
            return redis.evalsha(sha, keys, args);
        }
    }

    Response<Object> queue(AbstractPipeline pipeline, List<String> keys, List<String> args) {
        return pipeline.evalsha(sha, keys, args);
    }

    /** Loads the script on the node serving {@code sampleKey} (in a cluster each node caches its own). */
    void load(UnifiedJedis redis, String sampleKey) {
        String loaded = redis.scriptLoad(source, sampleKey);
        if (!sha.equals(loaded)) {
            throw new IllegalStateException("Redis hashed script " + name + " to " + loaded + ", expected " + sha);
        }
    }

    static boolean isNoScript(JedisDataException e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }

    @Override
    public String toString() {
        return name + ".lua@" + sha;
    }

    private static String read(String file) {
        try (InputStream in = LuaScript.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + file, e);
        }
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
