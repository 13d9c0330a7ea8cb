package dev.leadflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadflow.schemas.Durations;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Per-queue settings for speed to lead (docs/speed-to-lead.md): response targets by kind of lead,
 * business hours, escalation steps, the outgoing webhook and the claim cap. Read from the {@code queues}
 * mapping of the seller API's YAML file; the entry {@code "*"} gives the defaults of queues not named.
 *
 * @param byQueue  settings of named queues
 * @param fallback settings of every other queue
 * @param interval how often targets are scheduled, escalations taken and notifications sent
 */
record QueuePolicies(Map<String, Policy> byQueue, Policy fallback, Duration interval) {

    static final int DEFAULT_MAX_HELD = 3;
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    /**
     * One kind of lead and its target. A lead is of the first kind whose {@code signals} include the
     * {@code signal} of one of its payload's {@code reasons}; a kind without signals takes every lead.
     */
    record Kind(String name, Set<String> signals, Duration target, boolean notifyOnEnqueue) {

        boolean matches(Set<String> leadSignals) {
            return signals.isEmpty() || leadSignals.stream().anyMatch(signals::contains);
        }
    }

    /**
     * One escalation step, taken {@code after} the target has passed (counted on the queue's clock).
     *
     * @param raisePriority added to the lead's priority (0: none)
     * @param overflowTo    a queue the lead moves to, or null
     * @param notifies      whether the webhook is told
     */
    record Step(Duration after, double raisePriority, String overflowTo, boolean notifies) {
    }

    /** Where notifications go: {@code format} {@code json} or {@code slack}. */
    record Webhook(URI url, String secret, String format, int maxAttempts, Duration firstRetry) {

        @Override
        public String toString() {
            return "Webhook[" + url.getScheme() + "://" + url.getHost() + ", " + format + ", secret ***]";
        }
    }

    /**
     * Assignment mode: leads are offered to available sellers instead of pulled.
     *
     * @param acceptWithin how long a seller has to take an offered lead before it goes to the next
     * @param availableFor how long a seller's "available" lasts unless the page renews it
     */
    record Assignment(Duration acceptWithin, Duration availableFor) {
    }

    /** @param assignment null for pull (the default) */
    record Policy(int maxHeld, List<Kind> kinds, BusinessHours clock, List<Step> steps, Webhook webhook,
                  Assignment assignment) {

        static final Policy DEFAULT = new Policy(DEFAULT_MAX_HELD, List.of(), BusinessHours.ALWAYS, List.of(), null,
                null);

        boolean hasTargets() {
            return !kinds.isEmpty();
        }

        Kind kindOf(Set<String> leadSignals) {
            return kinds.stream().filter(k -> k.matches(leadSignals)).findFirst().orElse(null);
        }

        /**
         * The deadlines of a lead of this kind whose clock started at {@code since}: the target first (the
         * breach, which takes the step with {@code after: 0} if there is one), then one per later step.
         */
        List<Long> deadlines(Kind kind, long since) {
            List<Long> list = new ArrayList<>();
            java.time.Instant start = java.time.Instant.ofEpochMilli(since);
            for (Step step : breachAndSteps()) {
                list.add(clock.plus(start, kind.target().plus(step.after())).toEpochMilli());
            }
            return list;
        }

        /** Step 1 is always the breach: the configured step at 0, or one that only records it. */
        List<Step> breachAndSteps() {
            if (!steps.isEmpty() && steps.get(0).after().isZero()) {
                return steps;
            }
            List<Step> all = new ArrayList<>();
            all.add(new Step(Duration.ZERO, 0, null, false));
            all.addAll(steps);
            return all;
        }
    }

    static QueuePolicies defaults() {
        return new QueuePolicies(Map.of(), Policy.DEFAULT, DEFAULT_INTERVAL);
    }

    QueuePolicies {
        byQueue = Map.copyOf(byQueue);
    }

    Policy of(String queue) {
        return byQueue.getOrDefault(queue, fallback);
    }

    /** Every queue an escalation step may move leads to. */
    Set<String> overflowQueues() {
        Set<String> names = new java.util.TreeSet<>();
        java.util.stream.Stream.concat(byQueue.values().stream(), java.util.stream.Stream.of(fallback))
                .forEach(p -> p.steps().forEach(s -> {
                    if (s.overflowTo() != null) {
                        names.add(s.overflowTo());
                    }
                }));
        return names;
    }

    /** Every queue named with targets (the fallback applies to others that the job writes to). */
    QueuePolicies withInterval(Duration newInterval) {
        return new QueuePolicies(byQueue, fallback, newInterval);
    }

    /**
     * Reads the {@code queues} mapping (null for none). Relative {@code secretFile}s resolve against
     * {@code base}. Adds an error naming the path of every bad value.
     */
    static QueuePolicies parse(JsonNode queues, Path base, List<String> errors) {
        if (queues == null || queues.isNull()) {
            return defaults();
        }
        if (!queues.isObject()) {
            errors.add("queues: must be a mapping of queue name to settings");
            return defaults();
        }
        Policy fallback = Policy.DEFAULT;
        JsonNode star = queues.get("*");
        if (star != null) {
            fallback = policy(star, "queues.*.", Policy.DEFAULT, base, errors);
        }
        Map<String, Policy> byQueue = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : queues.properties()) {
            if (e.getKey().equals("*")) {
                continue;
            }
            try {
                dev.leadflow.queue.QueueKeys.of(e.getKey());
            } catch (IllegalArgumentException ex) {
                errors.add("queues." + e.getKey() + ": " + ex.getMessage());
                continue;
            }
            byQueue.put(e.getKey(), policy(e.getValue(), "queues." + e.getKey() + ".", fallback, base, errors));
        }
        byQueue.forEach((name, p) -> p.steps().forEach(s -> {
            if (p.hasTargets() && name.equals(s.overflowTo())) {
                errors.add("queues." + name + ".escalation: a queue cannot overflow into itself");
            }
        }));
        return new QueuePolicies(byQueue, fallback, DEFAULT_INTERVAL);
    }

    private static Policy policy(JsonNode node, String path, Policy inherit, Path base, List<String> errors) {
        if (!node.isObject()) {
            errors.add(path + ": must be a mapping");
            return inherit;
        }
        Yaml.rejectUnknownKeys(node, Set.of("maxHeld", "targets", "timeZone", "businessHours", "escalation", "webhook",
                "assignment"), path, errors);
        int maxHeld = inherit.maxHeld();
        if (node.has("maxHeld")) {
            JsonNode n = node.get("maxHeld");
            if (n.canConvertToInt() && n.asInt() >= 0 && n.isIntegralNumber()) {
                maxHeld = n.asInt();
            } else {
                errors.add(path + "maxHeld: must be a whole number >= 0 (0: no limit), was " + n);
            }
        }
        List<Kind> kinds = node.has("targets") ? kinds(node.get("targets"), path + "targets", errors) : inherit.kinds();
        BusinessHours clock = inherit.clock();
        if (node.has("businessHours") || node.has("timeZone")) {
            ZoneId zone = ZoneId.of("UTC");
            if (node.has("timeZone")) {
                try {
                    zone = ZoneId.of(node.get("timeZone").asText());
                } catch (DateTimeException e) {
                    errors.add(path + "timeZone: not a time zone like Europe/Berlin: \"" + node.get("timeZone").asText() + "\"");
                }
            }
            if (node.has("businessHours")) {
                try {
                    clock = BusinessHours.parse(node.get("businessHours").asText(), zone);
                } catch (IllegalArgumentException e) {
                    errors.add(path + "businessHours: " + e.getMessage());
                }
            } else {
                errors.add(path + "timeZone: only counts with businessHours (e.g. \"Mon-Fri 09:00-17:00\")");
            }
        }
        List<Step> steps = node.has("escalation") ? steps(node.get("escalation"), path + "escalation", errors)
                : inherit.steps();
        Webhook webhook = node.has("webhook") ? webhook(node.get("webhook"), path + "webhook.", base, errors)
                : inherit.webhook();
        Assignment assignment = inherit.assignment();
        if (node.has("assignment")) {
            JsonNode a = node.get("assignment");
            if (a.isNull() || (a.isTextual() && a.asText().equals("pull"))) {
                assignment = null;
            } else if (!a.isObject()) {
                errors.add(path + "assignment: must be a mapping {acceptWithin, availableFor} (or pull)");
            } else {
                Yaml.rejectUnknownKeys(a, Set.of("acceptWithin", "availableFor"), path + "assignment.", errors);
                Duration within = a.has("acceptWithin") ? duration(a.get("acceptWithin"), path + "assignment.acceptWithin",
                        errors) : Duration.ofSeconds(30);
                Duration lasts = a.has("availableFor") ? duration(a.get("availableFor"), path + "assignment.availableFor",
                        errors) : Duration.ofMinutes(2);
                if (within != null && lasts != null) {
                    assignment = new Assignment(within, lasts);
                }
            }
        }
        return new Policy(maxHeld, kinds, clock, steps, webhook, assignment);
    }

    private static List<Kind> kinds(JsonNode node, String path, List<String> errors) {
        List<Kind> kinds = new ArrayList<>();
        if (!node.isArray()) {
            errors.add(path + ": must be a list of {kind, signals, target}");
            return kinds;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode k = node.get(i);
            String p = path + "[" + i + "].";
            if (!k.isObject()) {
                errors.add(path + "[" + i + "]: must be a mapping");
                continue;
            }
            Yaml.rejectUnknownKeys(k, Set.of("kind", "signals", "target", "notifyOnEnqueue"), p, errors);
            String name = k.path("kind").asText("");
            if (name.isBlank()) {
                errors.add(p + "kind: required (a name such as hand-raiser)");
            }
            Set<String> signals = new LinkedHashSet<>();
            k.path("signals").forEach(s -> signals.add(s.asText()));
            if (k.has("signals") && (!k.get("signals").isArray() || signals.isEmpty())) {
                errors.add(p + "signals: must be a non-empty list of signals such as track:demo_requested");
            }
            Duration target = duration(k.get("target"), p + "target", errors);
            if (target != null) {
                kinds.add(new Kind(name, Set.copyOf(signals), target, k.path("notifyOnEnqueue").asBoolean(false)));
            }
        }
        return kinds;
    }

    private static List<Step> steps(JsonNode node, String path, List<String> errors) {
        List<Step> steps = new ArrayList<>();
        if (!node.isArray()) {
            errors.add(path + ": must be a list of steps {after, raisePriority, overflowTo, notify}");
            return steps;
        }
        Duration last = Duration.ZERO;
        for (int i = 0; i < node.size(); i++) {
            JsonNode s = node.get(i);
            String p = path + "[" + i + "].";
            if (!s.isObject()) {
                errors.add(path + "[" + i + "]: must be a mapping");
                continue;
            }
            Yaml.rejectUnknownKeys(s, Set.of("after", "raisePriority", "overflowTo", "notify"), p, errors);
            Duration after = s.has("after") ? duration(s.get("after"), p + "after", errors) : Duration.ZERO;
            if (after == null) {
                continue;
            }
            if (after.isNegative() || (i > 0 && after.compareTo(last) <= 0)) {
                errors.add(p + "after: steps must come in order, each later than the one before (the first may be 0)");
            }
            last = after;
            double raise = s.path("raisePriority").asDouble(0);
            if (s.has("raisePriority") && (!s.get("raisePriority").isNumber() || raise < 0)) {
                errors.add(p + "raisePriority: must be a number >= 0");
            }
            String overflow = s.hasNonNull("overflowTo") ? s.get("overflowTo").asText() : null;
            if (overflow != null) {
                try {
                    dev.leadflow.queue.QueueKeys.of(overflow);
                } catch (IllegalArgumentException e) {
                    errors.add(p + "overflowTo: " + e.getMessage());
                }
            }
            boolean notify = s.path("notify").asBoolean(false);
            if (raise == 0 && overflow == null && !notify) {
                errors.add(p + ": does nothing (give raisePriority, overflowTo or notify: true)");
            }
            steps.add(new Step(after, raise, overflow, notify));
        }
        return steps;
    }

    private static Webhook webhook(JsonNode node, String path, Path base, List<String> errors) {
        if (!node.isObject()) {
            errors.add(path + ": must be a mapping {url, secret or secretFile, format}");
            return null;
        }
        Yaml.rejectUnknownKeys(node, Set.of("url", "secret", "secretFile", "format", "maxAttempts", "firstRetry"), path,
                errors);
        URI url = null;
        try {
            url = URI.create(node.path("url").asText(""));
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                errors.add(path + "url: must be an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            errors.add(path + "url: not a URL");
        }
        String secret = null;
        if (node.has("secret") && node.has("secretFile")) {
            errors.add(path + "secret: give either secret or secretFile, not both");
        } else if (node.has("secretFile")) {
            Path file = Path.of(node.get("secretFile").asText());
            file = base == null || file.isAbsolute() ? file : base.resolve(file);
            try {
                secret = Files.readString(file).strip();
            } catch (IOException e) {
                errors.add(path + "secretFile: cannot read " + file);
            }
        } else {
            secret = node.path("secret").asText(null);
        }
        if (secret == null || secret.length() < 16) {
            errors.add(path + "secret: required, at least 16 characters (it signs every request)");
        }
        String format = node.path("format").asText("json").toLowerCase(Locale.ROOT);
        if (!format.equals("json") && !format.equals("slack")) {
            errors.add(path + "format: must be json or slack, was \"" + format + "\"");
        }
        int maxAttempts = node.path("maxAttempts").asInt(8);
        if (maxAttempts < 1) {
            errors.add(path + "maxAttempts: must be at least 1");
        }
        Duration firstRetry = node.has("firstRetry") ? duration(node.get("firstRetry"), path + "firstRetry", errors)
                : Duration.ofSeconds(5);
        return url == null || secret == null ? null : new Webhook(url, secret, format, maxAttempts,
                firstRetry == null ? Duration.ofSeconds(5) : firstRetry);
    }

    private static Duration duration(JsonNode node, String path, List<String> errors) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            errors.add(path + ": required, " + Durations.LIKE);
            return null;
        }
        try {
            return Durations.parse(node.asText());
        } catch (IllegalArgumentException e) {
            errors.add(path + ": " + e.getMessage());
            return null;
        }
    }
}
