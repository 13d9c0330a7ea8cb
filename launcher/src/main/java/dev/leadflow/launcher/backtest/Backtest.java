package dev.leadflow.launcher.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.leadflow.job.JobSettings;
import dev.leadflow.launcher.Flags;
import dev.leadflow.launcher.ops.KafkaConnection;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.scoring.model.ScoringModel;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * {@code leadflow backtest}: replays a period of the input topics through the production topology once per
 * model (candidate and baseline), joins the handoffs with the period's sales outcomes and writes the
 * comparison as JSON and as a self-contained HTML page. See docs/backtest.md.
 */
public final class Backtest {

    /** Everything one backtest needs. {@code baseline} null: the default model. */
    public record Options(String candidate, String baseline, Instant from, Instant to, Duration outcomeWindow,
            String bootstrapServers, RegistryConfig registry, java.util.Map<String, String> kafkaProperties,
            int parallelism, Path html, Path json) {}

    /** The report and what it was built from (the oracle of the tests reads the handoffs). */
    public record Run(BacktestReport report, Replay.Result baseline, Replay.Result candidate, SalesOutcomes outcomes,
            Map<String, Long> firstSignals, String json, String html) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Backtest() {}

    public static int run(Flags flags, PrintStream out, PrintStream err) throws Exception {
        String candidate = flags.string("model", null);
        if (candidate == null) {
            throw new Flags.UsageException("--model <candidate.yaml> is required");
        }
        String baseline = flags.string("baseline", null);
        Instant from = day(flags.string("from", null), "from", false);
        Instant to = day(flags.string("to", null), "to", true);
        if (!from.isBefore(to)) {
            throw new Flags.UsageException("--from must lie before --to");
        }
        Duration window = flags.duration("outcome-window", Duration.ofDays(90));
        if (window.isNegative() || window.isZero()) {
            throw new Flags.UsageException("--outcome-window must be positive, e.g. 90d");
        }
        Path html = flags.path("report", Path.of("backtest.html"));
        Path json = flags.path("json", Path.of(html.toString().replaceFirst("\\.html?$", "") + ".json"));
        int parallelism = flags.integer("parallelism", Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        KafkaConnection kafka = KafkaConnection.from(flags);
        flags.requireAllUsed();
        Run r = run(new Options(candidate, baseline, from, to, window, kafka.bootstrapServers(), kafka.registry(),
                kafka.kafkaProperties(), parallelism, html, json), out);
        out.printf(Locale.ROOT, "backtest: precision %s → %s, recall %s → %s (baseline → candidate)%n",
                HtmlReport.percent(r.report().baseline().precision().value()),
                HtmlReport.percent(r.report().candidate().precision().value()),
                HtmlReport.percent(r.report().baseline().recall().value()),
                HtmlReport.percent(r.report().candidate().recall().value()));
        r.report().signals().warnings().forEach(w -> out.println("backtest: signals: " + w));
        if (!r.report().signals().diff().isEmpty()) {
            out.println("backtest: suggested changes to the baseline model (apply by hand, then backtest again):");
            r.report().signals().diff().forEach(line -> out.println("  " + line));
        }
        out.println("backtest: wrote " + html + " and " + json);
        return 0;
    }

    public static Run run(Options o, PrintStream progress) throws Exception {
        ScoringModel candidate = ScoringModel.load(o.candidate());
        ScoringModel baseline = ScoringModel.load(o.baseline());
        JobSettings s = new JobSettings();
        s.bootstrapServers = o.bootstrapServers();
        s.registryUrl = o.registry().url();
        s.registryUser = o.registry().username();
        s.registryPassword = o.registry().password();
        s.kafkaProperties = new HashMap<>(o.kafkaProperties());
        s.parallelism = o.parallelism();
        progress.printf(Locale.ROOT, "backtest: %s to %s, baseline %s, candidate %s%n", o.from(), o.to(),
                baseline.version(), candidate.version());
        long started = System.nanoTime();
        Replay.Result b = Replay.run(s, baseline, o.from(), o.to(), "baseline", progress);
        progress.printf(Locale.ROOT, "backtest: baseline handed off %,d leads (replay %.1f s)%n", b.handoffs().size(),
                (System.nanoTime() - started) / 1e9);
        started = System.nanoTime();
        Replay.Result c = Replay.run(s, candidate, o.from(), o.to(), "candidate", progress);
        progress.printf(Locale.ROOT, "backtest: candidate handed off %,d leads (replay %.1f s)%n", c.handoffs().size(),
                (System.nanoTime() - started) / 1e9);
        Properties client = new Properties();
        client.put("bootstrap.servers", o.bootstrapServers());
        client.putAll(o.kafkaProperties());
        SalesOutcomes outcomes = SalesOutcomes.read(client, o.registry(), o.from(), o.to(), o.to().plus(o.outcomeWindow()),
                progress);
        Map<String, Long> firstSignals = FirstSignals.read(client, o.registry(), o.from(), o.to(), outcomes, progress);
        BacktestReport report = BacktestReport.build(o.from(), o.to(), o.outcomeWindow().toMillis(),
                name(o.baseline()), baseline.version(), b, name(o.candidate()), candidate.version(), c, outcomes, firstSignals, baseline);
        String json = json(report);
        String html = HtmlReport.render(report);
        if (o.json() != null) {
            Files.writeString(o.json(), json, StandardCharsets.UTF_8);
        }
        if (o.html() != null) {
            Files.writeString(o.html(), html, StandardCharsets.UTF_8);
        }
        return new Run(report, b, c, outcomes, firstSignals, json, html);
    }

    /**
     * One replay of everything the input topics hold with {@code model} (the bench's {@code --backtest}): how
     * many leads it handed off.
     */
    public static int replayAll(JobSettings s, ScoringModel model, PrintStream progress) throws Exception {
        return Replay.run(s, model, Instant.EPOCH, Instant.ofEpochMilli(Long.MAX_VALUE / 2), "all", progress)
                .handoffs().size();
    }

    /** The report as the JSON document the command writes. */
    static String json(BacktestReport report) throws java.io.IOException {
        return JSON.writeValueAsString(report);
    }

    private static String name(String location) {
        return location == null || location.isBlank() ? "default model" : location;
    }

    /** {@code 2026-01-01} (the start of that day, or the end of it for --to) or an ISO instant. */
    static Instant day(String v, String flag, boolean endOfDay) {
        if (v == null) {
            throw new Flags.UsageException("--" + flag + " is required (a date like 2026-01-01 or an instant)");
        }
        try {
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new Flags.UsageException("--" + flag + " expects a date like 2026-01-01 or an instant like "
                    + "2026-01-01T00:00:00Z, got '" + v + "'");
        }
    }

}
