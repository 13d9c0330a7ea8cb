package dev.leadflow.scoring.model;

import dev.leadflow.scoring.LeadScorer;
import dev.leadflow.scoring.SalesType;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The scoring model: every number of fit, engagement, thresholds, sales feedback, routing and the
 * account committee. Immutable and {@link Serializable}, so it can be shipped to operators and
 * kept in broadcast state. {@code default-model.yaml} (next to this class) documents every key.
 */
public final class ScoringModel implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Classpath location of the default model. */
    public static final String DEFAULT_RESOURCE = "dev/leadflow/scoring/default-model.yaml";

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Engagement part of the model. A hand-raise with no email known waits up to awaitTraitsMillis
     * for one; then it hands the lead off anyway (queueAfterAwait) or not until an email arrives.
     */
    record Engagement(int max, SignalRules signals, Set<String> handRaisers, long handRaiseWindowMillis,
            long awaitTraitsMillis, boolean queueAfterAwait) implements Serializable {}

    /** State bounds: staleness horizon, inactivity TTL, de-duplication memory, stitching buffer. */
    record Limits(long horizonMillis, long inactiveTtlMillis, int recentEventIds, long anonymousRetentionMillis,
            int anonymousMaxEvents) implements Serializable {}

    private static volatile ScoringModel defaults;

    private final String version;
    private final long fingerprint;
    private final int qualifyThreshold;
    private final int exitThreshold;
    private final FitRules fit;
    private final Engagement engagement;
    private final SalesRules sales;
    private final Routing routing;
    private final AccountRules account;
    private final Grades grades;
    private final int reasonsCount;
    private final Limits limits;

    ScoringModel(String version, long fingerprint, int qualifyThreshold, int exitThreshold, FitRules fit,
            Engagement engagement, SalesRules sales, Routing routing, AccountRules account, Grades grades,
            int reasonsCount, Limits limits) {
        this.version = version;
        this.fingerprint = fingerprint;
        this.qualifyThreshold = qualifyThreshold;
        this.exitThreshold = exitThreshold;
        this.fit = fit;
        this.engagement = engagement;
        this.sales = sales;
        this.routing = routing;
        this.account = account;
        this.grades = grades;
        this.reasonsCount = reasonsCount;
        this.limits = limits;
    }

    /**
     * This model with handoffs that carry {@code count} reasons: the same scores, grades and routing (and the same
     * version and fingerprint). For tools that read every signal behind a handoff (leadflow backtest).
     */
    public ScoringModel withReasonsCount(int count) {
        return new ScoringModel(version, fingerprint, qualifyThreshold, exitThreshold, fit, engagement, sales, routing,
                account, grades, count, limits);
    }

    /** Parses and validates a model; a {@link ModelException} names the bad key path and value. */
    public static ScoringModel fromYaml(String text) {
        return ModelParser.parse(text);
    }

    /**
     * Loads a model from {@code location}: null or blank for the default model, {@code classpath:...},
     * an {@code http(s)://} or {@code file:} URL, or else a file path. Errors name the location.
     */
    public static ScoringModel load(String location) {
        if (location == null || location.isBlank()) {
            return defaults();
        }
        return parse(location, read(location.trim()));
    }

    /**
     * Parses a document read from {@code location} (see {@link #document}); errors name the location
     * (the default model's resource for a null or blank one).
     */
    public static ScoringModel parse(String location, String document) {
        String where = location == null || location.isBlank() ? "classpath:" + DEFAULT_RESOURCE : location.trim();
        try {
            return fromYaml(document);
        } catch (ModelException e) {
            throw new ModelException(where + ": " + e.getMessage(), e);
        }
    }

    /**
     * The text of the model document at {@code location} (as {@link #load}; null or blank: the default
     * model's), e.g. to publish it as it was written.
     */
    public static String document(String location) {
        return read(location == null || location.isBlank() ? "classpath:" + DEFAULT_RESOURCE : location.trim());
    }

    /** The model shipped in {@value #DEFAULT_RESOURCE}, parsed once. */
    public static ScoringModel defaults() {
        ScoringModel m = defaults;
        if (m == null) {
            String where = "classpath:" + DEFAULT_RESOURCE;
            try {
                m = fromYaml(read(where));
            } catch (ModelException e) {
                throw new ModelException(where + ": " + e.getMessage(), e);
            }
            defaults = m;
        }
        return m;
    }

    private static String read(String location) {
        try {
            if (location.startsWith("classpath:")) {
                String name = location.substring("classpath:".length());
                name = name.startsWith("/") ? name.substring(1) : name;
                try (InputStream in = ScoringModel.class.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new ModelException(location + ": no such resource on the classpath");
                    }
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            if (location.startsWith("http://") || location.startsWith("https://")) {
                return fetch(location);
            }
            Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            if (e instanceof ModelException) {
                throw (ModelException) e;
            }
            throw new ModelException(location + ": cannot read the model (" + e + ")", e);
        }
    }

    private static String fetch(String url) throws IOException {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(HTTP_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(HTTP_TIMEOUT).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new ModelException(url + ": cannot read the model (HTTP " + response.statusCode() + ")");
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The model's own version string, carried on every handoff. */
    public String version() {
        return version;
    }

    /**
     * A hash of the parsed content. Two models with equal content have equal fingerprints even if
     * someone forgot to bump {@link #version()}; state caches (fit) are keyed by it.
     */
    public long fingerprint() {
        return fingerprint;
    }

    public int qualifyThreshold() {
        return qualifyThreshold;
    }

    public int exitThreshold() {
        return exitThreshold;
    }

    public int fitMax() {
        return fit.max;
    }

    public int engagementMax() {
        return engagement.max();
    }

    /** Events older than the lead's clock minus this are stale: counted and skipped. */
    public long horizonMillis() {
        return limits.horizonMillis();
    }

    /** State of a lead with no event for this long is dropped (see {@link LeadScorer#expiresAt}). */
    public long inactiveTtlMillis() {
        return limits.inactiveTtlMillis();
    }

    /** How many recent event ids a lead remembers for de-duplication. */
    public int recentEventIds() {
        return limits.recentEventIds();
    }

    /** How long identity stitching keeps events that carry only an anonymous id. */
    public long anonymousRetentionMillis() {
        return limits.anonymousRetentionMillis();
    }

    /** Most events identity stitching keeps per anonymous id (the newest win). */
    public int anonymousMaxEvents() {
        return limits.anonymousMaxEvents();
    }

    public Set<String> handRaisers() {
        return engagement.handRaisers();
    }

    public long handRaiseWindowMillis() {
        return engagement.handRaiseWindowMillis();
    }

    /** How long a hand-raise of a lead with no email waits for one before {@link #queuesAfterAwait()} applies; 0 = not at all. */
    public long awaitTraitsMillis() {
        return engagement.awaitTraitsMillis();
    }

    /**
     * Whether a hand-raise still without an email when {@link #awaitTraitsMillis()} ends hands the
     * lead off anyway (true) or only once an email arrives within the hand-raise window (false).
     */
    public boolean queuesAfterAwait() {
        return engagement.queueAfterAwait();
    }

    public long touchWindowMillis() {
        return sales.touchWindowMillis;
    }

    /** The cooldown after a sales activity of this type, 0 if none. */
    public long cooldownMillis(SalesType type) {
        return sales.cooldownMillis(type);
    }

    public String defaultQueue() {
        return routing.defaultQueue;
    }

    /** The queue of leads owned by this seller. */
    public static String ownerQueue(String sellerId) {
        return Routing.OWNER_PREFIX + sellerId;
    }

    /** Engagement at which a lead counts as engaged for its account's buying committee. */
    public int engagedThreshold() {
        return account.engagedAt();
    }

    public int committeeBonusPerLead() {
        return account.bonusPerEngagedLead();
    }

    public int committeeMaxBonus() {
        return account.maxBonus();
    }

    public int handRaiserBoost() {
        return account.handRaiserBoost();
    }

    /** Readiness points a queued lead's readiness may move before its queue entry is refreshed. */
    public int priorityTolerance() {
        return account.priorityTolerance();
    }

    /** How many reasons a handoff carries. */
    public int reasonsCount() {
        return reasonsCount;
    }

    /**
     * The points the model gives one event of {@code signal} (e.g. {@code page:pricing}), and the rule's key
     * (which may be a wildcard such as {@code campaign:*:UNSUBSCRIBED}); null when the model gives it none. For
     * tools that suggest changes to the model (leadflow backtest).
     */
    public Map.Entry<String, Integer> signalPoints(String signal) {
        SignalRule rule = engagement.signals().resolve(signal);
        return rule == null ? null : Map.entry(rule.key(), rule.points());
    }

    public FitRules fit() {
        return fit;
    }

    public SignalRules signals() {
        return engagement.signals();
    }

    public SalesRules sales() {
        return sales;
    }

    public Routing routing() {
        return routing;
    }

    public Grades grades() {
        return grades;
    }

    @Override
    public String toString() {
        return "ScoringModel{version=" + version + ", fingerprint=" + Long.toHexString(fingerprint) + '}';
    }
}
