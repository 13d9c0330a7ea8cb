package dev.leadflow.launcher.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.launcher.Flags;
import dev.leadflow.launcher.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line of {@code leadflow backtest}: bad input is refused with a message naming the problem. */
class BacktestCommandTest {

    private static String err(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void refusesIncompleteOrWrongArguments() {
        assertThat(err("backtest", "--from", "2026-01-01", "--to", "2026-02-01")).contains("--model <candidate.yaml> is required");
        assertThat(err("backtest", "--model", "m.yaml", "--to", "2026-02-01")).contains("--from is required");
        assertThat(err("backtest", "--model", "m.yaml", "--from", "2026-13-01", "--to", "2026-02-01"))
                .contains("--from expects a date like 2026-01-01");
        assertThat(err("backtest", "--model", "m.yaml", "--from", "2026-03-01", "--to", "2026-02-01"))
                .contains("--from must lie before --to");
        assertThat(err("backtest", "--model", "m.yaml", "--from", "2026-01-01", "--to", "2026-02-01", "--outcome-window", "ninety"))
                .contains("--outcome-window");
        assertThat(err("backtest", "--model", "m.yaml", "--from", "2026-01-01", "--to", "2026-02-01", "--modle", "x"))
                .contains("unknown option(s): --modle");
        assertThat(Main.usage()).contains("backtest").contains("--outcome-window 90d");
    }

    @Test
    void datesAreWholeUtcDaysAndToIsInclusive() {
        assertThat(Backtest.day("2026-01-01", "from", false)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(Backtest.day("2026-03-31", "to", true)).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(Backtest.day("2026-03-31T12:00:00Z", "to", true)).isEqualTo(Instant.parse("2026-03-31T12:00:00Z"));
        assertThat(Flags.parse(new String[] {"--outcome-window", "90d"}).duration("outcome-window", null))
                .isEqualTo(Duration.ofDays(90));
        assertThatThrownBy(() -> Flags.parse(new String[] {"--outcome-window", "1y"}).duration("outcome-window", null))
                .isInstanceOf(Flags.UsageException.class).hasMessageContaining("--outcome-window: expected a duration");
    }

    @Test
    void weeksStartOnMondayUtcAndMediansAreInHours() {
        assertThat(BacktestReport.week(Instant.parse("2026-01-11T23:59:59Z").toEpochMilli())).isEqualTo("2026-01-05");
        assertThat(BacktestReport.week(Instant.parse("2026-01-12T00:00:00Z").toEpochMilli())).isEqualTo("2026-01-12");
        assertThat(BacktestReport.medianHours(List.of(3_600_000L, 7_200_000L))).isEqualTo(1.5);
        assertThat(BacktestReport.medianHours(List.of(3_600_000L, 10_800_000L, 7_200_000L))).isEqualTo(2.0);
        assertThat(BacktestReport.medianHours(List.of())).isZero();
    }
}
