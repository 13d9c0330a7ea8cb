package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.job.control.Control;
import dev.leadflow.job.scoring.LeadUpdate;
import dev.leadflow.job.sink.RedisQueueWriter;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueuedLead;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.SalesType;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Random histories of a few leads that move between accounts and queues, raise hands, get touched by sellers and
 * go quiet, through lead scoring and the account prioritizer (Flink's operator harnesses), their queue actions
 * delivered to a real redis-server in a random interleaving of the prioritizer's keys (each key in order, as one
 * subtask's output is). The oracle does not look at versions: for each lead, the last action the prioritizer
 * decided, in the order it decided them, says where the job believes the lead is; Redis must show exactly that,
 * with that priority, whatever the interleaving. Also: no two actions of a lead share a version.
 */
class QueueVersionPropertyTest {

    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final long T0 = 1_780_000_000_000L;
    private static final long MINUTE = 60_000L;
    private static final String[] LEADS = {"ada", "bob", "cyd"};
    /** Company traits: two small US companies (queue default), a large German one (enterprise-emea), free mail. */
    private static final List<Map<String, String>> COMPANIES = List.of(
            Map.of("company", "Alpha", "company_domain", "alpha.example", "company_size", "25", "country", "US"),
            Map.of("company", "Beta", "company_domain", "beta.example", "company_size", "40", "country", "US"),
            Map.of("company", "Gamma", "company_domain", "gamma.example", "company_size", "5000", "country", "DE",
                    "industry", "software"),
            Map.of("country", "US"));

    private static HandoffQueue queue;
    private final ScoringModel model = ScoringModel.defaults();

    @BeforeAll
    static void connect() {
        queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
    }

    @AfterAll
    static void close() {
        queue.close();
    }

    @Test
    void redisShowsWhatThePrioritizerDecidedWhateverOrderItsKeysDeliverIn() throws Exception {
        int moves = 0;
        int queuedAtEnd = 0;
        for (int trial = 0; trial < 60; trial++) {
            Trial t = new Trial(new Random(1000 + trial));
            t.run();
            moves += t.moves;
            queuedAtEnd += t.check(trial);
        }
        assertThat(moves).as("account moves of queued leads exercised").isGreaterThan(30);
        assertThat(queuedAtEnd).as("leads queued at the end of a trial").isGreaterThan(20);
    }

    private final class Trial {
        final Random random;
        final KeyedBroadcastOperatorTestHarness<String, LeadEvent, Control, LeadUpdate> scoring;
        final KeyedBroadcastOperatorTestHarness<String, LeadUpdate, Control, HandoffCommand> accounts;
        /** The actions each prioritizer key has decided and not yet delivered, in order. */
        final Map<String, ArrayDeque<HandoffCommand>> undelivered = new LinkedHashMap<>();
        /** Per lead, every action in the order the prioritizer decided them. */
        final Map<String, List<HandoffCommand>> decided = new HashMap<>();
        final Map<String, Boolean> queued = new HashMap<>();
        int scored;
        int moves;
        long now = T0;

        Trial(Random random) throws Exception {
            this.random = random;
            REDIS.flushAll();
            scoring = Harnesses.scoring(model);
            accounts = Harnesses.accounts(model);
        }

        void run() throws Exception {
            for (int step = 0; step < 40; step++) {
                String lead = LEADS[random.nextInt(LEADS.length)];
                now += random.nextInt(90) * MINUTE;
                LeadEvent e = randomEvent(lead);
                boolean wasQueued = queued.getOrDefault(lead, false);
                boolean identify = e.signal.equals("identify");
                scoring.processElement(e, now);
                if (random.nextInt(8) == 0) {
                    // time passes with no event: decay, refresh and window timers fire
                    now += random.nextInt(3 * 24 * 60) * MINUTE;
                    scoring.processWatermark(new Watermark(now));
                }
                decide();
                moves += wasQueued && identify ? 1 : 0;
                deliverSome();
            }
            while (!allDelivered()) {
                deliverSome();
            }
            scoring.close();
            accounts.close();
        }

        LeadEvent randomEvent(String lead) {
            int kind = random.nextInt(10);
            LeadEvent e = Events.scored(lead, lead + "-" + now + "-" + kind, null, now);
            if (kind <= 2) {
                e.signal = "identify";
                e.traits = new HashMap<>(COMPANIES.get(random.nextInt(COMPANIES.size())));
                String domain = e.traits.getOrDefault("company_domain", "gmail.com");
                e.traits.put("email", lead + "@" + domain);
                e.traits.put("title", random.nextBoolean() ? "VP Engineering" : "Engineer");
            } else if (kind <= 4) {
                e.signal = "page:pricing";
            } else if (kind == 5) {
                e.signal = "track:demo_requested";
            } else if (kind == 6) {
                e.signal = "campaign:WEBINAR:ATTENDED";
                e.source = LeadEvent.Source.CAMPAIGN;
            } else if (kind == 7) {
                e.signal = "page:integrations";
            } else {
                SalesType type = kind == 8 ? SalesType.OWNER_ASSIGNED : SalesType.CALL;
                e.source = LeadEvent.Source.SALES;
                e.signal = type.signal();
                e.sellerId = "s" + random.nextInt(2);
            }
            return e;
        }

        /** Feeds scoring's new updates to the prioritizer, one at a time, and files its actions under their key. */
        void decide() throws Exception {
            List<LeadUpdate> updates = scoring.extractOutputValues();
            for (LeadUpdate u : updates.subList(scored, updates.size())) {
                int before = accounts.extractOutputValues().size();
                accounts.processElement(u, u.at);
                List<HandoffCommand> out = accounts.extractOutputValues();
                for (HandoffCommand c : out.subList(before, out.size())) {
                    // an account's actions come from the subtask that holds that account: one FIFO per key
                    undelivered.computeIfAbsent(u.accountKey, k -> new ArrayDeque<>()).add(c);
                    decided.computeIfAbsent(c.leadId, k -> new ArrayList<>()).add(c);
                    queued.put(c.leadId, c.action != HandoffCommand.Action.WITHDRAW);
                }
            }
            scored = updates.size();
        }

        void deliverSome() {
            List<String> keys = new ArrayList<>(undelivered.keySet());
            for (int i = 0; i < 3 && !keys.isEmpty(); i++) {
                ArrayDeque<HandoffCommand> fifo = undelivered.get(keys.get(random.nextInt(keys.size())));
                for (int n = random.nextInt(3); n > 0 && !fifo.isEmpty(); n--) {
                    queue.apply(RedisQueueWriter.toAction(fifo.poll()));
                }
            }
        }

        boolean allDelivered() {
            return undelivered.values().stream().allMatch(ArrayDeque::isEmpty);
        }

        int check(int trial) {
            int queuedLeads = 0;
            Set<String> queues = queue.queues();
            for (String lead : LEADS) {
                List<HandoffCommand> all = decided.getOrDefault(lead, List.of());
                Set<Long> versions = new HashSet<>();
                for (HandoffCommand c : all) {
                    assertThat(versions.add(c.version)).as("trial %d: %s reuses version %d", trial, lead, c.version).isTrue();
                }
                HandoffCommand last = all.isEmpty() ? null : all.get(all.size() - 1);
                Map<String, QueuedLead> inRedis = new HashMap<>();
                for (String q : queues) {
                    queue.get(q, lead).ifPresent(l -> inRedis.put(q, l));
                }
                if (last == null || last.action == HandoffCommand.Action.WITHDRAW) {
                    assertThat(inRedis).as("trial %d: %s is in no queue (history %s)", trial, lead, all).isEmpty();
                } else {
                    queuedLeads++;
                    assertThat(inRedis.keySet()).as("trial %d: %s is only in %s (history %s)", trial, lead, last.queue, all)
                            .containsExactly(last.queue);
                    assertThat(inRedis.get(last.queue).priority()).as("trial %d: %s's priority", trial, lead)
                            .isEqualTo(last.priority);
                }
            }
            return queuedLeads;
        }
    }
}
