package dev.leadflow.launcher.oracle;

import dev.leadflow.scoring.AccountPriority;
import dev.leadflow.scoring.Evaluation;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.LeadScorer;
import dev.leadflow.scoring.LeadState;
import dev.leadflow.scoring.model.ScoringModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the Redis queues must hold at a watermark, computed in plain Java from the input events in
 * event-time order, without Flink and without the job's operators (no IdentityStitcher,
 * LeadScoringFunction or AccountPrioritizer): its own event-time guard, de-duplication, identity
 * stitching and account roll-up around the scoring model's {@link LeadScorer}, the lead's
 * event-time timers simulated up to the watermark.
 *
 * <p>The contract it encodes (DESIGN.md): an event dated more than {@link #MAX_AHEAD} after its
 * Kafka timestamp, or before {@link #OLDEST}, never counts; an event id counts once; clicks that
 * carry only an anonymous id count for the lead the id is linked to, those before the first link
 * only the newest {@code anonymous.maxEvents} of them; each lead is scored from all its events in
 * event time; a lead that wants a handoff at the watermark is queued in its queue, with the
 * priority {@link AccountPriority} gives for its readiness, hand-raise and the number of engaged
 * leads of its account at the watermark.
 */
public final class QueueOracle {

    /** The event-time guard: how far after its Kafka timestamp an event may be dated. */
    public static final Duration MAX_AHEAD = Duration.ofMinutes(5);
    /** The event-time guard: events dated before this are absurd. */
    public static final long OLDEST = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

    /** One input event as the job reads it: the decoded event, its Kafka timestamp, its place in the input. */
    public record Arrival(LeadEvent event, long recordTimestamp, long seq) {}

    /** A lead's outcome at the watermark. */
    public record LeadOutcome(String leadId, String account, boolean wantsHandoff, String queue, int readiness,
            int fit, int engagement, boolean engaged, boolean handRaised, String suppression, int events) {}

    /** A lead the queues must hold. */
    public record Expected(String leadId, String queue, double priority, int readiness, boolean handRaised,
            int committee, String account) {}

    /** Everything the oracle decided, with counts of what it left out and why. */
    public record Result(Map<String, LeadOutcome> leads, Map<String, Expected> queued, int guarded, int duplicates,
            int unlinked, int overflow, Map<String, List<LeadEvent>> eventsByLead) {}

    private final ScoringModel model;

    public QueueOracle(ScoringModel model) {
        this.model = model;
    }

    public Result compute(List<Arrival> arrivals, long watermark) {
        // 1. the event-time guard, then one count per event id (the first arrival of it)
        List<Arrival> valid = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int guarded = 0;
        int duplicates = 0;
        List<Arrival> inOrder = new ArrayList<>(arrivals);
        inOrder.sort(Comparator.comparingLong(Arrival::seq));
        for (Arrival a : inOrder) {
            long t = a.event().occurredAt;
            if (t > a.recordTimestamp() + MAX_AHEAD.toMillis() || t < OLDEST) {
                guarded++;
            } else if (a.event().eventId != null && !seen.add(a.event().eventId)) {
                duplicates++;
            } else {
                valid.add(a);
            }
        }

        // 2. identity stitching, in event time
        Map<String, TreeMap<Long, String>> links = new HashMap<>();
        for (Arrival a : valid) {
            LeadEvent e = a.event();
            if (e.leadId != null && e.anonymousId != null) {
                links.computeIfAbsent(e.anonymousId, k -> new TreeMap<>()).merge(e.occurredAt, e.leadId, (x, y) -> y);
            }
        }
        Map<String, List<Arrival>> byLead = new HashMap<>();
        Map<String, List<Arrival>> heldByAnonymous = new HashMap<>();
        int unlinked = 0;
        for (Arrival a : valid) {
            LeadEvent e = a.event();
            if (e.leadId != null) {
                byLead.computeIfAbsent(e.leadId, k -> new ArrayList<>()).add(a);
                continue;
            }
            TreeMap<Long, String> link = e.anonymousId == null ? null : links.get(e.anonymousId);
            if (link == null) {
                unlinked++;
            } else if (e.occurredAt < link.firstKey()) {
                heldByAnonymous.computeIfAbsent(e.anonymousId, k -> new ArrayList<>()).add(a);
            } else {
                byLead.computeIfAbsent(link.floorEntry(e.occurredAt).getValue(), k -> new ArrayList<>()).add(stitched(a,
                        link.floorEntry(e.occurredAt).getValue()));
            }
        }
        int overflow = 0;
        int maxHeld = model.anonymousMaxEvents();
        for (Map.Entry<String, List<Arrival>> held : heldByAnonymous.entrySet()) {
            List<Arrival> clicks = held.getValue();
            // the newest are kept: what the person did just before identifying matters most
            clicks.sort(Comparator.comparingLong((Arrival a) -> a.event().occurredAt).thenComparingLong(Arrival::seq).reversed());
            String lead = links.get(held.getKey()).firstEntry().getValue();
            for (int i = 0; i < clicks.size(); i++) {
                if (i < maxHeld) {
                    byLead.computeIfAbsent(lead, k -> new ArrayList<>()).add(stitched(clicks.get(i), lead));
                } else {
                    overflow++;
                }
            }
        }

        // 3. every lead on its own, in event time, with its timers
        Map<String, LeadOutcome> leads = new TreeMap<>();
        Map<String, List<LeadEvent>> eventsByLead = new HashMap<>();
        Map<String, Evaluation> finals = new HashMap<>();
        LeadScorer scorer = new LeadScorer(model);
        for (Map.Entry<String, List<Arrival>> lead : byLead.entrySet()) {
            List<Arrival> events = lead.getValue();
            events.sort(Comparator.comparingLong((Arrival a) -> a.event().occurredAt).thenComparingLong(Arrival::seq));
            LeadState s = fresh(lead.getKey());
            List<LeadEvent> applied = new ArrayList<>();
            for (Arrival a : events) {
                s = fireTimers(scorer, s, a.event().occurredAt - 1);
                scorer.apply(s, a.event());
                applied.add(a.event());
            }
            s = fireTimers(scorer, s, watermark);
            eventsByLead.put(lead.getKey(), applied);
            if (s.clock == Long.MIN_VALUE) {
                continue; // forgotten (inactive for the TTL) before the watermark
            }
            Evaluation ev = scorer.evaluate(s, watermark);
            finals.put(lead.getKey(), ev);
            String account = ev.accountDomain != null ? ev.accountDomain : "lead:" + lead.getKey();
            leads.put(lead.getKey(), new LeadOutcome(lead.getKey(), account, ev.wantsHandoff, ev.queue, ev.readiness,
                    ev.fit, ev.engagement, ev.engaged, ev.handRaised, String.valueOf(ev.suppression), applied.size()));
        }

        // 4. accounts: the buying committee is the account's engaged leads at the watermark
        Map<String, Integer> committee = new HashMap<>();
        leads.values().forEach(l -> committee.merge(l.account(), l.engaged() ? 1 : 0, Integer::sum));
        Map<String, Expected> queued = new TreeMap<>();
        for (LeadOutcome l : leads.values()) {
            if (l.wantsHandoff()) {
                int engaged = committee.get(l.account());
                double priority = AccountPriority.priority(model, l.readiness(), l.engaged(), l.handRaised(), engaged);
                queued.put(l.leadId(), new Expected(l.leadId(), l.queue(), priority, l.readiness(), l.handRaised(),
                        engaged, l.account()));
            }
        }
        return new Result(leads, queued, guarded, duplicates, unlinked, overflow, eventsByLead);
    }

    /** The priority the model gives a lead of this outcome for another readiness (the tolerance band). */
    public double priorityAt(Expected e, int readiness, boolean engaged) {
        return AccountPriority.priority(model, readiness, engaged, e.handRaised(), e.committee());
    }

    /**
     * The lead's event-time timers up to {@code until}: a re-evaluation when its outcome can change
     * without an event, and forgetting it when inactive for the TTL (a fresh state then).
     */
    private static LeadState fireTimers(LeadScorer scorer, LeadState s, long until) {
        for (int guard = 0; guard < 10_000; guard++) {
            if (s.clock == Long.MIN_VALUE) {
                return s;
            }
            long expires = scorer.expiresAt(s);
            long due = Math.min(scorer.nextCheckAt(s), expires);
            if (due == Long.MAX_VALUE || due > until) {
                return s;
            }
            if (due >= expires) {
                return fresh(s.leadId);
            }
            scorer.evaluate(s, due);
        }
        throw new IllegalStateException("timers of " + s.leadId + " do not advance");
    }

    private static LeadState fresh(String leadId) {
        LeadState s = new LeadState();
        s.leadId = leadId;
        return s;
    }

    private static Arrival stitched(Arrival a, String leadId) {
        LeadEvent e = a.event().copy();
        e.leadId = leadId;
        return new Arrival(e, a.recordTimestamp(), a.seq());
    }
}
