package dev.leadflow.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteKeysTest {

    @TempDir
    Path dir;

    Path file(String yaml) throws IOException {
        return Files.writeString(dir.resolve("keys.yaml"), yaml);
    }

    @Test
    void theHashIsSha256InLowerCaseHex() {
        // the SHA-256 of "test", as `printf test | sha256sum` prints it
        assertThat(WriteKeys.hash("test")).isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    }

    @Test
    void keysAreFoundByTheirHashOnly() throws IOException {
        WriteKeys keys = WriteKeys.load(file("""
                keys:
                  - name: website
                    sha256: %s
                  - name: hubspot
                    kind: crm
                    sha256: %s
                    eventsPerSecond: 50
                """.formatted(WriteKeys.hash("site-key"), WriteKeys.hash("crm-key").toUpperCase())));
        assertThat(keys.find("site-key")).hasValueSatisfying(s -> {
            assertThat(s.name()).isEqualTo("website");
            assertThat(s.kind()).isEqualTo(WriteKeys.Kind.TRACKING);
        });
        assertThat(keys.find("crm-key")).hasValueSatisfying(s -> assertThat(s.kind()).isEqualTo(WriteKeys.Kind.CRM));
        assertThat(keys.find(WriteKeys.hash("site-key"))).as("the hash is not a key").isEmpty();
        assertThat(keys.find("")).isEmpty();
        assertThat(keys.find(null)).isEmpty();
    }

    @Test
    void everyMistakeIsNamedAndAKeyItselfIsNotAHash() throws IOException {
        assertThatThrownBy(() -> WriteKeys.load(file("""
                keys:
                  - name: website
                    sha256: my-plain-key
                  - name: website
                    kind: partner
                    sha256: %s
                    eventsPerSecond: 0
                    color: blue
                """.formatted(WriteKeys.hash("x")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keys[0].sha256")
                .hasMessageContaining("keys[1].name: website is named twice")
                .hasMessageContaining("keys[1].kind")
                .hasMessageContaining("keys[1].eventsPerSecond")
                .hasMessageContaining("keys[1].color: unknown key")
                .hasMessageNotContaining("my-plain-key");
        assertThatThrownBy(() -> WriteKeys.load(file("keys: []"))).hasMessageContaining("at least one key");
    }
}
