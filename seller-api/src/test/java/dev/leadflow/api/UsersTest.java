package dev.leadflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersTest {

    @TempDir
    Path dir;

    @Test
    void hashIsTheHexSha256OfTheToken() {
        // the value of the example in docs/seller-api.md, and of `printf %s test | sha256sum`
        assertThat(Users.hash("test")).isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        assertThat(Users.newToken()).startsWith("lft_").hasSizeGreaterThan(40).isNotEqualTo(Users.newToken());
    }

    @Test
    void signInFindsTheUserByTokenAndNothingElse() {
        Users users = Users.load(TestUsers.write(dir));

        assertThat(users.authenticate(TestUsers.A1)).hasValueSatisfying(u -> {
            assertThat(u.id()).isEqualTo("a1");
            assertThat(u.name()).isEqualTo("Ada One");
            assertThat(u.role()).isEqualTo(Role.SELLER);
        });
        assertThat(users.authenticate(TestUsers.OPS).orElseThrow().role()).isEqualTo(Role.OPS);
        assertThat(users.authenticate(Users.hash(TestUsers.A1))).as("the stored hash is not a token").isEmpty();
        assertThat(users.authenticate("")).isEmpty();
        assertThat(users.authenticate(null)).isEmpty();
        assertThat(users.all()).extracting(User::id).containsExactly("a1", "a2", "b1", "ops");
    }

    @Test
    void sellersWorkTheirQueuesByNameOrPatternAndAlwaysTheirOwn() {
        User a1 = new User("a1", "Ada", Role.SELLER, java.util.List.of("team-a", "team-a-*", "emea-?"));

        assertThat(a1.mayWork("team-a")).isTrue();
        assertThat(a1.mayWork("team-a-west")).isTrue();
        assertThat(a1.mayWork("emea-1")).isTrue();
        assertThat(a1.mayWork("owner-a1")).isTrue();
        assertThat(a1.mayWork("emea-12")).isFalse();
        assertThat(a1.mayWork("team-ab")).isFalse();
        assertThat(a1.mayWork("team-b")).isFalse();
        assertThat(a1.mayWork("owner-a2")).isFalse();
        assertThat(a1.maySee("team-b")).isFalse();
        assertThat(a1.namedQueues()).containsExactly("owner-a1", "team-a");
        // pattern characters of regular expressions are literal in queue patterns
        User dots = new User("d", "D", Role.SELLER, java.util.List.of("na.east*"));
        assertThat(dots.mayWork("na.east-1")).isTrue();
        assertThat(dots.mayWork("naXeast")).isFalse();
    }

    @Test
    void opsSeeEveryQueueAndWorkNone() {
        User ops = new User("o", "Ops", Role.OPS, java.util.List.of("*"));
        assertThat(ops.maySee("team-b")).isTrue();
        assertThat(ops.mayWork("team-b")).isFalse();
        assertThat(ops.mayWork("owner-o")).isFalse();
        assertThat(ops.namedQueues()).isEmpty();
    }

    @Test
    void everyMistakeInTheFileIsNamedByItsPath() throws IOException {
        Path file = Files.writeString(dir.resolve("users.yaml"), """
                users:
                  - id: a1
                    name: Ada
                    role: boss
                    queues: [team-a, "bad queue"]
                    tokenSha256: not-a-hash
                    colour: blue
                  - id: a1
                    name: Other Ada
                    role: seller
                    tokenSha256: %s
                  - name: No Id
                    role: ops
                    tokenSha256: %s
                """.formatted(Users.hash("x"), Users.hash("y")));

        assertThatThrownBy(() -> Users.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("users[0].role: must be seller or ops, was \"boss\"")
                .hasMessageContaining("users[0].queues[1]: must be a queue name or pattern")
                .hasMessageContaining("users[0].tokenSha256: must be 64 lowercase hex digits")
                .hasMessageContaining("users[0].colour: unknown key")
                .hasMessageContaining("users[2].id: required")
                .hasMessageNotContaining("not-a-hash");
    }

    @Test
    void duplicateIdsAndSharedTokensAreRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("users.yaml"), """
                users:
                  - {id: a, name: A, role: seller, tokenSha256: %1$s}
                  - {id: a, name: B, role: seller, tokenSha256: %2$s}
                  - {id: c, name: C, role: seller, tokenSha256: %1$s}
                """.formatted(Users.hash("1"), Users.hash("2")));

        assertThatThrownBy(() -> Users.load(file))
                .hasMessageContaining("users: id \"a\" appears twice")
                .hasMessageContaining("users: user \"c\" has the same tokenSha256 as another user");
    }

    @Test
    void anEmptyOrUnreadableFileIsRefused() throws IOException {
        assertThatThrownBy(() -> Users.load(Files.writeString(dir.resolve("empty.yaml"), "")))
                .hasMessageContaining("users: must be a non-empty list");
        assertThatThrownBy(() -> Users.load(Files.writeString(dir.resolve("bad.yaml"), "users: [\n  - {id: ")))
                .hasMessageContaining("not readable YAML");
        assertThatThrownBy(() -> Users.load(dir.resolve("missing.yaml"))).hasMessageContaining("not readable");
    }
}
