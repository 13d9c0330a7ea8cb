package dev.leadflow.scoring.bench;

import dev.leadflow.scoring.Evaluation;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.LeadScorer;
import dev.leadflow.scoring.LeadState;
import dev.leadflow.scoring.ScoringModel;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of {@link LeadScorer#apply} on one thread (ops/s = events/s), over a pre-generated,
 * realistic month of traffic for 10,000 leads: page views, tracked actions and campaign engagement
 * with a few sales activities and IDENTIFY calls, skewed so that a few leads (and bots) are very
 * active; 3% of events arrive late (re-stitched), 1% are duplicates.
 *
 * <p>Each event gets its own strings, as a freshly decoded record would. When the events run out,
 * every lead starts again from empty state (a replay), so state never outgrows a month.
 *
 * <p>Run: {@code java -cp <test-classes:classes:deps> org.openjdk.jmh.Main ScorerBenchmark -f 1 -wi 2 -i 3 -t 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class ScorerBenchmark {

    private static final long T0 = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;
    private static final long MONTH = 30 * 24 * HOUR;

    /** Signals and their share of events (per mille), roughly a B2B SaaS web + marketing mix. */
    private static final String[] SIGNALS = {
        "page:pricing", "page:product", "page:docs", "page:blog", "page:careers", "page:integrations",
        "page:home", "page:about", "track:form_submitted", "track:demo_requested", "track:trial_started",
        "track:contact_sales", "campaign:EMAIL:DELIVERED", "campaign:EMAIL:OPENED", "campaign:EMAIL:CLICKED",
        "campaign:WEBINAR:REGISTERED", "campaign:WEBINAR:ATTENDED", "campaign:CONTENT:DOWNLOADED",
        "campaign:PAID_AD:CLICKED", "campaign:EMAIL:UNSUBSCRIBED", "campaign:EMAIL:BOUNCED", "sales:CALL",
        "sales:EMAIL_SENT", "sales:MEETING_BOOKED", "sales:OWNER_ASSIGNED", "sales:OPPORTUNITY_OPENED",
        "sales:CLOSED_LOST", "sales:HANDOFF_REJECTED", "sales:HANDOFF_ACCEPTED", "identify",
    };
    private static final int[] PER_MILLE = {
        110, 110, 110, 130, 15, 20,
        40, 15, 25, 6, 4,
        3, 60, 150, 50,
        20, 12, 20,
        15, 5, 5, 10,
        10, 3, 3, 1,
        1, 1, 1, 45,
    };
    private static final String[] TITLES = {"VP of Sales", "Head of Engineering", "IT Manager", "Software Engineer",
        "Marketing Coordinator", "CEO", "Student", "Director of Operations"};
    private static final String[] DOMAINS = {"acme.com", "globex.io", "initech.com", "gmail.com", "umbrella.de",
        "mit.edu", "hooli.com", "rivalscore.io"};
    private static final String[] COUNTRIES = {"US", "DE", "GB", "FR", "JP", "BR", "CA", "NL"};
    private static final String[] SIZES = {"25", "120", "450", "1200", "5000-10000", "10k+"};
    private static final String[] INDUSTRIES = {"Software", "Retail", "Financial Services", "Healthcare", "Media"};

    @Param("10000")
    public int leads;

    @Param("500000")
    public int events;

    private LeadScorer scorer;
    private LeadEvent[] stream;
    private int[] leadOf;
    private LeadState[] states;
    private int cursor;

    @Setup
    public void generate() {
        scorer = new LeadScorer(ScoringModel.defaults());
        Random random = new Random(42);
        int[] cumulative = new int[PER_MILLE.length];
        int sum = 0;
        for (int i = 0; i < PER_MILLE.length; i++) {
            sum += PER_MILLE[i];
            cumulative[i] = sum;
        }
        stream = new LeadEvent[events];
        leadOf = new int[events];
        boolean[] identified = new boolean[leads];
        for (int i = 0; i < events; i++) {
            // skewed activity: a quarter of the leads make most of the traffic
            int lead = (int) (leads * Math.pow(random.nextDouble(), 2));
            long at = T0 + MONTH * i / events;
            LeadEvent e;
            if (!identified[lead]) {
                identified[lead] = true;
                e = identify(random, lead, at);
            } else if (i > 0 && random.nextInt(100) == 0) {
                int original = random.nextInt(i); // a duplicate (replay, re-stitch)
                e = stream[original].copy();
                lead = leadOf[original];
            } else {
                String signal = SIGNALS[pick(cumulative, random.nextInt(sum))];
                if (random.nextInt(100) < 3) {
                    at -= random.nextInt(72) * HOUR; // late: re-stitched anonymous click
                }
                e = signal.equals("identify") ? identify(random, lead, at) : event(signal, lead, at, random);
            }
            e.eventId = e.eventId == null ? "evt-" + i : e.eventId;
            stream[i] = e;
            leadOf[i] = lead;
        }
        resetStates();
    }

    @Benchmark
    public Evaluation apply() {
        if (cursor == stream.length) {
            resetStates();
        }
        int i = cursor++;
        return scorer.apply(states[leadOf[i]], stream[i]);
    }

    /** What the Flink operator does per event: apply, then ask when to check again. */
    @Benchmark
    public long applyThenNextCheck() {
        if (cursor == stream.length) {
            resetStates();
        }
        int i = cursor++;
        LeadState s = states[leadOf[i]];
        scorer.apply(s, stream[i]);
        return scorer.nextCheckAt(s);
    }

    private void resetStates() {
        states = new LeadState[leads];
        for (int i = 0; i < leads; i++) {
            states[i] = new LeadState();
        }
        cursor = 0;
    }

    private static int pick(int[] cumulative, int r) {
        int i = 0;
        while (r >= cumulative[i]) {
            i++;
        }
        return i;
    }

    private static LeadEvent event(String signal, int lead, long at, Random random) {
        LeadEvent e = new LeadEvent();
        e.leadId = "lead-" + lead;
        e.occurredAt = at;
        e.ingestedAt = at;
        e.signal = new String(signal); // a decoded record's own string, hash not yet computed
        if (signal.startsWith("sales:")) {
            e.source = LeadEvent.Source.SALES;
            e.sellerId = "seller-" + random.nextInt(50);
        } else if (signal.startsWith("campaign:")) {
            e.source = LeadEvent.Source.CAMPAIGN;
            e.name = "campaign-" + random.nextInt(20);
        } else {
            e.source = LeadEvent.Source.CLICKSTREAM;
            e.name = signal.substring(signal.indexOf(':') + 1);
            e.anonymousId = "anon-" + lead;
        }
        return e;
    }

    private static LeadEvent identify(Random random, int lead, long at) {
        LeadEvent e = event("identify", lead, at, random);
        String domain = DOMAINS[random.nextInt(DOMAINS.length)];
        e.traits.put("email", "person" + lead + "@" + domain);
        e.traits.put("first_name", "First" + lead);
        e.traits.put("last_name", "Last" + lead);
        e.traits.put("title", TITLES[random.nextInt(TITLES.length)]);
        e.traits.put("company", domain.substring(0, domain.indexOf('.')));
        e.traits.put("company_size", SIZES[random.nextInt(SIZES.length)]);
        e.traits.put("industry", INDUSTRIES[random.nextInt(INDUSTRIES.length)]);
        e.traits.put("country", COUNTRIES[random.nextInt(COUNTRIES.length)]);
        return e;
    }
}
