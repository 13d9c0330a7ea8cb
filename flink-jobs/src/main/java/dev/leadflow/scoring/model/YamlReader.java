package dev.leadflow.scoring.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.leadflow.scoring.Durations;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one YAML mapping of the model strictly: every accessor records its key as known, and
 * {@link #finish()} rejects the keys nobody asked for, so a typo ({@code halfLive}) fails loudly
 * instead of silently doing nothing. Every error names the full key path and the bad value.
 */
final class YamlReader {

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_]+");

    private final JsonNode node;
    private final String path;
    private final Set<String> known = new LinkedHashSet<>();

    private YamlReader(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static YamlReader root(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new ModelException("the model is empty");
        }
        if (!node.isObject()) {
            throw new ModelException("the model must be a YAML mapping, was " + describe(node));
        }
        return new YamlReader(node, "");
    }

    String path() {
        return path;
    }

    String pathOf(String key) {
        String segment = PLAIN_KEY.matcher(key).matches() ? key : '"' + key + '"';
        return path.isEmpty() ? segment : path + '.' + segment;
    }

    ModelException error(String key, String problem) {
        return new ModelException(pathOf(key) + ": " + problem + ", was " + describe(node.get(key)));
    }

    boolean has(String key) {
        known.add(key);
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    YamlReader object(String key) {
        if (!has(key)) {
            throw missing(key);
        }
        JsonNode value = node.get(key);
        if (!value.isObject()) {
            throw error(key, "must be a mapping of keys to values");
        }
        return new YamlReader(value, pathOf(key));
    }

    /** The nested mapping, or an empty one when the key is absent (all its keys have defaults). */
    YamlReader optionalObject(String key) {
        return has(key) ? object(key) : new YamlReader(JsonNodeFactory.instance.objectNode(), pathOf(key));
    }

    String string(String key) {
        if (!has(key)) {
            throw missing(key);
        }
        JsonNode value = node.get(key);
        if (value.isBoolean()) {
            throw error(key, "must be text (quote values such as NO, ON or YES, which YAML reads as true/false)");
        }
        if (!value.isValueNode() || value.asText().isBlank()) {
            throw error(key, "must be non-empty text");
        }
        return value.asText().trim();
    }

    String optionalString(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    int integer(String key, int min, int max) {
        if (!has(key)) {
            throw missing(key);
        }
        JsonNode value = node.get(key);
        if (!value.isIntegralNumber() || !value.canConvertToInt()
                || value.intValue() < min || value.intValue() > max) {
            throw error(key, "must be a whole number from " + min + " to " + max);
        }
        return value.intValue();
    }

    int optionalInteger(String key, int fallback, int min, int max) {
        return has(key) ? integer(key, min, max) : fallback;
    }

    long duration(String key) {
        if (!has(key)) {
            throw missing(key);
        }
        JsonNode value = node.get(key);
        long millis = value.isTextual() ? Durations.parsePositive(value.asText()) : -1;
        if (millis <= 0) {
            throw error(key, "expected a positive " + dev.leadflow.schemas.Durations.LIKE.substring(2));
        }
        return millis;
    }

    long optionalDuration(String key, long fallback) {
        return has(key) ? duration(key) : fallback;
    }

    /** A duration that may be zero, written {@code 0} or with a unit ({@code 0m}): "none". */
    long optionalDurationOrZero(String key, long fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode value = node.get(key);
        long millis = value.isTextual() ? Durations.parse(value.asText())
                : value.isIntegralNumber() && value.asLong() == 0 ? 0 : -1;
        if (millis < 0) {
            throw error(key, "expected " + dev.leadflow.schemas.Durations.LIKE + ", or 0 for none");
        }
        return millis;
    }

    /** A list of text items; absent means empty. */
    List<String> stringList(String key) {
        List<String> out = new ArrayList<>();
        if (!has(key)) {
            return out;
        }
        JsonNode value = node.get(key);
        if (!value.isArray()) {
            throw error(key, "must be a list");
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (item.isBoolean()) {
                throw new ModelException(pathOf(key) + "[" + i + "]: must be text (quote values such as NO, ON"
                        + " or YES, which YAML reads as true/false), was " + describe(item));
            }
            if (!item.isValueNode() || item.isNull() || item.asText().isBlank()) {
                throw new ModelException(pathOf(key) + "[" + i + "]: must be non-empty text, was " + describe(item));
            }
            out.add(item.asText().trim());
        }
        return out;
    }

    /** A list of mappings; absent means empty. */
    List<YamlReader> objectList(String key) {
        List<YamlReader> out = new ArrayList<>();
        if (!has(key)) {
            return out;
        }
        JsonNode value = node.get(key);
        if (!value.isArray()) {
            throw error(key, "must be a list");
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String itemPath = pathOf(key) + "[" + i + "]";
            if (!item.isObject()) {
                throw new ModelException(itemPath + ": must be a mapping of keys to values, was " + describe(item));
            }
            out.add(new YamlReader(item, itemPath));
        }
        return out;
    }

    /** Every entry of this mapping whose keys are data (signal keys, regions), in file order. */
    Map<String, YamlReader> objectEntries() {
        Map<String, YamlReader> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            known.add(e.getKey());
            if (!e.getValue().isObject()) {
                throw error(e.getKey(), "must be a mapping of keys to values");
            }
            out.put(e.getKey(), new YamlReader(e.getValue(), pathOf(e.getKey())));
        }
        return out;
    }

    /** Every entry of this mapping as a whole number, e.g. {@code industries: {software: 8}}. */
    Map<String, Integer> integerEntries(int min, int max) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            out.put(key, integer(key, min, max));
        }
        return out;
    }

    /** Every entry of this mapping as a list of text, e.g. {@code regions: {NA: [US, CA]}}. */
    Map<String, List<String>> listEntries() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            out.put(key, stringList(key));
        }
        return out;
    }

    /** Every entry of this mapping as a duration, e.g. {@code cooldowns: {CLOSED_LOST: 90d}}. */
    Map<String, Long> durationEntries() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            out.put(key, duration(key));
        }
        return out;
    }

    /** Rejects keys of this mapping that no accessor asked for. */
    void finish() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new ModelException(pathOf(key) + ": unknown key (expected one of: "
                        + String.join(", ", known) + ")");
            }
        }
    }

    private ModelException missing(String key) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String other = it.next();
            if (editDistance(other.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT)) <= 2) {
                return new ModelException(pathOf(key) + ": is required (is \"" + other + "\" a typo of it?)");
            }
        }
        return new ModelException(pathOf(key) + ": is required");
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "missing";
        }
        if (value.isContainerNode()) {
            return value.isArray() ? "a list" : "a mapping";
        }
        return value.toString();
    }
}
