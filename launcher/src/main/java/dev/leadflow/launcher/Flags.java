package dev.leadflow.launcher;

import dev.leadflow.schemas.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Command-line flags: {@code --name value}, {@code --name=value}, or a bare {@code --name} for a
 * boolean. Every getter names the flag in its error; {@link #requireAllUsed()} rejects flags that
 * no getter asked for, so a typo never silently does nothing.
 */
public final class Flags {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> used = new TreeSet<>();

    private Flags() {}

    public static Flags parse(String[] args) {
        Flags f = new Flags();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument '" + a + "': options look like --name value");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = null; // a boolean switch
            }
            f.values.put(name, value);
        }
        return f;
    }

    public boolean has(String name) {
        used.add(name);
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        used.add(name);
        if (!values.containsKey(name)) {
            return fallback;
        }
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException("--" + name + " needs a value");
        }
        return v;
    }

    public boolean bool(String name) {
        used.add(name);
        if (!values.containsKey(name)) {
            return false;
        }
        String v = values.get(name);
        if (v == null || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes")) {
            return true;
        }
        if (v.equalsIgnoreCase("false") || v.equalsIgnoreCase("no")) {
            return false;
        }
        throw new UsageException("--" + name + " is a switch: give it no value (or true/false), got '" + v + "'");
    }

    public int port(String name, int fallback) {
        int p = integer(name, fallback);
        if (p < 1 || p > 65_535) {
            throw new UsageException("--" + name + " must be a port number 1..65535, got " + p);
        }
        return p;
    }

    public int integer(String name, int fallback) {
        long v = longValue(name, fallback);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new UsageException("--" + name + " is out of range: " + v);
        }
        return (int) v;
    }

    /** A whole number; {@code 2000000}, {@code 2_000_000}, {@code 2,000,000}, {@code 2m} and {@code 50k} all work. */
    public long longValue(String name, long fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        String s = v.trim().toLowerCase(Locale.ROOT).replace("_", "").replace(",", "");
        long factor = 1;
        if (s.endsWith("k")) {
            factor = 1_000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            factor = 1_000_000;
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), factor);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("--" + name + " expects a whole number, got '" + v + "'");
        }
    }

    public double decimal(String name, double fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}; a bare number is seconds. */
    public Duration duration(String name, Duration fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        return Durations.tryParse(v).orElseThrow(() -> new UsageException("--" + name + ": " + Durations.problem(v)));
    }

    public Instant instant(String name, Instant fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new UsageException("--" + name + " expects an ISO-8601 instant like 2025-03-01T09:00:00Z, got '" + v + "'");
        }
    }

    public Path path(String name, Path fallback) {
        String v = string(name, null);
        return v == null ? fallback : Path.of(v);
    }

    /** Every {@code --<prefix>name value} as {@code name -> value} (e.g. {@code --kafka.security.protocol}). */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getKey().length() > prefix.length()) {
                used.add(e.getKey());
                if (e.getValue() == null) {
                    throw new UsageException("--" + e.getKey() + " needs a value");
                }
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }

    /** Fails on any flag that no getter asked for. Call after reading every flag. */
    public void requireAllUsed() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) {
            throw new UsageException("unknown option(s): --" + String.join(", --", unknown));
        }
    }

    /** A mistake on the command line: printed with the command's usage, exit code 2. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
