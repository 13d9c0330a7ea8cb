package dev.leadflow.embedded.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void startsOnAFreeLocalPortAndAnswersPing() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            assertThat(server.isRunning()).isTrue();
            assertThat(server.host()).isEqualTo("127.0.0.1");
            assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port());
            assertThat(call(server, "PING")).isEqualTo("+PONG");
            assertThat(call(server, "CONFIG", "GET", "appendonly")).startsWith("*2");
            assertThat(server.dir()).startsWith(Path.of(System.getProperty("java.io.tmpdir")));
            assertThat(server.logFile()).exists();
        }
    }

    @Test
    void closeStopsTheProcessAndDeletesItsDirectory() {
        RedisServer server = RedisServer.start();
        Path dir = server.dir();
        server.close();
        assertThat(server.isRunning()).isFalse();
        assertThat(dir).doesNotExist();
        assertThatThrownBy(() -> call(server, "PING")).isInstanceOf(IOException.class);
    }

    @Test
    void aFixedPortAndDirectoryServeANewServerWithTheOldData(@org.junit.jupiter.api.io.TempDir Path temp) throws IOException {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        RedisServer.Options options = RedisServer.Options.defaults().withAppendOnly(true)
                .withPort(port).withDir(temp.resolve("redis"));
        try (RedisServer server = RedisServer.start(options)) {
            assertThat(server.port()).isEqualTo(port);
            assertThat(call(server, "SET", "k", "v")).isEqualTo("+OK");
            // the port is taken now: a second server on it fails instead of moving elsewhere
            assertThatThrownBy(() -> RedisServer.start(options.withDir(temp.resolve("other"))))
                    .hasMessageContaining("port " + port + " is already in use");
        }
        assertThat(temp.resolve("redis")).isDirectory();
        try (RedisServer again = RedisServer.start(options)) {
            assertThat(call(again, "EXISTS", "k")).isEqualTo(":1");
        }
    }

    @Test
    void flushAllDeletesEveryKey() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            assertThat(call(server, "SET", "k", "v")).isEqualTo("+OK");
            server.flushAll();
            assertThat(call(server, "DBSIZE")).isEqualTo(":0");
        }
    }

    @Test
    void restartKeepsPortAndDirectoryAndAppendOnlyData() throws IOException {
        RedisServer.Options options = RedisServer.Options.defaults().withAppendOnly(true);
        try (RedisServer server = RedisServer.start(options)) {
            int port = server.port();
            assertThat(call(server, "SET", "k", "v")).isEqualTo("+OK");
            server.stop();
            assertThat(server.isRunning()).isFalse();
            assertThatThrownBy(() -> call(server, "PING")).isInstanceOf(IOException.class);

            server.restart();
            assertThat(server.port()).isEqualTo(port);
            assertThat(call(server, "EXISTS", "k")).isEqualTo(":1");
        }
    }

    @Test
    void killSimulatesACrashAndRestartRecoversFsyncedWrites() throws IOException {
        RedisServer.Options options = RedisServer.Options.defaults()
                .withAppendOnly(true)
                .withExtraArgs("--appendfsync", "always");
        try (RedisServer server = RedisServer.start(options)) {
            assertThat(call(server, "SET", "k", "v")).isEqualTo("+OK");
            server.kill();
            assertThat(server.isRunning()).isFalse();
            server.restart();
            assertThat(call(server, "EXISTS", "k")).isEqualTo(":1");
        }
    }

    @Test
    void withoutAppendOnlyARestartStartsEmpty() throws IOException {
        try (RedisServer server = RedisServer.start()) {
            assertThat(call(server, "SET", "k", "v")).isEqualTo("+OK");
            server.restart();
            assertThat(call(server, "DBSIZE")).isEqualTo(":0");
        }
    }

    @Test
    void passwordIsRequiredAndPartOfTheUri() throws IOException {
        try (RedisServer server = RedisServer.start(RedisServer.Options.defaults().withPassword("s3cret"))) {
            assertThat(server.uri()).isEqualTo("redis://:s3cret@127.0.0.1:" + server.port());
            assertThat(Resp.call(server.host(), server.port(), null, TIMEOUT, "PING")).startsWith("-NOAUTH");
            assertThat(Resp.call(server.host(), server.port(), "s3cret", TIMEOUT, "PING")).isEqualTo("+PONG");
            assertThatThrownBy(() -> Resp.call(server.host(), server.port(), "wrong", TIMEOUT, "PING"))
                    .hasMessageContaining("AUTH refused");
            server.flushAll();
        }
    }

    @Test
    void theBinaryShippedInTheEmbeddedRedisJarRuns() throws IOException {
        Path embedded = RedisBinary.embedded();
        assertThat(Files.isExecutable(embedded)).isTrue();
        assertThat(RedisBinary.embedded()).isEqualTo(embedded);
        try (RedisServer server = RedisServer.start(RedisServer.Options.defaults().withBinary(embedded))) {
            assertThat(call(server, "PING")).isEqualTo("+PONG");
            assertThat(server.toString()).contains(embedded.toString());
        }
    }

    @Test
    void aBadArgumentFailsFastWithTheServerLog() {
        RedisServer.Options options = RedisServer.Options.defaults().withExtraArgs("--no-such-option", "1");
        assertThatThrownBy(() -> RedisServer.start(options))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("during startup")
                .hasMessageContaining("no-such-option");
    }

    @Test
    void aMissingExplicitBinaryIsRejected() {
        RedisServer.Options options = RedisServer.Options.defaults().withBinary(Path.of("/nonexistent/redis"));
        assertThatThrownBy(() -> RedisServer.start(options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/nonexistent/redis");
    }

    private static String call(RedisServer server, String... command) throws IOException {
        return Resp.call(server.host(), server.port(), null, TIMEOUT, command);
    }
}
