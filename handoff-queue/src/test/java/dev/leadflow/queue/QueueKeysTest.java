package dev.leadflow.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueueKeysTest {

    @Test
    void keysFollowTheLayout() {
        QueueKeys keys = QueueKeys.of("enterprise-emea");

        assertThat(keys.queue()).isEqualTo("enterprise-emea");
        assertThat(keys.all()).containsExactly(
                "leadflow:{enterprise-emea}:ready",
                "leadflow:{enterprise-emea}:waiting",
                "leadflow:{enterprise-emea}:payload",
                "leadflow:{enterprise-emea}:meta",
                "leadflow:{enterprise-emea}:claims",
                "leadflow:{enterprise-emea}:leases",
                "leadflow:{enterprise-emea}:closed",
                "leadflow:{enterprise-emea}:events",
                "leadflow:{enterprise-emea}:sla",
                "leadflow:{enterprise-emea}:due",
                "leadflow:{enterprise-emea}:fresh",
                "leadflow:{enterprise-emea}:moves",
                "leadflow:{enterprise-emea}:outbox",
                "leadflow:{enterprise-emea}:notes",
                "leadflow:{enterprise-emea}:holders",
                "leadflow:{enterprise-emea}:available",
                "leadflow:{enterprise-emea}:assigned");
        assertThat(QueueKeys.QUEUES).doesNotContain("{");
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "owner-42", "team.emea:west", "Ünïcode"})
    void everyKeyCarriesTheQueueAsItsHashTag(String queue) {
        assertThat(QueueKeys.of(queue).all()).allSatisfy(key -> {
            assertThat(key).contains("{" + queue + "}");
            // Redis hashes the text between the FIRST '{' and the next '}'
            assertThat(key.substring(key.indexOf('{') + 1, key.indexOf('}'))).isEqualTo(queue);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a{b", "a}b", "{default}", "two words", "tab\there", "new\nline"})
    void namesThatWouldBreakTheHashTagOrUrlsAreRejected(String queue) {
        assertThatThrownBy(() -> QueueKeys.of(queue))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queue name");
    }

    @Test
    void nullIsRejected() {
        assertThatThrownBy(() -> QueueKeys.of(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
