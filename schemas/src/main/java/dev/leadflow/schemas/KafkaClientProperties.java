package dev.leadflow.schemas;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kafka client properties from a Java properties file ({@code security.protocol=SASL_SSL},
 * {@code sasl.mechanism=SCRAM-SHA-512}, {@code sasl.jaas.config=...}), the way Kafka's own tools take
 * {@code --command-config}: one mounted secret file holds the whole client security setup, and
 * nothing of it reaches a command line or a log.
 */
public final class KafkaClientProperties {

    private static final Set<String> SECRET_HINTS = Set.of("password", "secret", "jaas", "token", "credential", "keystore.key", "private");

    private KafkaClientProperties() {}

    /**
     * @param option the setting that named the file, for the error message
     * @throws IllegalArgumentException naming the option and file when it cannot be read (the
     *                                  file's contents are never repeated)
     */
    public static Map<String, String> read(Path file, String option) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": cannot read Kafka client properties from " + file + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        Map<String, String> out = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> out.put(name.strip(), properties.getProperty(name).strip()));
        return out;
    }

    /** Whether a property's value must not be shown: passwords, JAAS configs, tokens, keys. */
    public static boolean isSecret(String property) {
        String p = property.toLowerCase(Locale.ROOT);
        return SECRET_HINTS.stream().anyMatch(p::contains);
    }

    /** The properties with the values of {@link #isSecret secret} ones replaced by {@code ***}; safe to log. */
    public static Map<String, String> masked(Map<String, String> properties) {
        Map<String, String> out = new TreeMap<>();
        properties.forEach((k, v) -> out.put(k, isSecret(k) ? "***" : v));
        return out;
    }
}
