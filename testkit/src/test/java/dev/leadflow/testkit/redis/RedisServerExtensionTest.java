package dev.leadflow.testkit.redis;

import dev.leadflow.embedded.redis.Resp;
import dev.leadflow.embedded.redis.RedisServer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisServerExtensionTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static RedisServer first;

    @Test
    void startsOneServerForTheClass() throws IOException {
        remember();
        assertThat(REDIS.uri()).isEqualTo("redis://127.0.0.1:" + REDIS.port());
        assertThat(ping()).isEqualTo("+PONG");
    }

    @Test
    void everyTestSeesTheSameServer() {
        remember();
        assertThat(REDIS.server()).isSameAs(first);
    }

    @Nested
    class NestedTests {
        @Test
        void shareTheEnclosingServer() {
            remember();
            assertThat(REDIS.server()).isSameAs(first);
        }
    }

    @AfterAll
    static void serverStillRunsUntilTheExtensionStopsIt() {
        assertThat(first.isRunning()).isTrue();
    }

    private static synchronized void remember() {
        if (first == null) {
            first = REDIS.server();
        }
    }

    private static String ping() throws IOException {
        return Resp.call(REDIS.host(), REDIS.port(), null, Duration.ofSeconds(2), "PING");
    }
}
