package dev.leadflow.scoring.model;

import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.VP_AT_ACME;
import static dev.leadflow.scoring.Events.campaign;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.leadflow.scoring.Durations;
import dev.leadflow.scoring.Evaluation;
import dev.leadflow.scoring.Events;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.SalesType;
import dev.leadflow.scoring.TestLead;
import dev.leadflow.scoring.TestModels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default model, loading from every kind of location, and serialization. */
public class ScoringModelTest {

    @Test
    void theDefaultModelLoadsWithTheDocumentedNumbers() {
        ScoringModel m = ScoringModel.defaults();

        assertThat(m.version()).isEqualTo("2026.2-default");
        assertThat(m.qualifyThreshold()).isEqualTo(60);
        assertThat(m.exitThreshold()).isEqualTo(45);
        assertThat(m.fitMax()).isEqualTo(40);
        assertThat(m.engagementMax()).isEqualTo(60);
        assertThat(m.horizonMillis()).isEqualTo(30 * Events.DAY);
        assertThat(m.inactiveTtlMillis()).isEqualTo(90 * Events.DAY);
        assertThat(m.anonymousRetentionMillis()).isEqualTo(30 * Events.DAY);
        assertThat(m.anonymousMaxEvents()).isEqualTo(200);
        assertThat(m.recentEventIds()).isEqualTo(256);
        assertThat(m.handRaisers()).containsExactlyInAnyOrder("track:demo_requested", "track:contact_sales",
                "track:trial_started");
        assertThat(m.handRaiseWindowMillis()).isEqualTo(7 * Events.DAY);
        assertThat(m.awaitTraitsMillis()).isEqualTo(15 * Events.MINUTE);
        assertThat(m.queuesAfterAwait()).isTrue();
        assertThat(m.touchWindowMillis()).isEqualTo(14 * Events.DAY);
        assertThat(m.cooldownMillis(SalesType.CLOSED_LOST)).isEqualTo(90 * Events.DAY);
        assertThat(m.cooldownMillis(SalesType.DISQUALIFIED)).isEqualTo(180 * Events.DAY);
        assertThat(m.cooldownMillis(SalesType.HANDOFF_REJECTED)).isEqualTo(30 * Events.DAY);
        assertThat(m.cooldownMillis(SalesType.CLOSED_WON)).isEqualTo(365 * Events.DAY);
        assertThat(m.cooldownMillis(SalesType.CALL)).isZero();
        assertThat(m.defaultQueue()).isEqualTo("default");
        assertThat(m.engagedThreshold()).isEqualTo(20);
        assertThat(m.reasonsCount()).isEqualTo(3);
        SignalRule pricing = m.signals().resolve("page:pricing");
        assertThat(pricing).isEqualTo(new SignalRule("page:pricing", 8, 3 * Events.DAY, 24, "Viewed pricing", false));
        assertThat(m.signals().resolve("campaign:WEBINAR:ATTENDED").points()).isEqualTo(15);
        assertThat(m.signals().resolve("campaign:WEBINAR:ATTENDED").halfLifeMillis()).isEqualTo(14 * Events.DAY);
        assertThat(m.signals().resolve("campaign:EMAIL:OPENED").points()).isEqualTo(1);
    }

    @Test
    void wildcardChannelsMatchOneSegmentAndExactKeysWin() {
        SignalRules rules = ScoringModel.defaults().signals();

        assertThat(rules.resolve("campaign:SOCIAL:UNSUBSCRIBED").key()).isEqualTo("campaign:*:UNSUBSCRIBED");
        assertThat(rules.resolve("campaign:NEW_CHANNEL:SPAM_REPORT").key()).isEqualTo("campaign:*:SPAM_REPORT");
        assertThat(rules.resolve("campaign::BOUNCED")).isNull();
        assertThat(rules.resolve("campaign:A:B:BOUNCED")).isNull();
        assertThat(rules.resolve("campaign:EMAIL:DELIVERED")).isNull();
        assertThat(rules.resolve(null)).isNull();
    }

    @Test
    void theSmallestModelUsesDefaultsForEverythingElse() {
        ScoringModel m = ScoringModel.fromYaml(TestModels.MINIMAL);

        assertThat(m.qualifyThreshold()).isEqualTo(60);
        assertThat(m.touchWindowMillis()).isEqualTo(14 * Events.DAY);
        assertThat(m.cooldownMillis(SalesType.DISQUALIFIED)).isEqualTo(180 * Events.DAY);
        assertThat(m.defaultQueue()).isEqualTo("default");
        assertThat(m.handRaisers()).isEmpty();
        assertThat(m.awaitTraitsMillis()).isEqualTo(15 * Events.MINUTE);
        assertThat(m.queuesAfterAwait()).isTrue();
    }

    @Test
    void noWaitForTraitsIsZeroWithOrWithoutAUnit() {
        assertThat(ScoringModel.fromYaml(TestModels.defaultYamlWith("awaitTraits: 15m", "awaitTraits: 0")).awaitTraitsMillis())
                .isZero();
        assertThat(ScoringModel.fromYaml(TestModels.defaultYamlWith("awaitTraits: 15m", "awaitTraits: 0m")).awaitTraitsMillis())
                .isZero();
        ScoringModel drop = ScoringModel.fromYaml(TestModels.defaultYamlWith("afterAwait: queue", "afterAwait: drop"));
        assertThat(drop.queuesAfterAwait()).isFalse();
    }

    @Test
    void loadsFromEveryKindOfLocation(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.yaml");
        Files.writeString(file, TestModels.MINIMAL);

        assertThat(ScoringModel.load(null)).isSameAs(ScoringModel.defaults());
        assertThat(ScoringModel.load("  ")).isSameAs(ScoringModel.defaults());
        assertThat(ScoringModel.load("classpath:" + ScoringModel.DEFAULT_RESOURCE).version()).isEqualTo("2026.2-default");
        assertThat(ScoringModel.load("classpath:/" + ScoringModel.DEFAULT_RESOURCE).version()).isEqualTo("2026.2-default");
        assertThat(ScoringModel.load(file.toString()).version()).isEqualTo("minimal");
        assertThat(ScoringModel.load(file.toUri().toString()).version()).isEqualTo("minimal");

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/model.yaml", exchange -> {
            byte[] body = TestModels.MINIMAL.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertThat(ScoringModel.load(base + "/model.yaml").version()).isEqualTo("minimal");
            assertThatThrownBy(() -> ScoringModel.load(base + "/missing.yaml"))
                    .isInstanceOf(ModelException.class)
                    .hasMessage(base + "/missing.yaml: cannot read the model (HTTP 404)");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void loadErrorsNameTheLocation(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ScoringModel.load("classpath:nope.yaml"))
                .isInstanceOf(ModelException.class)
                .hasMessage("classpath:nope.yaml: no such resource on the classpath");
        String missing = dir.resolve("missing.yaml").toString();
        assertThatThrownBy(() -> ScoringModel.load(missing))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith(missing + ": cannot read the model (java.nio.file.NoSuchFileException");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, TestModels.MINIMAL.replace("halfLife: 3d", "halfLife: 3 days"));
        assertThatThrownBy(() -> ScoringModel.load(bad.toString()))
                .isInstanceOf(ModelException.class)
                .hasMessage(bad + ": engagement.signals.\"page:pricing\".halfLife: expected a positive duration like 500ms, 30s, 15m, 2h or 90d,"
                        + " was \"3 days\"");
    }

    @Test
    void serializableRoundTripScoresTheSame() throws Exception {
        ScoringModel original = ScoringModel.defaults();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        ScoringModel copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ScoringModel) in.readObject();
        }

        assertThat(copy.version()).isEqualTo(original.version());
        assertThat(copy.fingerprint()).isEqualTo(original.fingerprint());
        LeadEvent[] events = {identify(T0, VP_AT_ACME), page("pricing", T0 + 1), campaign("EMAIL", "UNSUBSCRIBED", T0 + 2),
            Events.track("demo_requested", T0 + 3)};
        TestLead a = new TestLead(original);
        TestLead b = new TestLead(copy);
        for (LeadEvent e : events) {
            Evaluation ea = a.apply(e.copy());
            Evaluation eb = b.apply(e.copy());
            assertThat(eb).usingRecursiveComparison().isEqualTo(ea);
        }
        assertThat(b.reasons()).isEqualTo(a.reasons());
    }

    @Test
    void fingerprintFollowsContentNotFormatting() {
        ScoringModel a = ScoringModel.fromYaml(TestModels.MINIMAL);
        ScoringModel b = ScoringModel.fromYaml("# a comment\n" + TestModels.MINIMAL.replace("fit: {}", "fit:   {}"));
        ScoringModel c = ScoringModel.fromYaml(TestModels.MINIMAL.replace("points: 8", "points: 9"));

        assertThat(b.fingerprint()).isEqualTo(a.fingerprint());
        assertThat(c.fingerprint()).isNotEqualTo(a.fingerprint());
    }

    @Test
    void durations() {
        assertThat(Durations.parsePositive("3d")).isEqualTo(3 * Events.DAY);
        assertThat(Durations.parsePositive("12h")).isEqualTo(12 * Events.HOUR);
        assertThat(Durations.parsePositive("30m")).isEqualTo(30 * Events.MINUTE);
        assertThat(Durations.parsePositive("45s")).isEqualTo(45_000);
        assertThat(Durations.parsePositive("500ms")).isEqualTo(500);
        assertThat(Durations.parsePositive("0s")).isEqualTo(-1);
        assertThat(Durations.parsePositive("-1d")).isEqualTo(-1);
        assertThat(Durations.parsePositive("1.5d")).isEqualTo(-1);
        // one grammar for every duration of LeadFlow (dev.leadflow.schemas.Durations): case is ignored, ISO-8601 read
        assertThat(Durations.parsePositive("3D")).isEqualTo(3 * Events.DAY);
        assertThat(Durations.parsePositive("PT12H")).isEqualTo(12 * Events.HOUR);
        assertThat(Durations.parsePositive("PT-12H")).isEqualTo(-1);
        assertThat(Durations.format(3 * Events.DAY)).isEqualTo("3d");
        assertThat(Durations.format(36 * Events.HOUR)).isEqualTo("36h");
        assertThat(Durations.format(1500)).isEqualTo("1500ms");
    }
}
