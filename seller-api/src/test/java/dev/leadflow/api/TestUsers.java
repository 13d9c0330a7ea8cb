package dev.leadflow.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Two teams and an ops user. Team A works {@code team-a} and every {@code team-a-*} queue, team B works
 * {@code team-b}; each seller also has {@code owner-<id>}. The token of user {@code x} is {@code token-x}.
 */
final class TestUsers {

    static final String A1 = "token-a1";
    static final String A2 = "token-a2";
    static final String B1 = "token-b1";
    static final String OPS = "token-ops";

    private TestUsers() {
    }

    static Path write(Path dir) {
        String yaml = """
                users:
                  - id: a1
                    name: Ada One
                    role: seller
                    queues: [team-a, "team-a-*"]
                    tokenSha256: %s
                  - id: a2
                    name: Alan Two
                    role: seller
                    queues: [team-a]
                    tokenSha256: %s
                  - id: b1
                    name: Bea One
                    role: seller
                    queues: [team-b]
                    tokenSha256: %s
                  - id: ops
                    name: Olga Ops
                    role: ops
                    tokenSha256: %s
                """.formatted(Users.hash(A1), Users.hash(A2), Users.hash(B1), Users.hash(OPS));
        try {
            return Files.writeString(dir.resolve("users.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
