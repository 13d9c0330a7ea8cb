package dev.leadflow.launcher.generator;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.Channel;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.avro.EngagementAction;
import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.schemas.Topics;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.UUID;

/**
 * Synthetic but realistic LeadFlow input: an endless, deterministic stream of clickstream,
 * campaign-engagement and sales-activity events from people with personas (see {@link Persona}).
 *
 * <p>People arrive over time and act out a script: anonymous browsing that later identifies
 * (the anonymous clicks then count for the lead), pages and tracked actions, campaign engagement
 * and, for some, a seller's follow-up. Several people are active at once and their events
 * interleave. Buying committees are 3 to 5 people of one company; one of them asks for a demo.
 * The very first arrival is a buying committee whose champion asks for a demo within a few
 * events, so a demo shows a lead at once.
 *
 * <p>The sales outcomes of a real funnel follow each person's hidden intent, not any score: when a person's
 * script ends, an opportunity may open {@value #MIN_OPPORTUNITY_DAYS} to {@value #MAX_OPPORTUNITY_DAYS} days
 * later in event time and close (won or lost) {@value #MIN_CLOSE_DAYS} to {@value #MAX_CLOSE_DAYS} days after
 * that (see {@link #outcomeChances}); such events are held until the stream's clock reaches their time, so no
 * event is ever dated ahead of the ones around it, and a run shorter than those days in event time shows none.
 * Noise: some deals are won with no marketing trail at all ({@link Persona#DIRECT}), and some hand-raisers
 * never buy.
 *
 * <p>Deterministic: the same seed, start time and rate give the same events, ids included. Event
 * times advance by {@code 1 / eventsPerSecond} per event from {@code startMillis}; a producer that
 * paces at that rate therefore stamps events with (about) the wall-clock time.
 */
public final class TrafficGenerator implements Iterator<GeneratedEvent> {

    /** How many people act at once, at most (the first events ramp up from a few). */
    public static final int DEFAULT_MAX_ACTIVE = 200;

    private static final String[] FIRST = {"Ada", "Grace", "Alan", "Linus", "Margaret", "Dennis", "Barbara", "Ken",
        "Frances", "Edsger", "Radia", "Tim", "Hedy", "Donald", "Karen", "John", "Sophie", "Guido", "Anita", "Bjarne",
        "Fei", "Yukihiro", "Shafi", "Leslie", "Carol", "Niklaus", "Ivan", "Mary", "James", "Lin"};
    private static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Ritchie",
        "Liskov", "Thompson", "Allen", "Dijkstra", "Perlman", "Berners", "Lamarr", "Knuth", "Jones", "Backus",
        "Wilson", "Rossum", "Borg", "Stroustrup", "Li", "Matsumoto", "Goldwasser", "Lamport", "Shaw", "Wirth",
        "Sutherland", "Keller", "Gosling", "Chen"};
    private static final String[] SYLLABLES = {"ac", "me", "glo", "bex", "ini", "tech", "um", "brel", "hoo", "li",
        "sto", "vo", "nex", "ta", "qua", "dra", "zen", "ith", "ver", "ion", "lu", "mi", "nor", "sol", "tri", "ca"};
    private static final String[] TLDS = {".com", ".io", ".com", ".co", ".net", ".de", ".com"};
    private static final String[] GOOD_INDUSTRIES = {"Software", "SaaS", "Financial Services", "Information Technology",
        "Internet", "Fintech", "Telecommunications"};
    private static final String[] OTHER_INDUSTRIES = {"Healthcare", "Manufacturing", "Retail", "Media", "E-commerce",
        "Education", "Non-profit", "Logistics"};
    private static final String[] COUNTRIES = {"US", "US", "US", "CA", "GB", "GB", "DE", "DE", "FR", "NL", "SE", "IE",
        "AU", "JP", "SG", "BR", "IN", "ES"};
    private static final String[] ENTERPRISE_SIZES = {"1000-5000", "5000", "2500", "10000+", "1200"};
    private static final String[] MID_SIZES = {"200-500", "350", "500-1000", "750"};
    private static final String[] SMALL_SIZES = {"11-50", "25", "60", "120", "5"};
    private static final String[] FREE_MAIL = {"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "proton.me"};
    private static final String[] UNIVERSITIES = {"cs.stateu.edu", "mit.edu", "ox.ac.uk", "unimelb.edu.au",
        "ethz.edu", "u-tokyo.ac.jp"};
    private static final String[] COMPETITORS = {"rivalscore.io", "leadlift.com", "pipelinepro.ai"};

    private static final String[] CHAMPION_TITLES = {"VP of Engineering", "Head of Sales Operations", "Director of IT",
        "CTO", "VP Marketing", "Head of Revenue Operations"};
    private static final String[] MEMBER_TITLES = {"Engineering Manager", "Solutions Architect",
        "Senior Software Engineer", "Procurement Manager", "Data Analyst", "Director of Security", "Team Lead"};
    private static final String[] EVALUATOR_TITLES = {"Marketing Manager", "Director of Marketing", "IT Manager",
        "Head of Growth", "Revenue Operations Lead", "Product Manager", "Sales Director"};
    private static final String[] RESEARCHER_TITLES = {"Software Engineer", "Data Scientist", "Consultant", "Analyst",
        "Developer Advocate", "Marketing Specialist", "Writer"};
    private static final String[] STUDENT_TITLES = {"Student", "Research Intern", "PhD Candidate", "Undergraduate"};
    private static final String[] COMPETITOR_TITLES = {"Product Manager", "Competitive Intelligence Analyst",
        "Product Marketing Manager", "VP Product"};
    // what crawlers hit; caps and the free-mail gate keep even an identified bot well below qualifying
    private static final String[] BOT_PAGES = {"pricing", "pricing", "home", "blog", "careers", "about"};

    static final int MIN_OPPORTUNITY_DAYS = 3;
    static final int MAX_OPPORTUNITY_DAYS = 21;
    static final int MIN_CLOSE_DAYS = 14;
    static final int MAX_CLOSE_DAYS = 60;
    private static final long DAY = 86_400_000L;

    private final Random random;
    /** Sales outcomes decided when a script ended, due later in event time: by time, then by order of decision. */
    private final PriorityQueue<Due> due = new PriorityQueue<>();
    private long dueSequence;
    private final long seed;
    private final long startMillis;
    private final double eventsPerSecond;
    private final int maxActive;
    private final String idPrefix;
    private final List<Session> active = new ArrayList<>();
    private final Map<Persona, Integer> peopleByPersona = new HashMap<>();
    private long index;
    private long people;
    private long accounts;
    private int sellers = 12;

    public TrafficGenerator(long seed, long startMillis, double eventsPerSecond) {
        this(seed, startMillis, eventsPerSecond, DEFAULT_MAX_ACTIVE);
    }

    public TrafficGenerator(long seed, long startMillis, double eventsPerSecond, int maxActive) {
        if (!(eventsPerSecond > 0)) {
            throw new IllegalArgumentException("eventsPerSecond must be positive");
        }
        if (maxActive < 1) {
            throw new IllegalArgumentException("maxActive must be >= 1");
        }
        this.seed = seed;
        this.random = new Random(seed);
        this.startMillis = startMillis;
        this.eventsPerSecond = eventsPerSecond;
        this.maxActive = maxActive;
        // ids differ between seeds, so runs with different seeds never share a lead
        this.idPrefix = Long.toString(mix(seed) & 0xFFFFFFL, 36);
    }

    /** Events generated so far. */
    public long count() {
        return index;
    }

    /** People who have arrived so far (identified or not). */
    public long people() {
        return people;
    }

    public Map<Persona, Integer> peopleByPersona() {
        return Map.copyOf(peopleByPersona);
    }

    public long seed() {
        return seed;
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public GeneratedEvent next() {
        long target = Math.min(maxActive, 3 + index / 6);
        if (people == 0) {
            spawnCommittee(true);
        }
        while (active.size() < target) {
            spawn();
        }
        long at = startMillis + (long) (index * 1000.0 / eventsPerSecond);
        if (!due.isEmpty() && due.peek().at() <= at) {
            // an outcome whose day has come, dated at its own time (at most one event interval ago)
            index++;
            return emit(due.poll());
        }
        // the demo's first champion goes first: a hand-raiser within the first few events
        int pick = index < 4 ? 0 : random.nextInt(active.size());
        Session s = active.get(pick);
        GeneratedEvent e = s.emit(s.steps.poll(), at);
        if (s.steps.isEmpty()) {
            decideOutcome(s, at);
            // swap-remove keeps this O(1); the order of the list is part of the deterministic state
            Session last = active.remove(active.size() - 1);
            if (pick < active.size()) {
                active.set(pick, last);
            }
        }
        index++;
        return e;
    }

    /**
     * Ends a history: the sales outcomes still held for a later day (opportunities and closes of the people seen
     * so far), in their time order, each dated at its own time, which lies after the last event. Afterwards
     * none is held; the generator can go on.
     */
    public List<GeneratedEvent> pendingOutcomes() {
        List<GeneratedEvent> outcomes = new ArrayList<>();
        while (!due.isEmpty()) {
            index++;
            outcomes.add(emit(due.poll()));
        }
        return outcomes;
    }

    /** A held outcome as the sales event it is, dated at its own time. */
    private static GeneratedEvent emit(Due d) {
        return d.session().emit(new Step(Step.Kind.SALES, null, null, null, d.type()), d.at());
    }

    // ---------------------------------------------------------------------------------------
    // the funnel

    /**
     * The chance that a person of this kind opens an opportunity, and that an opened one is won, in percent: by
     * intent. A committee's champion speaks for the account; its other members never open one themselves.
     */
    static int[] outcomeChances(Persona persona, boolean champion, boolean raisedHand) {
        return switch (persona) {
            case BUYER -> champion ? new int[] {60, 50} : new int[] {0, 0};
            case EVALUATOR -> raisedHand ? new int[] {40, 45} : new int[] {12, 35};
            case RESEARCHER -> new int[] {3, 30};
            case DIRECT -> new int[] {100, 100};
            case STUDENT, COMPETITOR, BOT -> new int[] {0, 0};
        };
    }

    private void decideOutcome(Session s, long at) {
        Person p = s.person;
        if (p.anonymousOnly) {
            return;
        }
        int[] chance = outcomeChances(p.persona, p.champion, p.raisedHand);
        // noise: one hand-raiser in five of those who would buy never does
        if (chance[0] == 0 || random.nextInt(100) >= chance[0] || (p.raisedHand && random.nextInt(5) == 0)) {
            return;
        }
        long opens = at + days(MIN_OPPORTUNITY_DAYS, MAX_OPPORTUNITY_DAYS);
        long closes = opens + days(MIN_CLOSE_DAYS, MAX_CLOSE_DAYS);
        schedule(s, opens, SalesActivityType.OPPORTUNITY_OPENED);
        schedule(s, closes, random.nextInt(100) < chance[1] ? SalesActivityType.CLOSED_WON : SalesActivityType.CLOSED_LOST);
    }

    private long days(int min, int max) {
        return min * DAY + (long) (random.nextDouble() * (max - min) * DAY);
    }

    private void schedule(Session s, long at, SalesActivityType type) {
        due.add(new Due(at, dueSequence++, s, type));
    }

    private record Due(long at, long sequence, Session session, SalesActivityType type) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(sequence, o.sequence);
        }
    }

    // ---------------------------------------------------------------------------------------
    // arrivals

    private void spawn() {
        // arrivals: mostly researchers and evaluators; few buying committees (each is 3-5 people)
        int r = random.nextInt(100);
        if (r < 34) {
            add(researcher());
        } else if (r < 60) {
            add(evaluator());
        } else if (r < 65) {
            spawnCommittee(false);
        } else if (r < 78) {
            add(student());
        } else if (r < 84) {
            add(competitor());
        } else if (r < 94) {
            add(bot());
        } else if (r < 95) {
            add(direct());
        } else {
            add(random.nextBoolean() ? researcher() : evaluator());
        }
    }

    private void add(Session s) {
        active.add(s);
        people++;
        peopleByPersona.merge(s.person.persona, 1, Integer::sum);
    }

    private void spawnCommittee(boolean fastChampion) {
        Company company = company(ENTERPRISE_SIZES, random.nextInt(4) > 0);
        accounts++;
        int members = 3 + random.nextInt(3);
        for (int i = 0; i < members; i++) {
            boolean champion = i == 0;
            Person p = person(Persona.BUYER, champion ? pick(CHAMPION_TITLES) : pick(MEMBER_TITLES), company, null);
            p.champion = champion;
            Session s = new Session(p);
            if (champion && fastChampion) {
                s.identify();
                s.page("pricing");
                s.track("demo_requested");
                s.page("pricing");
            } else {
                if (random.nextInt(3) == 0) {
                    s.anonymousPages("product", 1 + random.nextInt(2));
                }
                s.identify();
            }
            s.page("product", 2);
            s.page("pricing", 3);
            s.page("docs", 1 + random.nextInt(3));
            s.page("integrations");
            s.campaign(Channel.EMAIL, EngagementAction.DELIVERED);
            s.campaign(Channel.EMAIL, EngagementAction.CLICKED);
            if (random.nextBoolean()) {
                s.campaign(Channel.WEBINAR, EngagementAction.REGISTERED);
                s.campaign(Channel.WEBINAR, EngagementAction.ATTENDED);
            } else {
                s.campaign(Channel.EVENT, EngagementAction.REGISTERED);
                s.campaign(Channel.EVENT, EngagementAction.ATTENDED);
            }
            s.page("case-studies");
            if (champion && !fastChampion) {
                s.track(random.nextBoolean() ? "demo_requested" : "contact_sales");
            }
            if (champion && random.nextInt(10) < 3) {
                s.salesFollowUp();
            }
            add(s);
        }
    }

    private Session researcher() {
        Company c = company(random.nextBoolean() ? MID_SIZES : SMALL_SIZES, random.nextBoolean());
        Session s = new Session(person(Persona.RESEARCHER, pick(RESEARCHER_TITLES), c, null));
        s.anonymousPages("blog", 1 + random.nextInt(3));
        s.anonymousPages("docs", random.nextInt(2));
        s.identify();
        s.track("form_submitted");
        s.campaign(Channel.EMAIL, EngagementAction.DELIVERED);
        s.campaign(Channel.EMAIL, EngagementAction.OPENED);
        s.page("docs", 1 + random.nextInt(2));
        s.page("blog", 1 + random.nextInt(2));
        if (random.nextBoolean()) {
            s.campaign(Channel.CONTENT, EngagementAction.DOWNLOADED);
        }
        s.campaign(Channel.EMAIL, EngagementAction.DELIVERED);
        s.campaign(Channel.EMAIL, random.nextInt(10) == 0 ? EngagementAction.UNSUBSCRIBED : EngagementAction.OPENED);
        return s;
    }

    private Session evaluator() {
        Company c = company(random.nextInt(3) == 0 ? ENTERPRISE_SIZES : MID_SIZES, random.nextInt(3) > 0);
        Session s = new Session(person(Persona.EVALUATOR, pick(EVALUATOR_TITLES), c, null));
        s.anonymousPages("product", 1 + random.nextInt(2));
        s.anonymousPages("pricing", 1);
        s.identify();
        s.page("pricing", 1 + random.nextInt(3));
        s.page("product", 1 + random.nextInt(2));
        s.page("integrations");
        if (random.nextBoolean()) {
            s.page("case-studies");
        }
        s.campaign(Channel.EMAIL, EngagementAction.DELIVERED);
        s.campaign(Channel.EMAIL, EngagementAction.CLICKED);
        s.campaign(Channel.WEBINAR, EngagementAction.REGISTERED);
        if (random.nextInt(10) < 7) {
            s.campaign(Channel.WEBINAR, EngagementAction.ATTENDED);
        }
        int r = random.nextInt(100);
        if (r < 25) {
            s.track("trial_started");
        } else if (r < 35) {
            s.track("contact_sales");
        }
        if (random.nextInt(10) < 3) {
            s.salesFollowUp();
        }
        return s;
    }

    /** Noise: a deal sales wins alone. The CRM knows the person; marketing never saw them. */
    private Session direct() {
        Company c = company(random.nextBoolean() ? ENTERPRISE_SIZES : MID_SIZES, random.nextBoolean());
        Session s = new Session(person(Persona.DIRECT, pick(EVALUATOR_TITLES), c, null));
        s.sales(SalesActivityType.OWNER_ASSIGNED);
        s.sales(SalesActivityType.MEETING_HELD);
        return s;
    }

    private Session student() {
        Company university = new Company(pick(UNIVERSITIES), null, null, "Education", pick(COUNTRIES));
        Session s = new Session(person(Persona.STUDENT, pick(STUDENT_TITLES), university, null));
        s.anonymousPages("docs", 1 + random.nextInt(2));
        s.identify();
        s.page("docs", 2 + random.nextInt(3));
        s.page("blog", 1 + random.nextInt(3));
        s.page("pricing", random.nextInt(2));
        s.page("careers", random.nextInt(3));
        if (random.nextInt(10) < 3) {
            s.track("trial_started"); // a hand-raise that the fit gate stops
        }
        s.campaign(Channel.EMAIL, EngagementAction.DELIVERED);
        s.campaign(Channel.EMAIL, EngagementAction.OPENED);
        return s;
    }

    private Session competitor() {
        String domain = pick(COMPETITORS);
        Company rival = new Company(domain, capitalize(domain.substring(0, domain.indexOf('.'))), "200-500", "Software", "US");
        Session s = new Session(person(Persona.COMPETITOR, pick(COMPETITOR_TITLES), rival, null));
        s.anonymousPages("pricing", 1 + random.nextInt(2));
        s.identify();
        s.page("pricing", 3 + random.nextInt(4));
        s.page("product", 2 + random.nextInt(3));
        s.page("integrations");
        s.page("docs");
        s.campaign(Channel.EMAIL, EngagementAction.OPENED);
        if (random.nextInt(10) < 4) {
            s.campaign(Channel.WEBINAR, EngagementAction.REGISTERED);
        }
        return s;
    }

    private Session bot() {
        boolean signsUp = random.nextInt(10) < 3;
        Company none = new Company(pick(FREE_MAIL), null, null, null, null);
        Session s = new Session(person(Persona.BOT, null, none, signsUp ? "free-mail" : null));
        int hits = 40 + random.nextInt(80);
        if (!signsUp) {
            s.person.anonymousOnly = true;
            for (int i = 0; i < hits; i++) {
                s.anonymousPages(pick(BOT_PAGES), 1);
            }
            return s;
        }
        s.identify();
        for (int i = 0; i < hits; i++) {
            s.page(pick(BOT_PAGES), 1);
            if (i == hits / 2 && random.nextInt(10) < 2) {
                s.track("demo_requested"); // a spam form fill from a free-mail address
            }
        }
        return s;
    }

    // ---------------------------------------------------------------------------------------
    // people and companies

    private Company company(String[] sizes, boolean goodIndustry) {
        StringBuilder name = new StringBuilder();
        int parts = 2 + random.nextInt(2);
        for (int i = 0; i < parts; i++) {
            name.append(pick(SYLLABLES));
        }
        String base = name.toString();
        // the account counter keeps domains unique within a run
        String domain = base + accounts + idPrefix + pick(TLDS);
        return new Company(domain, capitalize(base), pick(sizes),
                goodIndustry ? pick(GOOD_INDUSTRIES) : pick(OTHER_INDUSTRIES), pick(COUNTRIES));
    }

    private Person person(Persona persona, String title, Company company, String freeMail) {
        Person p = new Person();
        p.persona = persona;
        p.leadId = "lead-" + idPrefix + "-" + people;
        p.anonymousId = "anon-" + new UUID(random.nextLong(), random.nextLong());
        p.first = pick(FIRST);
        p.last = pick(LAST);
        p.title = title;
        p.company = company;
        p.email = (p.first + "." + p.last).toLowerCase(Locale.ROOT) + people + "@" + company.domain;
        p.freeMailOnly = freeMail != null;
        return p;
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private record Company(String domain, String name, String size, String industry, String country) {}

    private static final class Person {
        Persona persona;
        String leadId;
        String anonymousId;
        String first;
        String last;
        String title;
        String email;
        Company company;
        boolean freeMailOnly;
        boolean anonymousOnly;
        boolean identified;
        boolean champion;
        boolean raisedHand;
        String sellerId;
    }

    /** One step of a person's script; turned into a record when it is due. */
    private record Step(Kind kind, String name, Channel channel, EngagementAction action, SalesActivityType sales) {
        enum Kind { ANONYMOUS_PAGE, PAGE, TRACK, IDENTIFY, CAMPAIGN, SALES }
    }

    private final class Session {
        final Person person;
        final ArrayDeque<Step> steps = new ArrayDeque<>();

        Session(Person person) {
            this.person = person;
        }

        void anonymousPages(String name, int times) {
            for (int i = 0; i < times; i++) {
                steps.add(new Step(Step.Kind.ANONYMOUS_PAGE, name, null, null, null));
            }
        }

        void page(String name) {
            page(name, 1);
        }

        void page(String name, int times) {
            for (int i = 0; i < times; i++) {
                steps.add(new Step(Step.Kind.PAGE, name, null, null, null));
            }
        }

        void track(String name) {
            if (name.equals("demo_requested") || name.equals("contact_sales")) {
                person.raisedHand = true;
            }
            steps.add(new Step(Step.Kind.TRACK, name, null, null, null));
        }

        void identify() {
            steps.add(new Step(Step.Kind.IDENTIFY, "identify", null, null, null));
        }

        void campaign(Channel channel, EngagementAction action) {
            steps.add(new Step(Step.Kind.CAMPAIGN, null, channel, action, null));
        }

        void sales(SalesActivityType type) {
            steps.add(new Step(Step.Kind.SALES, null, null, null, type));
        }

        /** A seller picks the lead up: assigned, then a call (the owner now works it). */
        void salesFollowUp() {
            sales(SalesActivityType.OWNER_ASSIGNED);
            page("pricing");
            sales(random.nextBoolean() ? SalesActivityType.CALL : SalesActivityType.MEETING_BOOKED);
        }

        GeneratedEvent emit(Step step, long at) {
            String eventId = new UUID(random.nextLong(), random.nextLong()).toString();
            Instant when = Instant.ofEpochMilli(at);
            Person p = person;
            switch (step.kind()) {
                case ANONYMOUS_PAGE:
                    return click(eventId, when, null, ClickType.PAGE, step.name(), Map.of());
                case PAGE:
                    return click(eventId, when, p.leadId, ClickType.PAGE, step.name(), Map.of());
                case TRACK:
                    return click(eventId, when, p.leadId, ClickType.TRACK, step.name(), Map.of());
                case IDENTIFY:
                    p.identified = true;
                    return click(eventId, when, p.leadId, ClickType.IDENTIFY, "identify", traits());
                case CAMPAIGN: {
                    // setters, not builders: a builder validates and copies every field (the bench
                    // generates 25,000 events/s on the cores the job runs on)
                    CampaignEngagement v = new CampaignEngagement();
                    v.setEventId(eventId);
                    v.setOccurredAt(when);
                    v.setLeadId(p.leadId);
                    v.setCampaignId("cmp-" + step.channel().name().toLowerCase(Locale.ROOT) + "-" + (1 + random.nextInt(6)));
                    v.setChannel(step.channel());
                    v.setAction(step.action());
                    return new GeneratedEvent(Topics.CAMPAIGN, p.leadId, v, at, p.leadId, p.persona);
                }
                case SALES: {
                    if (p.sellerId == null) {
                        p.sellerId = "s" + (1 + random.nextInt(sellers));
                    }
                    SalesActivity v = new SalesActivity();
                    v.setEventId(eventId);
                    v.setOccurredAt(when);
                    v.setLeadId(p.leadId);
                    v.setAccountDomain(p.freeMailOnly ? null : p.company.domain);
                    v.setSellerId(p.sellerId);
                    v.setType(step.sales());
                    v.setReason(null);
                    return new GeneratedEvent(Topics.SALES, p.leadId, v, at, p.leadId, p.persona);
                }
                default:
                    throw new IllegalStateException("unknown step " + step);
            }
        }

        private GeneratedEvent click(String eventId, Instant when, String leadId, ClickType type, String name,
                Map<String, String> traits) {
            Map<String, String> properties = new HashMap<>();
            if (type == ClickType.PAGE) {
                properties.put("referrer", person.persona == Persona.BOT ? "" : "https://www.google.com/");
            }
            ClickEvent v = new ClickEvent();
            v.setEventId(eventId);
            v.setOccurredAt(when);
            v.setAnonymousId(person.anonymousId);
            v.setLeadId(leadId);
            v.setType(type);
            v.setName(name);
            v.setUrl(type == ClickType.PAGE ? "https://www.leadflow.example/" + name : null);
            v.setProperties(properties);
            v.setTraits(new HashMap<>(traits));
            String key = leadId != null ? leadId : person.anonymousId;
            return new GeneratedEvent(Topics.CLICKSTREAM, key, v, when.toEpochMilli(),
                    person.anonymousOnly ? null : person.leadId, person.persona);
        }

        private Map<String, String> traits() {
            Person p = person;
            Map<String, String> t = new HashMap<>();
            t.put("email", p.email);
            t.put("first_name", p.first);
            t.put("last_name", p.last);
            if (p.title != null) {
                t.put("title", p.title);
            }
            Company c = p.company;
            if (!p.freeMailOnly) {
                t.put("company_domain", c.domain);
                if (c.name != null) {
                    t.put("company", c.name);
                }
            }
            if (c.size != null) {
                t.put("company_size", c.size);
            }
            if (c.industry != null) {
                t.put("industry", c.industry);
            }
            if (c.country != null) {
                t.put("country", c.country);
            }
            return t;
        }
    }
}
