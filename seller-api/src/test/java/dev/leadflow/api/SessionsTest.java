package dev.leadflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.testkit.redis.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-in stays current while the service runs (a real redis-server behind it): a changed users file is picked
 * up within seconds, a revoked token stops working and its open event streams are closed, and a stream ends
 * after its lifetime.
 */
class SessionsTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    Path dir;
    private SellerApi api;

    private ApiClient start(Duration streamLifetime) {
        SellerApiConfig.Sessions sessions = new SellerApiConfig.Sessions(streamLifetime, Duration.ofSeconds(30), null,
                Duration.ofMillis(200));
        api = SellerApi.start(SellerApiConfig.defaults(TestUsers.write(dir)).withPort(0).withRedisUri(REDIS.uri())
                .withSessions(sessions));
        return new ApiClient(api.port());
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aRevokedTokenStopsWorkingAndItsOpenStreamsAreClosedWithinSeconds() throws Exception {
        ApiClient client = start(Duration.ofHours(1));
        try (EventStream byHeader = EventStream.open(client, "/api/v1/queues/team-a/events", TestUsers.A2, null);
                EventStream byTicket = EventStream.open(client, "/api/v1/queues/team-a/events?ticket=" + ticket(client, TestUsers.A2),
                        null, null);
                EventStream other = EventStream.open(client, "/api/v1/queues/team-a/events", TestUsers.A1, null)) {
            byHeader.next("ready", Duration.ofSeconds(5));
            byTicket.next("ready", Duration.ofSeconds(5));
            other.next("ready", Duration.ofSeconds(5));

            // a2 leaves the users file; a1 stays
            Path users = dir.resolve("users.yaml");
            String yaml = Files.readString(users);
            int from = yaml.indexOf("  - id: a2");
            int to = yaml.indexOf("  - id: b1");
            Files.writeString(users, yaml.substring(0, from) + yaml.substring(to));

            assertThat(byHeader.awaitEnd(Duration.ofSeconds(10))).as("a2's stream (Bearer) closed").isTrue();
            assertThat(byTicket.awaitEnd(Duration.ofSeconds(10))).as("a2's stream (ticket) closed").isTrue();
            assertThat(client.get("/api/v1/me", TestUsers.A2).status()).isEqualTo(401);
            assertThat(other.awaitEnd(Duration.ofMillis(600))).as("a1's stream stays open").isFalse();
            assertThat(client.get("/api/v1/me", TestUsers.A1).status()).isEqualTo(200);
        }
    }

    @Test
    void aNewTokenWorksWithinSecondsAndAnInvalidFileKeepsTheUsersBefore() throws Exception {
        ApiClient client = start(Duration.ofHours(1));
        Path users = dir.resolve("users.yaml");
        String yaml = Files.readString(users);
        assertThat(client.get("/api/v1/me", "token-new").status()).isEqualTo(401);

        Files.writeString(users, "users: [this is not a list of users");
        Thread.sleep(600); // several reload rounds: an invalid file changes nothing
        assertThat(client.get("/api/v1/me", TestUsers.A1).status()).as("the users before stay").isEqualTo(200);

        Files.writeString(users, yaml + """
                  - id: n1
                    name: Nina New
                    role: seller
                    queues: [team-a]
                    tokenSha256: %s
                """.formatted(Users.hash("token-new")));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && (status = client.get("/api/v1/me", "token-new").status()) != 200) {
            Thread.sleep(100);
        }
        assertThat(status).as("the new user's token").isEqualTo(200);
    }

    @Test
    void aStreamEndsAfterItsLifetimeAndResumesFromItsLastEventWithANewTicket() {
        ApiClient client = start(Duration.ofSeconds(2));
        String readyId;
        try (EventStream first = EventStream.open(client, "/api/v1/queues/team-a/events?ticket=" + ticket(client, TestUsers.A1),
                null, null)) {
            readyId = first.next("ready", Duration.ofSeconds(5)).id();
            assertThat(first.awaitEnd(Duration.ofSeconds(10))).as("closed after its 2 s lifetime").isTrue();
        }
        try (EventStream second = EventStream.open(client, "/api/v1/queues/team-a/events?ticket=" + ticket(client, TestUsers.A1)
                + "&lastEventId=" + readyId, null, null)) {
            assertThat(second.status()).isEqualTo(200);
            second.next("ready", Duration.ofSeconds(5));
        }
    }

    private static String ticket(ApiClient client, String token) {
        ApiClient.Response r = client.post("/api/v1/stream-tickets", token, "");
        assertThat(r.status()).as("stream ticket: %s", r.body()).isEqualTo(200);
        return r.json().path("ticket").asText();
    }
}
