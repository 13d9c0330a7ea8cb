package dev.leadflow.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.launcher.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code leadflow bench --events 50000} runs to the end and prints its figures; the figures are not asserted. */
class BenchTest {

    @TempDir Path dataDir;

    @Test
    void aSmallBenchRunsToCompletionAndPrintsOneWellFormedJsonLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "--events", "50000", "--latency-rate", "2000",
            "--latency-duration", "5s", "--warmup", "3s", "--history", "2h", "--data-dir", dataDir.resolve("bench").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();

        List<String> lines = printed.lines().toList();
        List<String> json = lines.stream().filter(l -> l.startsWith("{")).toList();
        assertThat(json).hasSize(1);
        JsonNode r = new ObjectMapper().readTree(json.get(0));
        for (String field : List.of("events", "floor_eps", "leadflow_eps", "ratio", "p50_ms", "p95_ms", "p99_ms",
                "max_ms", "cores", "state_backend", "buffer_timeout_ms", "checkpoint_interval_ms", "warmup_s",
                "checkpoint_full_bytes", "checkpoint_bytes", "checkpoint_ms")) {
            assertThat(r.has(field)).as(field + " in " + json.get(0)).isTrue();
        }
        assertThat(r.get("events").asLong()).isEqualTo(50_000);
        assertThat(r.get("warmup_s").asLong()).isBetween(3L, 30L);
        assertThat(r.has("jit_settled")).isTrue();
        assertThat(r.get("gc").asText()).as("this JVM's collector").isNotBlank().isNotEqualTo("unknown");
        assertThat(printed).contains("bench: warm-up: the LeadFlow job read");
        assertThat(r.get("floor_eps").asDouble()).isPositive();
        assertThat(r.get("leadflow_eps").asDouble()).isPositive();
        assertThat(r.get("latency_samples").asLong()).isPositive();
        assertThat(r.get("history_s").asLong()).isEqualTo(7200);
        assertThat(r.get("state_backend").asText()).as("the bench's default backend").isEqualTo("hashmap");
        assertThat(r.get("checkpoint_full_bytes").asLong()).as("the state of the drained leads").isPositive();
        assertThat(r.get("checkpoint_ms").asLong()).isNotNegative();
        assertThat(r.get("handoff_actions_per_1k_events").asDouble()).as("the drain queued leads").isPositive();
        assertThat(printed).contains("queue actions / 1,000 events (2.0 h history)");
        assertThat(r.get("p50_ms").asDouble()).isLessThanOrEqualTo(r.get("p99_ms").asDouble());
        assertThat(printed).contains("floor job", "LeadFlow job", "p99");
        assertThat(ProcessHandle.current().descendants()
                .filter(p -> p.isAlive() && p.info().command().orElse("").contains("redis-server")))
                .as("no redis-server child process left").isEmpty();
    }

    @Test
    void defaultParallelismIsHalfTheCores() {
        assertThat(Bench.defaultParallelism(1)).isEqualTo(1);
        assertThat(Bench.defaultParallelism(2)).isEqualTo(1);
        assertThat(Bench.defaultParallelism(8)).isEqualTo(4);
    }
}
