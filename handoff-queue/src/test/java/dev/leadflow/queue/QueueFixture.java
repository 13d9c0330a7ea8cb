package dev.leadflow.queue;

import dev.leadflow.testkit.redis.RedisServerExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.RedisClient;

/**
 * The queue tests' fixture: one {@code redis-server} per test class, one client to it, and before
 * each test an empty Redis and a fresh {@link HandoffQueue}.
 */
final class QueueFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private final RedisServerExtension redis;
    private RedisClient client;
    private HandoffQueue queue;

    QueueFixture() {
        this(new RedisServerExtension());
    }

    QueueFixture(RedisServerExtension redis) {
        this.redis = redis;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        redis.beforeAll(context);
        client = RedisConfig.fromUri(redis.uri()).connect();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            client.close();
        } finally {
            redis.afterAll(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        redis.flushAll();
        queue = new HandoffQueue(client);
    }

    RedisClient client() {
        return client;
    }

    HandoffQueue queue() {
        return queue;
    }

    String uri() {
        return redis.uri();
    }

    void flushAll() {
        redis.flushAll();
    }
}
