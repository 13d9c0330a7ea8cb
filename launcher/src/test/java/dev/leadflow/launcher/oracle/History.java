package dev.leadflow.launcher.oracle;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.Channel;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.avro.EngagementAction;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.job.ingest.EventMapper;
import dev.leadflow.launcher.generator.GeneratedEvent;
import dev.leadflow.launcher.generator.TrafficGenerator;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.model.ScoringModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;

/**
 * A realistic input history for the queue oracle: three days of {@link TrafficGenerator} traffic
 * (fixed seed, ending at a fixed instant), then deterministically roughened the way production
 * traffic is: account moves, owner changes, sales touches and rejections for leads that are queued,
 * events out of order within minutes, late events (hours behind the watermark), exact duplicates,
 * one event dated 2099, anonymous sessions longer than the stitching buffer. It ends with one
 * marker event per partition of every input topic at {@link #T_END}, which pushes the watermark of
 * every split to the same end.
 *
 * <p>Each input has the time it is produced at ({@code produceAt}): its event time, later for the
 * shuffled and the late ones. The history is produced in {@link #CHUNKS} slices of produce time, so
 * that the job reads it roughly as a live stream would arrive, not one topic's backlog before another's.
 */
final class History {

    static final Instant T_END = Instant.parse("2025-03-06T00:00:00Z");
    static final long END = T_END.toEpochMilli();
    static final long HISTORY_END = END - Duration.ofHours(2).toMillis();
    static final long HISTORY_START = HISTORY_END - Duration.ofDays(3).toMillis();
    static final int CHUNKS = 8;
    static final long CHUNK_MS = (HISTORY_END - HISTORY_START) / CHUNKS;
    static final int PARTITIONS = 2;
    static final List<String> INPUT_TOPICS = List.of(Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES);

    private static final long SEED = 20250306L;
    private static final int GENERATED_EVENTS = 60_000;
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long FUTURE = Instant.parse("2099-01-01T00:00:00Z").toEpochMilli();

    /** One record to produce: where to, with which Kafka timestamp, and when in the history. */
    record Input(String topic, Integer partition, String key, SpecificRecord value, long occurredAt,
            long recordTimestamp, long produceAt, long seq) {

        int chunk() {
            if (produceAt >= END) {
                return CHUNKS - 1;
            }
            return (int) Math.max(0, Math.min(CHUNKS - 1, (produceAt - HISTORY_START) / CHUNK_MS));
        }

        LeadEvent event() {
            if (value instanceof ClickEvent c) {
                return EventMapper.fromClick(c, recordTimestamp);
            }
            if (value instanceof CampaignEngagement c) {
                return EventMapper.fromCampaign(c, recordTimestamp);
            }
            return EventMapper.fromSales((SalesActivity) value, recordTimestamp);
        }

        QueueOracle.Arrival arrival() {
            return new QueueOracle.Arrival(event(), recordTimestamp, seq);
        }
    }

    final List<Input> inputs = new ArrayList<>();
    /** What was done to which lead, for the failure report. */
    final Map<String, List<String>> tags = new TreeMap<>();
    final Map<String, Integer> counts = new TreeMap<>();
    private final Random random = new Random(SEED);
    private long seq;
    private long ids;

    private History() {}

    /** The oracle's watermark for this history: the markers' time less the job's out-of-orderness bound. */
    static long watermark(Duration outOfOrderness) {
        return END - outOfOrderness.toMillis() - 1;
    }

    static History build(ScoringModel model, long watermark) {
        History h = new History();
        h.generate();
        // which leads are queued at the end is what the roughening aims at
        QueueOracle.Result base = new QueueOracle(model).compute(h.arrivals(), watermark);
        h.roughen(base);
        h.crafted();
        h.markers();
        h.inputs.sort(Comparator.comparingLong(Input::produceAt).thenComparingLong(Input::seq));
        return h;
    }

    List<QueueOracle.Arrival> arrivals() {
        return inputs.stream().map(Input::arrival).toList();
    }

    List<Input> chunk(int c) {
        return inputs.stream().filter(i -> i.chunk() == c).toList();
    }

    // ---------------------------------------------------------------------------------------------

    private void generate() {
        double rate = GENERATED_EVENTS / ((HISTORY_END - HISTORY_START) / 1000.0);
        TrafficGenerator generator = new TrafficGenerator(SEED, HISTORY_START, rate);
        while (true) {
            GeneratedEvent e = generator.next();
            if (e.occurredAt() >= HISTORY_END) {
                break;
            }
            add(e.topic(), null, e.key(), e.value(), e.occurredAt(), e.occurredAt(), e.occurredAt());
        }
        counts.put("generated events", inputs.size());
        counts.put("generated people", (int) generator.people());
    }

    /** Anomalies on the generated traffic, aimed at the leads that the untouched history queues. */
    private void roughen(QueueOracle.Result base) {
        Map<String, ClickEvent> identifies = new HashMap<>();
        Map<String, Long> lastEvent = new HashMap<>();
        Map<String, Long> lastHandRaise = new HashMap<>();
        for (Input i : inputs) {
            if (i.value() instanceof ClickEvent c && c.getLeadId() != null) {
                if (c.getType() == ClickType.IDENTIFY) {
                    identifies.putIfAbsent(c.getLeadId(), c);
                }
                if (c.getType() == ClickType.TRACK && List.of("demo_requested", "contact_sales", "trial_started").contains(c.getName())) {
                    lastHandRaise.merge(c.getLeadId(), i.occurredAt(), Math::max);
                }
            }
            String lead = i.event().leadId;
            if (lead != null) {
                lastEvent.merge(lead, i.occurredAt(), Math::max);
            }
        }
        List<String> queued = new ArrayList<>(new TreeSet<>(base.queued().keySet()));
        queued.removeIf(l -> !identifies.containsKey(l));
        java.util.Collections.shuffle(queued, random);
        int next = 0;

        // account moves: to another company of the same size and country (same queue: the WITHDRAW
        // and the ENQUEUE meet in one Redis queue), and to one of another size (another queue)
        for (int k = 0; k < 36 && next < queued.size(); k++, next++) {
            String lead = queued.get(next);
            ClickEvent id = identifies.get(lead);
            boolean otherQueue = k % 3 == 2;
            Map<String, String> traits = new HashMap<>(id.getTraits());
            if (!traits.containsKey("company_domain")) {
                k--;
                continue;
            }
            String domain = "moved" + k + "-" + traits.get("company_domain");
            traits.put("company_domain", domain);
            traits.put("company", "Moved" + k);
            traits.put("email", "moved." + lead + "@" + domain);
            if (otherQueue) {
                traits.put("company_size", isLarge(traits.get("company_size")) ? "350" : "5000");
            }
            long at = after(lastEvent.get(lead));
            add(Topics.CLICKSTREAM, null, lead, click(lead, id.getAnonymousId(), ClickType.IDENTIFY, "identify", at, traits),
                    at, at, at);
            tag(lead, otherQueue ? "account move to another queue" : "account move, same queue", at);
        }
        SalesActivityType[] feedback = {SalesActivityType.OWNER_ASSIGNED, SalesActivityType.CALL, SalesActivityType.HANDOFF_REJECTED};
        for (SalesActivityType type : feedback) {
            for (int k = 0; k < 20 && next < queued.size(); k++, next++) {
                String lead = queued.get(next);
                long at = after(lastEvent.get(lead));
                String seller = type == SalesActivityType.OWNER_ASSIGNED ? "oracle" + k : "s" + (1 + k % 12);
                add(Topics.SALES, null, lead, sales(lead, type, seller, type == SalesActivityType.HANDOFF_REJECTED ? "not now" : null, at),
                        at, at, at);
                tag(lead, "sales " + type, at);
            }
        }

        // one event stamped in the future (2099) in the middle of a queued hand-raiser's history,
        // with a normal Kafka timestamp; the lead's real events go on after it. In the last chunk, so
        // that the checks after the earlier chunks report whatever it does to the job.
        for (; next < queued.size(); next++) {
            String lead = queued.get(next);
            Long raised = lastHandRaise.get(lead);
            if (raised != null && raised < HISTORY_END - 2 * HOUR && raised > HISTORY_START + (CHUNKS - 1) * CHUNK_MS) {
                long produced = raised + 30_000;
                ClickEvent id = identifies.get(lead);
                add(Topics.CLICKSTREAM, null, lead, click(lead, id.getAnonymousId(), ClickType.PAGE, "pricing", FUTURE, Map.of()),
                        FUTURE, produced, produced);
                long real = raised + 20 * MINUTE;
                add(Topics.CLICKSTREAM, null, lead, click(lead, id.getAnonymousId(), ClickType.PAGE, "docs", real, Map.of()),
                        real, real, real);
                tag(lead, "event dated 2099 (Kafka timestamp " + Instant.ofEpochMilli(produced) + "), then real events", produced);
                next++;
                break;
            }
        }

        // out of order within minutes, late by hours, duplicated: on the generated traffic
        int shuffled = 0;
        int late = 0;
        int duplicated = 0;
        int generated = inputs.size();
        for (int n = 0; n < generated; n++) {
            Input i = inputs.get(n);
            boolean identify = i.value() instanceof ClickEvent c && c.getType() == ClickType.IDENTIFY;
            boolean anonymous = i.event().leadId == null;
            if (i.occurredAt() >= FUTURE || identify) {
                continue;
            }
            int r = random.nextInt(1000);
            if (!anonymous && r < 40) {
                inputs.set(n, delayed(i, 30_000 + random.nextInt(270_000)));
                shuffled++;
            } else if (!anonymous && r < 44) {
                long by = HOUR + (long) random.nextInt(9) * HOUR;
                Input d = delayed(i, by);
                inputs.set(n, d);
                tag(i.event().leadId, "late by " + by / HOUR + " h: " + i.event().signal, d.produceAt());
                late++;
            } else if (r < 49) {
                long at = i.produceAt() + random.nextInt(180_000);
                add(i.topic(), i.partition(), i.key(), i.value(), i.occurredAt(), i.recordTimestamp(), at);
                if (!anonymous) {
                    tag(i.event().leadId, "duplicate of " + i.event().signal, at);
                }
                duplicated++;
            }
        }
        counts.put("shuffled (minutes)", shuffled);
        counts.put("late (hours)", late);
        counts.put("duplicates", duplicated);
    }

    /**
     * Leads scripted exactly: the account-move repro (small company A, a demo request, then small
     * company B: both route to the default queue), and anonymous sessions longer than the stitching
     * buffer whose newest clicks make the lead ready (held in chunk 0, identified in chunk 2).
     */
    private void crafted() {
        for (int k = 0; k < 6; k++) {
            String lead = "lead-oracle-move-" + k;
            String anon = "anon-oracle-move-" + k;
            long t0 = HISTORY_START + HOUR + k * 11 * HOUR;
            add(Topics.CLICKSTREAM, null, lead, click(lead, anon, ClickType.IDENTIFY, "identify", t0,
                    traits("Ada", "VP Marketing", "small-a" + k + ".example", "25", "US")), t0, t0, t0);
            long raised = t0 + 2 * MINUTE;
            add(Topics.CLICKSTREAM, null, lead, click(lead, anon, ClickType.TRACK, "demo_requested", raised, Map.of()),
                    raised, raised, raised);
            long moved = t0 + 40 * MINUTE;
            add(Topics.CLICKSTREAM, null, lead, click(lead, anon, ClickType.IDENTIFY, "identify", moved,
                    traits("Ada", "VP Marketing", "small-b" + k + ".example", "60", "US")), moved, moved, moved);
            tag(lead, "repro: small company A, demo_requested, then small company B (both queue default)", t0);
        }
        int max = 200;
        for (int k = 0; k < 3; k++) {
            String lead = "lead-oracle-stitch-" + k;
            String anon = "anon-oracle-stitch-" + k;
            long t = HISTORY_START + 30 * MINUTE + k * 7 * MINUTE;
            for (int n = 0; n < max; n++, t += MINUTE) {
                add(Topics.CLICKSTREAM, null, anon, click(null, anon, ClickType.PAGE, "blog", t, Map.of()), t, t, t);
            }
            for (int n = 0; n < 10; n++, t += MINUTE) {
                add(Topics.CLICKSTREAM, null, anon, click(null, anon, ClickType.PAGE, "pricing", t, Map.of()), t, t, t);
            }
            long identified = HISTORY_START + 2 * CHUNK_MS + HOUR;
            add(Topics.CLICKSTREAM, null, lead, click(lead, anon, ClickType.IDENTIFY, "identify", identified,
                    traits("Grace", "VP of Engineering", "stitch" + k + ".example", "5000", "US")), identified, identified, identified);
            tag(lead, "repro: " + max + " anonymous blog clicks then 10 pricing (chunk 0), identified in chunk 2", identified);
        }
    }

    /** One event per partition of every input topic at T_END: every split's watermark reaches the end. */
    private void markers() {
        for (int p = 0; p < PARTITIONS; p++) {
            String lead = "marker-" + p;
            add(Topics.CLICKSTREAM, p, lead, click(lead, "anon-" + lead, ClickType.PAGE, "home", END, Map.of()), END, END, END);
            CampaignEngagement c = new CampaignEngagement();
            c.setEventId("oracle-" + ++ids);
            c.setOccurredAt(T_END);
            c.setLeadId(lead);
            c.setCampaignId("cmp-marker");
            c.setChannel(Channel.EMAIL);
            c.setAction(EngagementAction.DELIVERED);
            add(Topics.CAMPAIGN, p, lead, c, END, END, END);
            add(Topics.SALES, p, lead, sales(lead, SalesActivityType.EMAIL_SENT, "marker", null, END), END, END, END);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private Input delayed(Input i, long by) {
        return new Input(i.topic(), i.partition(), i.key(), i.value(), i.occurredAt(), i.recordTimestamp(),
                Math.min(i.produceAt() + by, HISTORY_END), i.seq());
    }

    private long after(long last) {
        return Math.min(last + 5 * MINUTE + random.nextInt(85) * MINUTE, HISTORY_END - MINUTE);
    }

    private static boolean isLarge(String size) {
        if (size == null) {
            return false;
        }
        String digits = size.replaceAll("[^0-9].*$", "");
        return !digits.isEmpty() && Integer.parseInt(digits) >= 1000;
    }

    private void add(String topic, Integer partition, String key, SpecificRecord value, long occurredAt,
            long recordTimestamp, long produceAt) {
        inputs.add(new Input(topic, partition, key, value, occurredAt, recordTimestamp, produceAt, seq++));
    }

    private void tag(String lead, String what, long at) {
        tags.computeIfAbsent(lead, k -> new ArrayList<>()).add(what + " @" + Instant.ofEpochMilli(at));
    }

    private ClickEvent click(String lead, String anon, ClickType type, String name, long at, Map<String, String> traits) {
        ClickEvent v = new ClickEvent();
        v.setEventId("oracle-" + ++ids);
        v.setOccurredAt(Instant.ofEpochMilli(at));
        v.setAnonymousId(anon);
        v.setLeadId(lead);
        v.setType(type);
        v.setName(name);
        v.setUrl(type == ClickType.PAGE ? "https://www.leadflow.example/" + name : null);
        v.setProperties(new HashMap<>());
        v.setTraits(new HashMap<>(traits));
        return v;
    }

    private SalesActivity sales(String lead, SalesActivityType type, String seller, String reason, long at) {
        SalesActivity v = new SalesActivity();
        v.setEventId("oracle-" + ++ids);
        v.setOccurredAt(Instant.ofEpochMilli(at));
        v.setLeadId(lead);
        v.setAccountDomain(null);
        v.setSellerId(seller);
        v.setType(type);
        v.setReason(reason);
        return v;
    }

    private static Map<String, String> traits(String first, String title, String domain, String size, String country) {
        Map<String, String> t = new HashMap<>();
        t.put("email", first.toLowerCase(java.util.Locale.ROOT) + "@" + domain);
        t.put("first_name", first);
        t.put("last_name", "Oracle");
        t.put("title", title);
        t.put("company", domain.substring(0, domain.indexOf('.')));
        t.put("company_domain", domain);
        t.put("company_size", size);
        t.put("industry", "Software");
        t.put("country", country);
        return t;
    }
}
