package dev.leadflow.launcher.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.model.ScoringModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The oracle itself, on scenarios small enough to check by hand. */
class QueueOracleTest {

    private static final ScoringModel MODEL = ScoringModel.defaults();
    private static final long T0 = Instant.parse("2025-03-03T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final long W = T0 + 24 * 60 * MINUTE;

    private final List<QueueOracle.Arrival> in = new ArrayList<>();
    private int ids;

    @Test
    void aLeadThatMovesAccountStaysQueuedInItsNewAccount() {
        identify("lead-1", "anon-1", T0, "a.example", "25");
        click("lead-1", "anon-1", "track:demo_requested", T0 + 2 * MINUTE);
        identify("lead-1", "anon-1", T0 + 40 * MINUTE, "b.example", "60");

        QueueOracle.Result r = new QueueOracle(MODEL).compute(in, W);

        assertThat(r.queued()).containsOnlyKeys("lead-1");
        assertThat(r.queued().get("lead-1").queue()).isEqualTo("default");
        assertThat(r.queued().get("lead-1").account()).isEqualTo("b.example");
        assertThat(r.queued().get("lead-1").handRaised()).isTrue();
    }

    @Test
    void theNewestAnonymousClicksAreKeptWhenTheBufferOverflows() {
        long t = T0 - 5 * 60 * MINUTE;
        for (int n = 0; n < MODEL.anonymousMaxEvents(); n++, t += MINUTE / 4) {
            click(null, "anon-2", "page:blog", t);
        }
        for (int n = 0; n < 3; n++, t += MINUTE) {
            click(null, "anon-2", "page:pricing", t);
        }
        identify("lead-2", "anon-2", T0, "big.example", "5000");

        QueueOracle.Result r = new QueueOracle(MODEL).compute(in, T0);

        assertThat(r.overflow()).as("the oldest blog clicks are dropped").isEqualTo(3);
        assertThat(r.queued()).as("the pricing views count: ready").containsOnlyKeys("lead-2");
        assertThat(r.leads().get("lead-2").events()).isEqualTo(MODEL.anonymousMaxEvents() + 1);
    }

    @Test
    void anEventDatedFarAfterItsKafkaTimestampNeverCounts() {
        identify("lead-3", "anon-3", T0, "big.example", "5000");
        click("lead-3", "anon-3", "track:demo_requested", T0 + MINUTE);
        LeadEvent future = event("lead-3", "anon-3", "page:pricing", Instant.parse("2099-01-01T00:00:00Z").toEpochMilli());
        in.add(new QueueOracle.Arrival(future, T0 + 2 * MINUTE, in.size()));
        click("lead-3", "anon-3", "page:docs", T0 + 3 * MINUTE);

        QueueOracle.Result r = new QueueOracle(MODEL).compute(in, W);

        assertThat(r.guarded()).isEqualTo(1);
        assertThat(r.queued()).containsOnlyKeys("lead-3");
        assertThat(r.leads().get("lead-3").events()).isEqualTo(3);
    }

    @Test
    void aDuplicateCountsOnce() {
        identify("lead-4", "anon-4", T0, "big.example", "5000");
        click("lead-4", "anon-4", "page:pricing", T0 + MINUTE);
        in.add(new QueueOracle.Arrival(in.get(1).event(), T0 + MINUTE, in.size()));

        QueueOracle.Result r = new QueueOracle(MODEL).compute(in, T0 + 2 * MINUTE);

        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.leads().get("lead-4").events()).isEqualTo(2);
    }

    private void identify(String lead, String anon, long at, String domain, String size) {
        LeadEvent e = event(lead, anon, "identify", at);
        Map<String, String> traits = new HashMap<>();
        traits.put("email", "ada@" + domain);
        traits.put("title", "VP Marketing");
        traits.put("company_domain", domain);
        traits.put("company_size", size);
        traits.put("industry", "Software");
        traits.put("country", "US");
        e.traits = traits;
        in.add(new QueueOracle.Arrival(e, at, in.size()));
    }

    private void click(String lead, String anon, String signal, long at) {
        in.add(new QueueOracle.Arrival(event(lead, anon, signal, at), at, in.size()));
    }

    private LeadEvent event(String lead, String anon, String signal, long at) {
        LeadEvent e = new LeadEvent();
        e.eventId = "e-" + ++ids;
        e.source = LeadEvent.Source.CLICKSTREAM;
        e.occurredAt = at;
        e.ingestedAt = at;
        e.leadId = lead;
        e.anonymousId = anon;
        e.signal = signal;
        return e;
    }
}
