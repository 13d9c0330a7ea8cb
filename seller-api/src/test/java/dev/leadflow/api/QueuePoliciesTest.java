package dev.leadflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueuePoliciesTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    private static Instant berlin(String localDateTime) {
        return java.time.LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
    }

    @Test
    void businessHoursSkipNightsAndWeekends() {
        BusinessHours hours = BusinessHours.parse("Mon-Thu 09:00-17:30; Fri 09:00-15:00", BERLIN);
        // Friday 2026-12-04 14:30: 30 min left that day, the remaining 30 min on Monday from 09:00
        assertThat(hours.plus(berlin("2026-12-04T14:30"), Duration.ofHours(1))).isEqualTo(berlin("2026-12-07T09:30"));
        // queued Saturday night: the clock starts Monday 09:00
        assertThat(hours.plus(berlin("2026-12-05T23:00"), Duration.ofMinutes(5))).isEqualTo(berlin("2026-12-07T09:05"));
        // within one day
        assertThat(hours.plus(berlin("2026-12-07T10:00"), Duration.ofMinutes(5))).isEqualTo(berlin("2026-12-07T10:05"));
        // and back: counted time between
        assertThat(hours.between(berlin("2026-12-04T14:30"), berlin("2026-12-07T09:30"))).isEqualTo(Duration.ofHours(1));
        assertThat(hours.between(berlin("2026-12-07T09:30"), berlin("2026-12-04T14:30"))).isZero();
    }

    @Test
    void businessHoursFollowDaylightSaving() {
        BusinessHours hours = BusinessHours.parse("Mon-Sun 00:00-24:00", BERLIN);
        // the night of 2026-03-29 has 23 hours in Berlin; all-day hours count real time
        Instant start = berlin("2026-03-28T12:00");
        assertThat(hours.plus(start, Duration.ofHours(24))).isEqualTo(start.plus(Duration.ofHours(24)));
        BusinessHours nine = BusinessHours.parse("Mon-Fri 09:00-10:00", BERLIN);
        assertThat(nine.plus(berlin("2026-03-27T09:30"), Duration.ofMinutes(45))).isEqualTo(berlin("2026-03-30T09:15"));
    }

    @Test
    void badBusinessHoursAreNamed() {
        assertThatThrownBy(() -> BusinessHours.parse("Mon-Fri 17:00-09:00", BERLIN)).hasMessageContaining("ends before");
        assertThatThrownBy(() -> BusinessHours.parse("Funday 09:00-17:00", BERLIN)).hasMessageContaining("not a day");
        assertThatThrownBy(() -> BusinessHours.parse("Mon-Fri 9-17", BERLIN)).hasMessageContaining("not a time");
    }

    @Test
    void kindsAreRecognisedByTheReasonsSignalsAndDeadlinesFollowTheSteps() throws Exception {
        QueuePolicies policies = parse("""
                "*": {maxHeld: 5}
                default:
                  targets:
                    - {kind: hand-raiser, signals: ["track:demo_requested"], target: 5m}
                    - {kind: other, target: 1h}
                  escalation:
                    - {after: 2m, raisePriority: 10}
                    - {after: 10m, overflowTo: overflow, notify: true}
                """);
        QueuePolicies.Policy p = policies.of("default");
        assertThat(p.maxHeld()).isEqualTo(5);
        assertThat(policies.of("elsewhere").maxHeld()).isEqualTo(5);
        assertThat(QueuePolicies.defaults().of("x").maxHeld()).isEqualTo(3);
        String payload = SpeedToLeadTest.payload("default", "l1", 1, 0, "track:demo_requested");
        assertThat(p.kindOf(ResponseTargets.signals(payload)).name()).isEqualTo("hand-raiser");
        assertThat(p.kindOf(Set.of("page:pricing")).name()).isEqualTo("other");
        assertThat(p.kindOf(ResponseTargets.signals("not json")).name()).isEqualTo("other");
        // the breach is step 1 (records only, as no step is at 0), then the two configured steps
        assertThat(p.deadlines(p.kindOf(Set.of("track:demo_requested")), 1_000_000)).containsExactly(
                1_000_000 + 300_000L, 1_000_000 + 420_000L, 1_000_000 + 900_000L);
    }

    @Test
    void everyBadSettingIsNamed() {
        assertThatThrownBy(() -> parse("""
                default:
                  maxHeld: -1
                  targets:
                    - {kind: "", target: soon}
                  escalation:
                    - {after: 5m}
                    - {after: 1m, overflowTo: "a b"}
                  webhook: {url: "ftp://x", secret: short, format: xml}
                  colour: blue
                """)).hasMessageContainingAll("queues.default.maxHeld", "queues.default.targets[0].kind",
                "queues.default.targets[0].target", "queues.default.escalation[0].: does nothing",
                "queues.default.escalation[1].after", "queues.default.escalation[1].overflowTo",
                "queues.default.webhook.url", "queues.default.webhook.secret", "queues.default.webhook.format",
                "queues.default.colour: unknown key");
        assertThatThrownBy(() -> parse("default: {targets: [{kind: any, target: 1m}], escalation: [{overflowTo: default}]}"))
                .hasMessageContaining("cannot overflow into itself");
    }

    @Test
    void theConfigFileTakesQueuesInlineOrFromAFile() throws Exception {
        Path users = TestUsers.write(dir);
        Path file = Files.writeString(dir.resolve("api.yaml"), """
                usersFile: users.yaml
                queues:
                  team-a: {maxHeld: 1}
                """);
        assertThat(SellerApiConfig.load(file, Map.of()).queuePolicies().of("team-a").maxHeld()).isEqualTo(1);
        Path queues = Files.writeString(dir.resolve("queues.yaml"), "team-a: {maxHeld: 2}\n");
        assertThat(SellerApiConfig.load(null, Map.of("LEADFLOW_API_USERS_FILE", users.toString(),
                "LEADFLOW_API_QUEUES_FILE", queues.toString(), "LEADFLOW_API_ESCALATION_INTERVAL", "250ms"))
                .queuePolicies()).satisfies(p -> {
                    assertThat(p.of("team-a").maxHeld()).isEqualTo(2);
                    assertThat(p.interval()).isEqualTo(Duration.ofMillis(250));
                });
    }

    private QueuePolicies parse(String yaml) throws Exception {
        JsonNode node = YAML.readTree(yaml);
        List<String> errors = new ArrayList<>();
        QueuePolicies policies = QueuePolicies.parse(node, dir, errors);
        Yaml.failIfAny("queues", errors);
        return policies;
    }
}
