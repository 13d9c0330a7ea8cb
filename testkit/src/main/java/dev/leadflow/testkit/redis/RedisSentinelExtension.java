package dev.leadflow.testkit.redis;

import dev.leadflow.embedded.redis.RedisSentinelGroup;
import dev.leadflow.embedded.redis.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link RedisSentinelGroup} (primary, replica, three sentinels) per test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisSentinelExtension SENTINEL = new RedisSentinelExtension();
 * }</pre>
 *
 * The group starts before the first test and is closed after the last one; a test that kills the
 * primary leaves the class with the promoted one ({@link #group()} follows it).
 */
public final class RedisSentinelExtension implements BeforeAllCallback, AfterAllCallback {

    private final RedisSentinelGroup.Options options;
    private volatile RedisSentinelGroup group;
    private volatile String startedBy;

    public RedisSentinelExtension() {
        this(RedisSentinelGroup.Options.defaults());
    }

    public RedisSentinelExtension(RedisSentinelGroup.Options options) {
        this.options = options;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (group == null) {
            group = RedisSentinelGroup.start(options);
            startedBy = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(startedBy)) {
            group.close();
            group = null;
            startedBy = null;
        }
    }

    public RedisSentinelGroup group() {
        RedisSentinelGroup current = group;
        if (current == null) {
            throw new IllegalStateException(
                    "no sentinel group: register the extension on a static field with @RegisterExtension");
        }
        return current;
    }

    /** {@code redis-sentinel://…/<master name>}: what the job and the seller API are given. */
    public String uri() {
        return group().uri();
    }

    public void flushAll() {
        group().flushAll();
    }

    /** SIGKILLs the primary; returns {@link System#nanoTime()} of the kill. */
    public long killPrimary() {
        return group().killPrimary();
    }

    /** Waits with a deadline until the sentinels have promoted the replica; returns it. */
    public RedisServer awaitPromotion(Duration timeout) {
        return group().awaitPromotion(timeout);
    }
}
