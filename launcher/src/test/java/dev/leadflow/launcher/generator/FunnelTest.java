package dev.leadflow.launcher.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The generator's sales outcomes follow the funnel {@link TrafficGenerator#outcomeChances} documents, per
 * persona, over a seeded history long enough in event time for opportunities and deals to happen: 200,000
 * events at one every 20 s (46 days).
 */
class FunnelTest {

    private static final long T0 = Instant.parse("2026-01-05T09:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;
    private static final double EVENTS_PER_SECOND = 0.05;

    @Test
    void outcomesFollowIntentPerPersonaWithNoiseAndNeverAheadOfTheStream() {
        TrafficGenerator g = new TrafficGenerator(11, T0, EVENTS_PER_SECOND);
        Map<String, Persona> persona = new HashMap<>();
        Map<String, Long> lastMarketing = new HashMap<>();
        Set<String> marketingTrail = new HashSet<>();
        Set<String> handRaisers = new HashSet<>();
        Set<String> opened = new HashSet<>();
        Set<String> won = new HashSet<>();
        Set<String> lost = new HashSet<>();
        long previous = T0;
        long interval = (long) (1000 / EVENTS_PER_SECOND);
        long end = 0;
        for (int i = 0; i < 200_000; i++) {
            GeneratedEvent e = g.next();
            assertThat(e.occurredAt()).as("event %d is not dated before the one before it by more than an interval", i)
                    .isGreaterThanOrEqualTo(previous - interval);
            previous = Math.max(previous, e.occurredAt());
            end = Math.max(end, e.occurredAt());
            if (e.leadId() == null) {
                continue;
            }
            persona.put(e.leadId(), e.persona());
            if (e.value() instanceof SalesActivity a) {
                SalesActivityType t = a.getType();
                if (t == SalesActivityType.OPPORTUNITY_OPENED) {
                    opened.add(e.leadId());
                } else if (t == SalesActivityType.CLOSED_WON) {
                    won.add(e.leadId());
                } else if (t == SalesActivityType.CLOSED_LOST) {
                    lost.add(e.leadId());
                } else {
                    lastMarketing.put(e.leadId(), e.occurredAt());
                }
            } else {
                marketingTrail.add(e.leadId());
                lastMarketing.put(e.leadId(), e.occurredAt());
                if (e.value() instanceof ClickEvent c && c.getType() == ClickType.TRACK
                        && (c.getName().equals("demo_requested") || c.getName().equals("contact_sales"))) {
                    handRaisers.add(e.leadId());
                }
            }
        }
        assertThat(opened).as("every closed deal was opened first").containsAll(won).containsAll(lost);

        // rates among people whose script ended at least the longest opportunity delay before the end
        long settled = end - TrafficGenerator.MAX_OPPORTUNITY_DAYS * DAY;
        Map<Persona, int[]> counts = new EnumMap<>(Persona.class); // people, opportunities
        lastMarketing.forEach((lead, last) -> {
            if (last <= settled) {
                int[] n = counts.computeIfAbsent(persona.get(lead), p -> new int[2]);
                n[0]++;
                n[1] += opened.contains(lead) ? 1 : 0;
            }
        });
        counts.forEach((p, n) -> System.out.printf("funnel: %s %d people, %d opportunities (%.1f %%)%n", p, n[0], n[1], 100 * rate(n)));
        for (Persona never : List.of(Persona.STUDENT, Persona.COMPETITOR, Persona.BOT)) {
            assertThat(counts.get(never)[0]).as("%s people", never).isGreaterThan(100);
            assertThat(counts.get(never)[1]).as("opportunities of %s", never).isZero();
        }
        // buyers: the champion (1 of 3-5) opens one for the account at 60 %, less the hand-raisers who never buy
        assertThat(rate(counts.get(Persona.BUYER))).as("buyers' opportunity rate").isBetween(0.05, 0.20);
        // evaluators: 40 % of the hand-raisers (less 1 in 5), 12 % of the others
        assertThat(rate(counts.get(Persona.EVALUATOR))).as("evaluators' opportunity rate").isBetween(0.08, 0.22);
        assertThat(rate(counts.get(Persona.RESEARCHER))).as("researchers' opportunity rate").isBetween(0.005, 0.06);
        assertThat(rate(counts.get(Persona.EVALUATOR))).isGreaterThan(3 * rate(counts.get(Persona.RESEARCHER)));

        // wins: about half of the buyers' closed deals, a third to a half of the evaluators'
        assertThat(winRate(Persona.BUYER, persona, won, lost)).isBetween(0.3, 0.7);
        assertThat(winRate(Persona.EVALUATOR, persona, won, lost)).isBetween(0.2, 0.6);

        // noise: deals won with no marketing trail at all, and hand-raisers who never bought
        assertThat(won.stream().filter(l -> persona.get(l) == Persona.DIRECT && !marketingTrail.contains(l)).count())
                .as("won deals without a marketing trail").isPositive();
        assertThat(handRaisers.stream().filter(l -> lastMarketing.get(l) <= settled && !opened.contains(l)
                && (persona.get(l) == Persona.BUYER || persona.get(l) == Persona.EVALUATOR)).count())
                .as("buyers' and evaluators' hand-raisers who never opened an opportunity").isPositive();
        assertThat(persona.keySet()).as("outcomes concern only people the stream has").containsAll(opened);
    }

    private static double rate(int[] n) {
        return n[0] == 0 ? 0 : (double) n[1] / n[0];
    }

    private static double winRate(Persona p, Map<String, Persona> persona, Set<String> won, Set<String> lost) {
        long w = won.stream().filter(l -> persona.get(l) == p).count();
        long l = lost.stream().filter(x -> persona.get(x) == p).count();
        assertThat(w + l).as("%s deals closed", p).isGreaterThan(10);
        return (double) w / (w + l);
    }
}
