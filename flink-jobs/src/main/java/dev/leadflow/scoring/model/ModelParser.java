package dev.leadflow.scoring.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.leadflow.scoring.Durations;
import dev.leadflow.scoring.Hashing;
import dev.leadflow.scoring.RecentIds;
import dev.leadflow.scoring.SalesType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** YAML text to a validated {@link ScoringModel}; the default-model.yaml documents every key. */
final class ModelParser {

    static final Set<String> CHANNELS = Set.of("EMAIL", "WEBINAR", "PAID_AD", "EVENT", "SOCIAL", "CONTENT");
    static final Set<String> ACTIONS = Set.of("DELIVERED", "OPENED", "CLICKED", "REGISTERED", "ATTENDED",
            "DOWNLOADED", "REPLIED", "UNSUBSCRIBED", "BOUNCED", "SPAM_REPORT");

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-/]+");
    private static final Pattern QUEUE = Pattern.compile("[a-z0-9][a-z0-9_.\\-]{0,63}");
    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
    private static final int MAX_POINTS = 100;

    private ModelParser() {}

    static ScoringModel parse(String text) {
        JsonNode tree;
        try {
            tree = YAML.readTree(text == null ? "" : text);
        } catch (JacksonException e) {
            throw new ModelException("not valid YAML: " + e.getOriginalMessage() + locationOf(e), e);
        }
        YamlReader root = YamlReader.root(tree);
        String version = root.string("version");
        YamlReader t = root.optionalObject("thresholds");
        int qualify = t.optionalInteger("qualify", 60, 0, 100);
        int exit = t.optionalInteger("exit", 45, 0, 100);
        if (exit > qualify) {
            throw t.error("exit", "must not be above qualify (" + qualify + ")");
        }
        t.finish();
        FitRules fit = fit(root.object("fit"));
        ScoringModel.Engagement engagement = engagement(root.object("engagement"));
        SalesRules sales = sales(root.optionalObject("sales"));
        Routing routing = routing(root.optionalObject("routing"));
        AccountRules account = account(root.optionalObject("account"), engagement.max());
        Grades grades = grades(root.optionalObject("grades"), fit.max, engagement.max());
        YamlReader r = root.optionalObject("reasons");
        int reasons = r.optionalInteger("count", 3, 1, 20);
        r.finish();
        ScoringModel.Limits limits = limits(root.optionalObject("state"), root.optionalObject("anonymous"));
        root.finish();
        return new ScoringModel(version, Hashing.hash64(tree.toString()), qualify, exit, fit, engagement, sales,
                routing, account, grades, reasons, limits);
    }

    private static FitRules fit(YamlReader f) {
        int max = f.optionalInteger("max", 40, 0, 100);
        List<FitRules.TitleRule> titles = new ArrayList<>();
        for (YamlReader r : f.objectList("title")) {
            titles.add(new FitRules.TitleRule(r.string("label"), regex(r, "match"), points(r)));
            r.finish();
        }
        List<FitRules.SizeBand> sizes = new ArrayList<>();
        for (YamlReader r : f.objectList("companySize")) {
            sizes.add(new FitRules.SizeBand(r.string("label"), r.integer("min", 1, Integer.MAX_VALUE), points(r)));
            r.finish();
        }
        sizes.sort((a, b) -> Integer.compare(b.min(), a.min()));
        Map<String, Integer> industries = new HashMap<>();
        f.optionalObject("industries").integerEntries(-MAX_POINTS, MAX_POINTS)
                .forEach((k, v) -> industries.put(k.toLowerCase(Locale.ROOT), v));
        YamlReader c = f.optionalObject("countries");
        Map<String, Integer> countries = new HashMap<>();
        c.integerEntries(-MAX_POINTS, MAX_POINTS).forEach((k, v) -> countries.put(country(k, c.pathOf(k)), v));
        DomainRules domains = domains(f.optionalObject("email"));
        f.finish();
        return new FitRules(max, titles, sizes, industries, countries, domains);
    }

    private static DomainRules domains(YamlReader e) {
        int business = e.optionalInteger("business", 0, -MAX_POINTS, MAX_POINTS);
        YamlReader free = e.optionalObject("freeMail");
        int freePoints = free.optionalInteger("points", 0, -MAX_POINTS, MAX_POINTS);
        Set<String> freeDomains = new HashSet<>(domains(free.stringList("domains")));
        free.finish();
        YamlReader comp = e.optionalObject("competitor");
        int compPoints = comp.optionalInteger("points", 0, -MAX_POINTS, MAX_POINTS);
        List<String> compDomains = domains(comp.stringList("domains"));
        comp.finish();
        YamlReader student = e.optionalObject("student");
        int studentPoints = student.optionalInteger("points", 0, -MAX_POINTS, MAX_POINTS);
        List<String> studentDomains = domains(student.stringList("domains"));
        List<String> titles = student.stringList("titles");
        StringBuilder any = new StringBuilder();
        for (int i = 0; i < titles.size(); i++) {
            compile(titles.get(i), student.pathOf("titles") + "[" + i + "]");
            any.append(any.length() == 0 ? "" : "|").append("(?:").append(titles.get(i)).append(')');
        }
        Pattern studentTitles = titles.isEmpty() ? null : compile(any.toString(), student.pathOf("titles"));
        student.finish();
        e.finish();
        return new DomainRules(business, freePoints, freeDomains, compPoints, compDomains, studentPoints,
                studentDomains, studentTitles);
    }

    private static ScoringModel.Engagement engagement(YamlReader e) {
        int max = e.optionalInteger("max", 60, 0, 100);
        YamlReader h = e.optionalObject("handRaisers");
        List<String> raisers = h.stringList("signals");
        for (int i = 0; i < raisers.size(); i++) {
            checkSignal(raisers.get(i), h.pathOf("signals") + "[" + i + "]", false);
        }
        long window = h.optionalDuration("window", 7 * Durations.DAY);
        long awaitTraits = h.optionalDurationOrZero("awaitTraits", 15 * Durations.MINUTE);
        if (awaitTraits > window) {
            throw h.error("awaitTraits", "must not be above window (" + Durations.format(window)
                    + "); to never hand off a hand-raise without an email, use afterAwait: drop");
        }
        String afterAwait = h.optionalString("afterAwait", "queue");
        if (!afterAwait.equals("queue") && !afterAwait.equals("drop")) {
            throw h.error("afterAwait", "must be queue or drop");
        }
        h.finish();
        Map<String, SignalRule> rules = new LinkedHashMap<>();
        YamlReader signals = e.object("signals");
        for (Map.Entry<String, YamlReader> entry : signals.objectEntries().entrySet()) {
            String key = entry.getKey();
            YamlReader r = entry.getValue();
            checkSignal(key, signals.pathOf(key), true);
            int points = points(r);
            long halfLife = r.duration("halfLife");
            int cap = r.integer("dailyCap", 1, 10_000);
            if (cap < Math.abs(points)) {
                throw r.error("dailyCap", "must be at least the signal's points in absolute value ("
                        + Math.abs(points) + ")");
            }
            rules.put(key, new SignalRule(key, points, halfLife, cap, r.string("label"), raisers.contains(key)));
            r.finish();
        }
        signals.finish();
        e.finish();
        return new ScoringModel.Engagement(max, new SignalRules(rules, new HashSet<>(raisers)), Set.copyOf(raisers),
                window, awaitTraits, afterAwait.equals("queue"));
    }

    private static SalesRules sales(YamlReader s) {
        Set<SalesType> touches = EnumSet.of(SalesType.CALL, SalesType.EMAIL_SENT, SalesType.EMAIL_REPLY,
                SalesType.MEETING_BOOKED, SalesType.MEETING_HELD);
        if (s.has("touches")) {
            touches.clear();
            List<String> names = s.stringList("touches");
            for (int i = 0; i < names.size(); i++) {
                touches.add(salesType(names.get(i), s.pathOf("touches") + "[" + i + "]"));
            }
        }
        long window = s.optionalDuration("touchWindow", 14 * Durations.DAY);
        Map<SalesType, Long> cooldowns = new EnumMap<>(SalesType.class);
        if (s.has("cooldowns")) {
            YamlReader c = s.object("cooldowns");
            c.durationEntries().forEach((k, v) -> cooldowns.put(salesType(k, c.pathOf(k)), v));
        } else {
            cooldowns.put(SalesType.CLOSED_LOST, 90 * Durations.DAY);
            cooldowns.put(SalesType.DISQUALIFIED, 180 * Durations.DAY);
            cooldowns.put(SalesType.HANDOFF_REJECTED, 30 * Durations.DAY);
            cooldowns.put(SalesType.CLOSED_WON, 365 * Durations.DAY);
        }
        s.finish();
        return new SalesRules(touches, window, cooldowns);
    }

    private static Routing routing(YamlReader r) {
        String defaultQueue = queue(r, "defaultQueue", "default");
        Map<String, Set<String>> regions = new LinkedHashMap<>();
        YamlReader reg = r.optionalObject("regions");
        reg.listEntries().forEach((name, codes) -> {
            Set<String> set = new HashSet<>();
            for (int i = 0; i < codes.size(); i++) {
                set.add(country(codes.get(i), reg.pathOf(name) + "[" + i + "]"));
            }
            regions.put(name, set);
        });
        List<Routing.Rule> rules = new ArrayList<>();
        for (YamlReader rule : r.objectList("rules")) {
            String queue = queue(rule, "queue", null);
            int min = rule.optionalInteger("minCompanySize", 0, 0, Integer.MAX_VALUE);
            int max = rule.optionalInteger("maxCompanySize", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
            if (max < min) {
                throw rule.error("maxCompanySize", "must not be below minCompanySize (" + min + ")");
            }
            Set<String> countries = null;
            if (rule.has("regions") || rule.has("countries")) {
                countries = new HashSet<>();
                List<String> names = rule.stringList("regions");
                for (int i = 0; i < names.size(); i++) {
                    Set<String> codes = regions.get(names.get(i));
                    if (codes == null) {
                        throw new ModelException(rule.pathOf("regions") + "[" + i + "]: not a region defined under "
                                + reg.path() + " (" + String.join(", ", regions.keySet()) + "), was \""
                                + names.get(i) + "\"");
                    }
                    countries.addAll(codes);
                }
                List<String> codes = rule.stringList("countries");
                for (int i = 0; i < codes.size(); i++) {
                    countries.add(country(codes.get(i), rule.pathOf("countries") + "[" + i + "]"));
                }
            }
            Set<String> industries = null;
            if (rule.has("industries")) {
                industries = new HashSet<>();
                for (String i : rule.stringList("industries")) {
                    industries.add(i.toLowerCase(Locale.ROOT));
                }
            }
            rule.finish();
            rules.add(new Routing.Rule(queue, min, max, countries, industries));
        }
        r.finish();
        return new Routing(rules, defaultQueue);
    }

    private static AccountRules account(YamlReader a, int engagementMax) {
        AccountRules rules = new AccountRules(
                a.optionalInteger("engagedAt", Math.min(20, engagementMax), 0, engagementMax),
                a.optionalInteger("bonusPerEngagedLead", 5, 0, 100),
                a.optionalInteger("maxBonus", 15, 0, 1000),
                a.optionalInteger("handRaiserBoost", 200, 0, 10_000),
                a.optionalInteger("priorityTolerance", 2, 1, 100));
        a.finish();
        return rules;
    }

    private static Grades grades(YamlReader g, int fitMax, int engagementMax) {
        YamlReader f = g.optionalObject("fit");
        int[] fit = bands(f, new String[] {"A", "B", "C"}, new int[] {30, 20, 10}, fitMax);
        YamlReader e = g.optionalObject("engagement");
        int[] engagement = bands(e, new String[] {"1", "2", "3"}, new int[] {40, 25, 10}, engagementMax);
        g.finish();
        return new Grades(fit, engagement);
    }

    private static int[] bands(YamlReader r, String[] names, int[] defaults, int max) {
        int[] mins = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            mins[i] = r.optionalInteger(names[i], Math.min(defaults[i], max), 0, max);
            if (i > 0 && mins[i] > mins[i - 1]) {
                throw r.error(names[i], "must not be above " + names[i - 1] + " (" + mins[i - 1] + ")");
            }
        }
        r.finish();
        return mins;
    }

    private static ScoringModel.Limits limits(YamlReader s, YamlReader a) {
        long horizon = s.optionalDuration("horizon", 30 * Durations.DAY);
        long ttl = s.optionalDuration("inactiveTtl", 90 * Durations.DAY);
        int ids = s.optionalInteger("recentEventIds", 256, RecentIds.WAYS, 65_536);
        s.finish();
        long retention = a.optionalDuration("retention", 30 * Durations.DAY);
        int maxEvents = a.optionalInteger("maxEvents", 200, 1, 100_000);
        a.finish();
        return new ScoringModel.Limits(horizon, ttl, ids, retention, maxEvents);
    }

    /**
     * Signal keys: {@code page:<name>}, {@code track:<name>}, {@code campaign:<CHANNEL>:<ACTION>} (the
     * channel may be {@code *}), {@code sales:<TYPE>} or {@code identify}.
     */
    private static void checkSignal(String key, String path, boolean wildcardAllowed) {
        String[] parts = key.split(":", -1);
        boolean ok;
        switch (parts[0]) {
            case "page":
            case "track":
                ok = parts.length == 2 && NAME.matcher(parts[1]).matches();
                break;
            case "campaign":
                ok = parts.length == 3
                        && (CHANNELS.contains(parts[1]) || (wildcardAllowed && parts[1].equals("*")))
                        && ACTIONS.contains(parts[2]);
                break;
            case "sales":
                ok = parts.length == 2 && SalesType.ofSignal(key) != null;
                break;
            default:
                ok = key.equals("identify");
        }
        if (!ok) {
            throw new ModelException(path + ": not a signal key; expected page:<name>, track:<name>, "
                    + "campaign:<CHANNEL" + (wildcardAllowed ? " or *" : "") + ">:<ACTION>, sales:<TYPE> or identify"
                    + " (channels " + sorted(CHANNELS) + "; actions " + sorted(ACTIONS) + "), was \"" + key + "\"");
        }
    }

    private static int points(YamlReader r) {
        return r.integer("points", -MAX_POINTS, MAX_POINTS);
    }

    private static Pattern regex(YamlReader r, String key) {
        return compile(r.string(key), r.pathOf(key));
    }

    private static Pattern compile(String regex, String path) {
        try {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new ModelException(path + ": must be a valid regular expression (" + e.getDescription()
                    + " near index " + e.getIndex() + "), was \"" + regex + "\"");
        }
    }

    private static String queue(YamlReader r, String key, String fallback) {
        String q = fallback == null ? r.string(key) : r.optionalString(key, fallback);
        if (!QUEUE.matcher(q).matches()) {
            throw r.error(key, "must be a queue name of lower-case letters, digits, '.', '_' or '-'");
        }
        if (q.startsWith(Routing.OWNER_PREFIX)) {
            throw r.error(key, "must not start with \"" + Routing.OWNER_PREFIX + "\", which names sellers' own queues");
        }
        return q;
    }

    private static String country(String code, String path) {
        if (!COUNTRY.matcher(code).matches()) {
            throw new ModelException(path + ": must be a two-letter ISO country code, was \"" + code + "\"");
        }
        return code.toUpperCase(Locale.ROOT);
    }

    private static SalesType salesType(String name, String path) {
        try {
            return SalesType.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new ModelException(path + ": must be a sales activity type ("
                    + sorted(EnumSet.allOf(SalesType.class)) + "), was \"" + name + "\"");
        }
    }

    private static List<String> domains(List<String> raw) {
        List<String> out = new ArrayList<>();
        for (String d : raw) {
            String norm = d.toLowerCase(Locale.ROOT);
            out.add(norm.startsWith(".") ? norm.substring(1) : norm);
        }
        return out;
    }

    private static String sorted(Set<?> values) {
        List<String> names = new ArrayList<>();
        values.forEach(v -> names.add(v.toString()));
        names.sort(null);
        return String.join(", ", names);
    }

    private static String locationOf(JacksonException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }
}
