package dev.leadflow.launcher.demo;

import dev.leadflow.api.SellerApi;
import dev.leadflow.api.SellerApiConfig;
import dev.leadflow.api.Users;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the seller API for the demo with demo users whose tokens are new on every start: the
 * users file in the data directory holds only their SHA-256 hashes; the tokens are printed.
 */
final class SellerApiLauncher {

    /** A demo user and the token to sign in with (only its hash is written to the users file). */
    public record DemoUser(String id, String token, String description) {}

    /** The running API. */
    interface Running extends AutoCloseable {
        int port();

        List<DemoUser> users();
    }

    private record User(String id, String name, String role, List<String> queues, String description) {}

    private static final List<User> USERS = List.of(
            new User("ada", "Ada Seller", "seller", List.of("*"), "seller: works every queue"),
            new User("emma", "Emma Enterprise", "seller", List.of("enterprise-*"), "seller: enterprise-na/-emea/-apac"),
            new User("mo", "Mo Midmarket", "seller", List.of("mid-market", "default", "overflow"),
                    "seller: mid-market, default and overflow"),
            new User("ops", "Olga Ops", "ops", List.of("*"), "ops: sees every queue, claims nothing"));

    /**
     * Speed to lead in the demo (docs/speed-to-lead.md): hand-raisers are to be claimed within 5 minutes,
     * other leads within an hour; a lead past its target gets +25 priority at once and moves to the
     * {@code overflow} queue 5 minutes later. Every seller holds at most 3 leads of a queue.
     */
    static final String QUEUES = """
            # written by ./leadflow demo on every start (docs/speed-to-lead.md)
            "*":
              maxHeld: 3
              targets:
                - kind: hand-raiser
                  signals: ["track:demo_requested", "track:contact_sales", "track:trial_started"]
                  target: 5m
                - kind: other
                  target: 1h
              escalation:
                - after: 0m
                  raisePriority: 25
                - after: 5m
                  overflowTo: overflow
            overflow:
              targets: []
              escalation: []
            """;

    private SellerApiLauncher() {}

    static Running start(int port, String redisUri, String kafkaBootstrap, String registryUrl, Path dataDir)
            throws IOException {
        List<DemoUser> users = new ArrayList<>();
        StringBuilder yaml = new StringBuilder("# written by ./leadflow demo on every start; tokens are printed, only hashes kept\nusers:\n");
        for (User u : USERS) {
            String token = Users.newToken();
            users.add(new DemoUser(u.id(), token, u.description()));
            yaml.append("  - id: ").append(u.id()).append('\n')
                    .append("    name: ").append(u.name()).append('\n')
                    .append("    role: ").append(u.role()).append('\n')
                    .append("    queues: [");
            for (int i = 0; i < u.queues().size(); i++) {
                yaml.append(i == 0 ? "" : ", ").append('"').append(u.queues().get(i)).append('"');
            }
            yaml.append("]\n    tokenSha256: ").append(Users.hash(token)).append('\n');
        }
        Path usersFile = dataDir.resolve("users.yaml");
        Files.writeString(usersFile, yaml.toString(), StandardCharsets.UTF_8);
        SellerApiConfig config = SellerApiConfig.defaults(usersFile)
                .withPort(port)
                .withRedisUri(redisUri)
                .withKafka(kafkaBootstrap, Map.of())
                .withRegistry(registryUrl, null, null)
                .withQueues(Files.writeString(dataDir.resolve("queues.yaml"), QUEUES, StandardCharsets.UTF_8));
        SellerApi api = SellerApi.start(config);
        List<DemoUser> printed = List.copyOf(users);
        return new Running() {
            @Override
            public int port() {
                return api.port();
            }

            @Override
            public List<DemoUser> users() {
                return printed;
            }

            @Override
            public void close() {
                api.close();
            }
        };
    }
}
