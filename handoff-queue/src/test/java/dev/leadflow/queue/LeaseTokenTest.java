package dev.leadflow.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaseTokenTest {

    @Test
    void tokensAreRandomAndNameTheirQueue() {
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String token = LeaseToken.create("team.emea");
            assertThat(token).matches("team\\.emea\\.[A-Za-z0-9_-]{22}");
            assertThat(LeaseToken.queueOf(token)).contains("team.emea");
            tokens.add(token);
        }
        assertThat(tokens).hasSize(1_000);
    }

    @Test
    void malformedTokensNameNoQueue() {
        assertThat(LeaseToken.queueOf(null)).isEmpty();
        assertThat(LeaseToken.queueOf("")).isEmpty();
        assertThat(LeaseToken.queueOf("no-dot")).isEmpty();
        assertThat(LeaseToken.queueOf(".random")).isEmpty();
        assertThat(LeaseToken.queueOf("queue.")).isEmpty();
    }
}
