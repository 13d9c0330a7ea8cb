package dev.leadflow.launcher.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.job.ingest.EventMapper;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.Evaluation;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.LeadScorer;
import dev.leadflow.scoring.LeadState;
import dev.leadflow.scoring.model.ScoringModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrafficGeneratorTest {

    private static final long T0 = Instant.parse("2025-03-03T09:00:00Z").toEpochMilli();

    @Test
    void theSameSeedGivesTheSameEventsAndAnotherSeedOtherOnes() {
        List<String> a = render(new TrafficGenerator(7, T0, 100), 3_000);
        List<String> b = render(new TrafficGenerator(7, T0, 100), 3_000);
        List<String> c = render(new TrafficGenerator(8, T0, 100), 3_000);
        assertThat(a).isEqualTo(b);
        assertThat(c).isNotEqualTo(a);
        // ids are unique, and another seed never reuses a lead id
        assertThat(new HashSet<>(a)).hasSize(a.size());
        Set<String> leadsA = leadIds(new TrafficGenerator(7, T0, 100), 3_000);
        Set<String> leadsC = leadIds(new TrafficGenerator(8, T0, 100), 3_000);
        leadsA.retainAll(leadsC);
        assertThat(leadsA).isEmpty();
    }

    @Test
    void eventTimesFollowTheRateAndEveryStreamAndPersonaAppears() {
        TrafficGenerator g = new TrafficGenerator(1, T0, 50);
        Map<String, Integer> topics = new HashMap<>();
        Set<Persona> personas = new HashSet<>();
        long last = 0;
        for (int i = 0; i < 20_000; i++) {
            GeneratedEvent e = g.next();
            assertThat(e.occurredAt()).isEqualTo(T0 + i * 20L);
            topics.merge(e.topic(), 1, Integer::sum);
            personas.add(e.persona());
            last = e.occurredAt();
        }
        assertThat(last).isEqualTo(T0 + 19_999 * 20L);
        assertThat(topics).containsOnlyKeys(Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES);
        assertThat(topics.get(Topics.CLICKSTREAM)).isGreaterThan(topics.get(Topics.CAMPAIGN));
        assertThat(personas).containsExactlyInAnyOrder(Persona.values());
    }

    @Test
    void theFirstLeadAsksForADemoWithinAFewEvents() {
        TrafficGenerator g = new TrafficGenerator(99, T0, 20);
        int at = -1;
        for (int i = 0; i < 100 && at < 0; i++) {
            GeneratedEvent e = g.next();
            if (e.value() instanceof ClickEvent c && c.getName().equals("demo_requested")) {
                at = i;
            }
        }
        assertThat(at).isBetween(0, 40);
    }

    /**
     * The personas score as they should with the default model: buyers become marketing-qualified
     * and are handed off, students, competitors and bots never are. Scored with {@link LeadScorer}
     * directly, anonymous clicks stitched to their lead once it identifies.
     */
    @Test
    void buyersBecomeQualifiedStudentsCompetitorsAndBotsNever() {
        LeadScorer scorer = new LeadScorer(ScoringModel.defaults());
        TrafficGenerator g = new TrafficGenerator(2025, T0, 200);
        Map<String, LeadState> states = new HashMap<>();
        Map<String, Persona> personaOf = new HashMap<>();
        Set<String> qualified = new HashSet<>();
        Set<String> handedOff = new HashSet<>();
        Map<String, List<LeadEvent>> anonymous = new HashMap<>();
        Map<String, String> linked = new HashMap<>();
        for (int i = 0; i < 60_000; i++) {
            GeneratedEvent ge = g.next();
            LeadEvent e = toLeadEvent(ge);
            List<LeadEvent> toScore = new ArrayList<>();
            if (e.leadId == null) {
                String lead = linked.get(e.anonymousId);
                if (lead == null) {
                    anonymous.computeIfAbsent(e.anonymousId, k -> new ArrayList<>()).add(e);
                    continue;
                }
                e.leadId = lead;
                toScore.add(e);
            } else {
                if (e.anonymousId != null) {
                    linked.put(e.anonymousId, e.leadId);
                    for (LeadEvent held : anonymous.getOrDefault(e.anonymousId, List.of())) {
                        held.leadId = e.leadId;
                        toScore.add(held);
                    }
                    anonymous.remove(e.anonymousId);
                }
                toScore.add(e);
            }
            for (LeadEvent s : toScore) {
                personaOf.put(s.leadId, ge.persona());
                LeadState state = states.computeIfAbsent(s.leadId, id -> {
                    LeadState fresh = new LeadState();
                    fresh.leadId = id;
                    return fresh;
                });
                Evaluation ev = scorer.apply(state, s);
                if (ev.qualified) {
                    qualified.add(s.leadId);
                }
                if (ev.wantsHandoff) {
                    handedOff.add(s.leadId);
                }
            }
        }
        Map<Persona, int[]> byPersona = new EnumMap<>(Persona.class); // leads, qualified, handed off
        for (Map.Entry<String, Persona> e : personaOf.entrySet()) {
            int[] n = byPersona.computeIfAbsent(e.getValue(), p -> new int[3]);
            n[0]++;
            n[1] += qualified.contains(e.getKey()) ? 1 : 0;
            n[2] += handedOff.contains(e.getKey()) ? 1 : 0;
        }
        int[] buyers = byPersona.get(Persona.BUYER);
        assertThat(buyers[0]).as("buyers").isGreaterThan(100);
        assertThat(buyers[1]).as("qualified buyers of " + buyers[0]).isGreaterThanOrEqualTo(buyers[0] * 8 / 10);
        assertThat(buyers[2]).as("handed-off buyers of " + buyers[0]).isGreaterThanOrEqualTo(buyers[0] * 8 / 10);
        int[] evaluators = byPersona.get(Persona.EVALUATOR);
        assertThat(evaluators[2]).as("some evaluators are handed off").isGreaterThan(evaluators[0] / 5);
        for (Persona never : List.of(Persona.STUDENT, Persona.COMPETITOR, Persona.BOT)) {
            int[] n = byPersona.get(never);
            assertThat(n[0]).as(never + " leads").isGreaterThan(10);
            assertThat(n[1]).as(never + " qualified").isZero();
            assertThat(n[2]).as(never + " handed off").isZero();
        }
        int[] researchers = byPersona.get(Persona.RESEARCHER);
        assertThat(researchers[2]).as("researchers are rarely ready").isLessThan(researchers[0] / 5);
    }

    private static LeadEvent toLeadEvent(GeneratedEvent e) {
        if (e.value() instanceof ClickEvent c) {
            return EventMapper.fromClick(c, e.occurredAt());
        }
        if (e.value() instanceof CampaignEngagement c) {
            return EventMapper.fromCampaign(c, e.occurredAt());
        }
        return EventMapper.fromSales((SalesActivity) e.value(), e.occurredAt());
    }

    private static List<String> render(TrafficGenerator g, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GeneratedEvent e = g.next();
            out.add(e.topic() + " " + e.key() + " " + e.value());
        }
        return out;
    }

    private static Set<String> leadIds(TrafficGenerator g, int n) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            GeneratedEvent e = g.next();
            if (e.leadId() != null) {
                ids.add(e.leadId());
            }
        }
        return ids;
    }
}
