package dev.leadflow.scoring.bench;

import dev.leadflow.scoring.Evaluation;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.LeadScorer;
import dev.leadflow.scoring.LeadState;
import dev.leadflow.scoring.model.ScoringModel;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
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
 * Throughput of {@link LeadScorer#apply} on one thread (ops/s = events/s) over a realistic month
 * of traffic for 10,000 leads: page views, tracked actions and campaign engagement with a few
 * sales activities and IDENTIFY calls. Traffic comes in sessions of a few events (about 6), 200
 * of them interleaved at any time, as visitors browse; which lead starts a session is skewed (a
 * quarter of the leads make half of the sessions, the busiest are bots). 3% of events arrive late
 * (re-stitched), 1% are duplicates; IDENTIFY repeats the lead's traits, which change in one call
 * out of ten. {@code -p sessions=10000} makes every event a different lead's, the worst case for
 * caches.
 *
 * <p>The month is pre-generated as a compact trace. Each operation turns the next entry into a
 * {@link LeadEvent} with a fresh event id and signal string, as the decoder does for every record
 * (so the strings are new and their hashes not yet computed), then applies it; the figure thus
 * includes that decoding-like work ({@link #decodeOnly} measures it alone). When the trace runs
 * out it plays again a month later with new event ids, on the same states: the steady state of a
 * running job, where leads are known and their state persists.
 *
 * <p>Run: {@code java -cp <test-classes:classes:deps> org.openjdk.jmh.Main ScorerBenchmark -f 1 -wi 2 -i 3 -t 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
/* A fixed heap, as a Flink TaskManager has; the default would resize it during the run. */
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class ScorerBenchmark {

    private static final long T0 = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;
    private static final long MONTH = 30 * 24 * HOUR;

    /** Signals (as prefix and name, joined per event like the decoder does) and their share per mille. */
    private static final String[][] SIGNALS = {
        {"page:", "pricing"}, {"page:", "product"}, {"page:", "docs"}, {"page:", "blog"}, {"page:", "careers"},
        {"page:", "integrations"}, {"page:", "home"}, {"page:", "about"}, {"track:", "form_submitted"},
        {"track:", "demo_requested"}, {"track:", "trial_started"}, {"track:", "contact_sales"},
        {"campaign:EMAIL:", "DELIVERED"}, {"campaign:EMAIL:", "OPENED"}, {"campaign:EMAIL:", "CLICKED"},
        {"campaign:WEBINAR:", "REGISTERED"}, {"campaign:WEBINAR:", "ATTENDED"}, {"campaign:CONTENT:", "DOWNLOADED"},
        {"campaign:PAID_AD:", "CLICKED"}, {"campaign:EMAIL:", "UNSUBSCRIBED"}, {"campaign:EMAIL:", "BOUNCED"},
        {"sales:", "CALL"}, {"sales:", "EMAIL_SENT"}, {"sales:", "MEETING_BOOKED"}, {"sales:", "OWNER_ASSIGNED"},
        {"sales:", "OPPORTUNITY_OPENED"}, {"sales:", "CLOSED_LOST"}, {"sales:", "HANDOFF_REJECTED"},
        {"sales:", "HANDOFF_ACCEPTED"}, {"", "identify"},
    };
    private static final int[] PER_MILLE = {
        110, 110, 110, 130, 15,
        20, 40, 15, 25,
        6, 4, 3,
        60, 150, 50,
        20, 12, 20,
        15, 5, 5,
        10, 10, 3, 3,
        1, 1, 1,
        1, 45,
    };
    private static final int IDENTIFY = SIGNALS.length - 1;
    private static final LeadEvent.Source[] SOURCES = new LeadEvent.Source[SIGNALS.length];

    static {
        for (int i = 0; i < SIGNALS.length; i++) {
            String prefix = SIGNALS[i][0];
            SOURCES[i] = prefix.startsWith("sales") ? LeadEvent.Source.SALES
                    : prefix.startsWith("campaign") ? LeadEvent.Source.CAMPAIGN : LeadEvent.Source.CLICKSTREAM;
        }
    }

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

    /** Sessions interleaved at any time. */
    @Param("200")
    public int sessions;

    private LeadScorer scorer;
    // the trace, one entry per event
    private int[] leadOf;
    private byte[] signalOf;
    private long[] timeOf;
    /** Number in the event id; a duplicate repeats an earlier one. */
    private int[] idOf;
    /** IDENTIFY traits, shared by the calls of one persona; null for other events. */
    private Map<String, String>[] traitsOf;
    private String[] leadIds;
    private String[] sellerIds;

    private LeadState[] states;
    private int cursor;
    private long pass;
    private final LeadEvent event = new LeadEvent();

    @Setup
    @SuppressWarnings("unchecked")
    public void generate() {
        scorer = new LeadScorer(ScoringModel.defaults());
        Random random = new Random(42);
        int[] cumulative = new int[PER_MILLE.length];
        int sum = 0;
        for (int i = 0; i < PER_MILLE.length; i++) {
            sum += PER_MILLE[i];
            cumulative[i] = sum;
        }
        leadOf = new int[events];
        signalOf = new byte[events];
        timeOf = new long[events];
        idOf = new int[events];
        traitsOf = new Map[events];
        leadIds = new String[leads];
        for (int i = 0; i < leads; i++) {
            leadIds[i] = "lead-" + i;
        }
        sellerIds = new String[50];
        for (int i = 0; i < sellerIds.length; i++) {
            sellerIds[i] = "seller-" + i;
        }
        Map<String, String>[] persona = new Map[leads];
        int[] sessionLead = new int[sessions];
        int[] sessionLeft = new int[sessions];
        for (int i = 0; i < events; i++) {
            int session = random.nextInt(sessions);
            if (sessionLeft[session] == 0) {
                sessionLead[session] = (int) (leads * Math.pow(random.nextDouble(), 2));
                sessionLeft[session] = 1 + (int) (-Math.log(1 - random.nextDouble()) * 5); // about 6 events
            }
            sessionLeft[session]--;
            int lead = sessionLead[session];
            long at = T0 + MONTH * i / events;
            int signal;
            if (persona[lead] == null) {
                persona[lead] = traits(random, lead);
                signal = IDENTIFY;
            } else if (i > 0 && random.nextInt(100) == 0) {
                int original = random.nextInt(i); // a duplicate (replay, re-stitch)
                copy(original, i);
                continue;
            } else {
                signal = pick(cumulative, random.nextInt(sum));
                if (random.nextInt(100) < 3) {
                    at -= random.nextInt(72) * HOUR; // late: a re-stitched anonymous click
                }
                if (signal == IDENTIFY && random.nextInt(10) == 0) {
                    persona[lead] = traits(random, lead); // changed job, company, ...
                }
            }
            leadOf[i] = lead;
            signalOf[i] = (byte) signal;
            timeOf[i] = at;
            idOf[i] = i;
            traitsOf[i] = signal == IDENTIFY ? persona[lead] : null;
        }
        states = new LeadState[leads];
        for (int i = 0; i < leads; i++) {
            states[i] = new LeadState();
        }
    }

    @Benchmark
    public Evaluation apply() {
        LeadState s = next();
        return scorer.apply(s, event);
    }

    /** The decoding-like part alone, to tell how much of the other figures it takes. */
    @Benchmark
    public LeadEvent decodeOnly() {
        next();
        return event;
    }

    /** What the Flink operator does per event: apply, then ask when to check again. */
    @Benchmark
    public long applyThenNextCheck() {
        LeadState s = next();
        scorer.apply(s, event);
        return scorer.nextCheckAt(s);
    }

    /** Decodes the next trace entry into {@link #event} and returns its lead's state. */
    private LeadState next() {
        if (cursor == leadOf.length) {
            cursor = 0;
            pass++;
        }
        int i = cursor++;
        int signal = signalOf[i];
        event.eventId = "evt-" + (pass * leadOf.length + idOf[i]);
        event.source = SOURCES[signal];
        event.signal = SIGNALS[signal][0] + SIGNALS[signal][1];
        event.occurredAt = timeOf[i] + pass * MONTH;
        event.leadId = leadIds[leadOf[i]];
        event.traits = traitsOf[i] == null ? Map.of() : traitsOf[i];
        event.sellerId = event.source == LeadEvent.Source.SALES ? sellerIds[i % sellerIds.length] : null;
        return states[leadOf[i]];
    }

    private void copy(int from, int to) {
        leadOf[to] = leadOf[from];
        signalOf[to] = signalOf[from];
        timeOf[to] = timeOf[from];
        idOf[to] = idOf[from];
        traitsOf[to] = traitsOf[from];
    }

    private static int pick(int[] cumulative, int r) {
        int i = 0;
        while (r >= cumulative[i]) {
            i++;
        }
        return i;
    }

    private static Map<String, String> traits(Random random, int lead) {
        String domain = DOMAINS[random.nextInt(DOMAINS.length)];
        Map<String, String> t = new HashMap<>();
        t.put("email", "person" + lead + "@" + domain);
        t.put("first_name", "First" + lead);
        t.put("last_name", "Last" + lead);
        t.put("title", TITLES[random.nextInt(TITLES.length)]);
        t.put("company", domain.substring(0, domain.indexOf('.')));
        t.put("company_size", SIZES[random.nextInt(SIZES.length)]);
        t.put("industry", INDUSTRIES[random.nextInt(INDUSTRIES.length)]);
        t.put("country", COUNTRIES[random.nextInt(COUNTRIES.length)]);
        return t;
    }
}
