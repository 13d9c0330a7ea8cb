package dev.leadflow.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The write keys, one per source, from a YAML file that holds only their SHA-256 hashes (so the file, a
 * ConfigMap or a backup of it, never gives a key away):
 *
 * <pre>
 * keys:
 *   - name: website              # names the source in metrics and logs
 *     kind: tracking             # tracking: the Segment API; crm: POST /v1/sales-activity
 *     sha256: 9f86d081...        # `java -jar leadflow-collector.jar hash-key &lt;key&gt;` prints it
 *     eventsPerSecond: 1000      # optional (default 1000): the key's rate, beyond which it gets 429
 *     burst: 5000                # optional (default 5 s of its rate): events it may send at once
 * </pre>
 *
 * A presented key is hashed and looked up by its hash.
 */
final class WriteKeys {

    enum Kind {
        TRACKING, CRM
    }

    /** A known key: its source's name, what it may call, and its rate. */
    static final class Source {
        private final String name;
        private final Kind kind;
        private final RateLimiter limiter;

        Source(String name, Kind kind, RateLimiter limiter) {
            this.name = name;
            this.kind = kind;
            this.limiter = limiter;
        }

        String name() {
            return name;
        }

        Kind kind() {
            return kind;
        }

        /** 0 if {@code events} may go now, else seconds to wait. */
        long acquire(int events) {
            return limiter.tryAcquire(events);
        }
    }

    static final double DEFAULT_EVENTS_PER_SECOND = 1000;
    private static final double DEFAULT_BURST_SECONDS = 5;
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Set<String> KEYS = Set.of("name", "kind", "sha256", "eventsPerSecond", "burst");

    private final Map<String, Source> byHash;

    private WriteKeys(Map<String, Source> byHash) {
        this.byHash = byHash;
    }

    /** SHA-256 of the key's UTF-8 bytes in lower-case hex: what the keys file holds. */
    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    Optional<Source> find(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byHash.get(hash(key)));
    }

    static WriteKeys load(Path file) {
        return load(file, System::nanoTime);
    }

    /**
     * @throws IllegalArgumentException listing every mistake of the file by its place in it
     */
    static WriteKeys load(Path file, LongSupplier nanoClock) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a readable YAML file");
        }
        List<String> errors = new ArrayList<>();
        JsonNode keys = root == null ? null : root.get("keys");
        if (keys == null || !keys.isArray() || keys.isEmpty()) {
            throw new IllegalArgumentException(file + ": needs `keys:`, a list of at least one key");
        }
        Map<String, Source> byHash = new HashMap<>();
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            JsonNode k = keys.get(i);
            String at = "keys[" + i + "].";
            if (!k.isObject()) {
                errors.add("keys[" + i + "]: must be a mapping");
                continue;
            }
            for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!KEYS.contains(field)) {
                    errors.add(at + field + ": unknown key (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
                }
            }
            String name = k.path("name").asText("");
            if (!NAME.matcher(name).matches()) {
                errors.add(at + "name: required, letters, digits, '.', '_' or '-' (at most 64)");
            } else if (!names.add(name)) {
                errors.add(at + "name: " + name + " is named twice");
            }
            Kind kind = null;
            try {
                kind = Kind.valueOf(k.path("kind").asText("tracking").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(at + "kind: must be tracking or crm");
            }
            String sha = k.path("sha256").asText("").toLowerCase(Locale.ROOT);
            if (!HEX64.matcher(sha).matches()) {
                errors.add(at + "sha256: required, the 64 hex digits of the key's SHA-256 (not the key itself)");
            }
            double rate = k.path("eventsPerSecond").asDouble(DEFAULT_EVENTS_PER_SECOND);
            if (!(rate > 0)) {
                errors.add(at + "eventsPerSecond: must be positive");
            }
            double burst = k.path("burst").asDouble(rate * DEFAULT_BURST_SECONDS);
            if (!(burst >= 1)) {
                errors.add(at + "burst: must be at least 1");
            }
            if (errors.isEmpty() && byHash.put(sha, new Source(name, kind, new RateLimiter(rate, burst, nanoClock))) != null) {
                errors.add(at + "sha256: the same key is listed twice");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid keys file " + file + ":\n  " + String.join("\n  ", errors));
        }
        return new WriteKeys(Map.copyOf(byHash));
    }
}
