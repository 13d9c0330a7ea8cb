package dev.leadflow.testkit.redis;

import dev.leadflow.embedded.redis.RedisServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link RedisServer} per test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServerExtension REDIS = new RedisServerExtension();
 * }</pre>
 *
 * The server starts before the first test and is closed after the last one. {@code @Nested} classes
 * share the enclosing class's server. Tests that need a clean database call {@link #flushAll()}.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

    private final RedisServer.Options options;
    private volatile RedisServer server;
    private volatile String startedBy;

    public RedisServerExtension() {
        this(RedisServer.Options.defaults());
    }

    public RedisServerExtension(RedisServer.Options options) {
        this.options = options;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (server == null) {
            server = RedisServer.start(options);
            startedBy = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(startedBy)) {
            server.close();
            server = null;
            startedBy = null;
        }
    }

    public RedisServer server() {
        RedisServer current = server;
        if (current == null) {
            throw new IllegalStateException(
                    "no Redis server: register the extension on a static field with @RegisterExtension");
        }
        return current;
    }

    public String host() {
        return server().host();
    }

    public int port() {
        return server().port();
    }

    public String uri() {
        return server().uri();
    }

    public void flushAll() {
        server().flushAll();
    }
}
