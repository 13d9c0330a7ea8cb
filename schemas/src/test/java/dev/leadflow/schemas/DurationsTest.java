package dev.leadflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void aWholeNumberAndAUnitOrIso8601() {
        Map<String, Duration> valid = Map.ofEntries(
                Map.entry("500ms", Duration.ofMillis(500)), Map.entry("30s", Duration.ofSeconds(30)),
                Map.entry("15m", Duration.ofMinutes(15)), Map.entry("2h", Duration.ofHours(2)),
                Map.entry("90d", Duration.ofDays(90)), Map.entry(" 5 M ", Duration.ofMinutes(5)),
                Map.entry("0", Duration.ZERO), Map.entry("0m", Duration.ZERO),
                Map.entry("PT15M", Duration.ofMinutes(15)), Map.entry("pt1h30m", Duration.ofMinutes(90)));
        valid.forEach((text, expected) -> assertThat(Durations.parse(text)).as(text).isEqualTo(expected));
    }

    @Test
    void anythingElseIsRefusedWithTheSameMessage() {
        for (String text : new String[] {"", "5", "5 minutes", "1y", "2w", "-1d", "1.5h", "m", "1234567890d", "soon"}) {
            assertThat(Durations.tryParse(text)).as(text).isEmpty();
            assertThatThrownBy(() -> Durations.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expected a duration like 500ms, 30s, 15m, 2h or 90d, was '" + text + "'");
        }
        assertThat(Durations.tryParse(null)).isEmpty();
    }
}
