package dev.leadflow.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.leadflow.schemas.KafkaClientProperties;
import dev.leadflow.schemas.RegistryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.leadflow.schemas.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the collector needs, from one YAML file plus {@code LEADFLOW_COLLECTOR_*} environment
 * variables (the environment wins; {@code keysFile} ↔ {@code LEADFLOW_COLLECTOR_KEYS_FILE}). Kafka client
 * properties are {@code kafkaProperties} in the file, {@code LEADFLOW_COLLECTOR_KAFKA_PROP_<NAME>} in the
 * environment, or a Java properties file named by {@code kafkaPropertiesFile}; the registry password may
 * come from {@code registryPasswordFile}.
 *
 * @param port             HTTP port; 0 picks a free one
 * @param keysFile         the write keys ({@link WriteKeys})
 * @param allowedOrigins   browser origins allowed by CORS; {@code *} for any
 * @param ackTimeout       how long a request waits for Kafka to acknowledge its records before 503
 * @param maxEventAhead    how far after receipt an event's time may lie
 * @param retryAfter       the {@code Retry-After} of a 503
 */
public record CollectorConfig(int port, String kafkaBootstrapServers, Map<String, String> kafkaProperties,
                              String registryUrl, String registryUser, String registryPassword, Path keysFile,
                              List<String> allowedOrigins, Duration ackTimeout, Duration maxEventAhead,
                              Duration retryAfter) {

    public static final String ENV_PREFIX = "LEADFLOW_COLLECTOR_";
    /** {@code LEADFLOW_COLLECTOR_KAFKA_PROP_SECURITY_PROTOCOL} sets {@code security.protocol} ({@code _} becomes {@code .}). */
    public static final String KAFKA_PROP_PREFIX = ENV_PREFIX + "KAFKA_PROP_";
    public static final int DEFAULT_PORT = 8090;
    public static final String DEFAULT_KAFKA = "localhost:9092";
    public static final String DEFAULT_REGISTRY = "http://localhost:8081";
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(10);
    /** The scoring job's default --max-event-time-skew: a later event would be dead-lettered there. */
    public static final Duration DEFAULT_MAX_EVENT_AHEAD = Duration.ofMinutes(5);
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(10);

    private static final Set<String> FILE_KEYS = Set.of("port", "kafkaBootstrapServers", "kafkaProperties",
            "kafkaPropertiesFile", "registryUrl", "registryUser", "registryPassword", "registryPasswordFile",
            "keysFile", "allowedOrigins", "ackTimeout", "maxEventAhead", "retryAfter");

    public CollectorConfig {
        require(port >= 0 && port <= 65_535, "port", "must be 0..65535, was " + port);
        require(kafkaBootstrapServers != null && !kafkaBootstrapServers.isBlank(), "kafkaBootstrapServers", "required");
        kafkaProperties = Map.copyOf(kafkaProperties == null ? Map.of() : kafkaProperties);
        require(registryUrl != null && !registryUrl.isBlank(), "registryUrl", "required");
        try {
            RegistryConfig.of(registryUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("registryUrl: " + e.getMessage(), e);
        }
        require((registryUser == null) == (registryPassword == null), "registryUser",
                "registryUser and registryPassword go together");
        require(keysFile != null, "keysFile", "required");
        allowedOrigins = List.copyOf(allowedOrigins == null || allowedOrigins.isEmpty() ? List.of("*") : allowedOrigins);
        require(positive(ackTimeout), "ackTimeout", "must be positive");
        require(maxEventAhead != null && !maxEventAhead.isNegative(), "maxEventAhead", "must not be negative");
        require(positive(retryAfter), "retryAfter", "must be positive");
    }

    /** Defaults (Kafka and the registry on localhost) with the given keys file. */
    public static CollectorConfig defaults(Path keysFile) {
        return new CollectorConfig(DEFAULT_PORT, DEFAULT_KAFKA, Map.of(), DEFAULT_REGISTRY, null, null, keysFile,
                List.of("*"), DEFAULT_ACK_TIMEOUT, DEFAULT_MAX_EVENT_AHEAD, DEFAULT_RETRY_AFTER);
    }

    public CollectorConfig withPort(int p) {
        return new CollectorConfig(p, kafkaBootstrapServers, kafkaProperties, registryUrl, registryUser,
                registryPassword, keysFile, allowedOrigins, ackTimeout, maxEventAhead, retryAfter);
    }

    public CollectorConfig withKafka(String bootstrap, Map<String, String> properties) {
        return new CollectorConfig(port, bootstrap, properties, registryUrl, registryUser, registryPassword,
                keysFile, allowedOrigins, ackTimeout, maxEventAhead, retryAfter);
    }

    public CollectorConfig withRegistry(String url) {
        return new CollectorConfig(port, kafkaBootstrapServers, kafkaProperties, url, null, null, keysFile,
                allowedOrigins, ackTimeout, maxEventAhead, retryAfter);
    }

    public CollectorConfig withAllowedOrigins(List<String> origins) {
        return new CollectorConfig(port, kafkaBootstrapServers, kafkaProperties, registryUrl, registryUser,
                registryPassword, keysFile, origins, ackTimeout, maxEventAhead, retryAfter);
    }

    public CollectorConfig withAckTimeout(Duration timeout) {
        return new CollectorConfig(port, kafkaBootstrapServers, kafkaProperties, registryUrl, registryUser,
                registryPassword, keysFile, allowedOrigins, timeout, maxEventAhead, retryAfter);
    }

    public RegistryConfig registry() {
        RegistryConfig registry = RegistryConfig.of(registryUrl);
        return registryUser == null ? registry : registry.withBasicAuth(registryUser, registryPassword);
    }

    /**
     * Reads {@code yamlOrNull} (relative paths resolved against its folder), then {@code env}.
     *
     * @throws IllegalArgumentException naming every bad key (values of secrets never repeated)
     */
    public static CollectorConfig load(Path yamlOrNull, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> kafka = new TreeMap<>();
        List<String> origins = new ArrayList<>();
        Path base = yamlOrNull == null ? Path.of("") : yamlOrNull.toAbsolutePath().getParent();
        if (yamlOrNull != null) {
            JsonNode root;
            try {
                root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(yamlOrNull));
            } catch (IOException e) {
                throw new IllegalArgumentException(yamlOrNull + ": not a readable YAML file");
            }
            if (root != null && !root.isNull() && !root.isMissingNode()) {
                if (!root.isObject()) {
                    throw new IllegalArgumentException(yamlOrNull + ": must be a mapping of keys to values");
                }
                for (Map.Entry<String, JsonNode> e : root.properties()) {
                    String key = e.getKey();
                    if (!FILE_KEYS.contains(key)) {
                        throw new IllegalArgumentException(yamlOrNull + ": " + key + ": unknown key (known: "
                                + String.join(", ", FILE_KEYS.stream().sorted().toList()) + ")");
                    }
                    if (key.equals("kafkaProperties")) {
                        e.getValue().properties().forEach(p -> kafka.put(p.getKey(), p.getValue().asText()));
                    } else if (key.equals("allowedOrigins")) {
                        e.getValue().forEach(o -> origins.add(o.asText()));
                        if (e.getValue().isTextual()) {
                            origins.add(e.getValue().asText());
                        }
                    } else {
                        values.put(key, e.getValue().asText());
                    }
                }
            }
        }
        env.forEach((name, value) -> {
            if (name.startsWith(KAFKA_PROP_PREFIX)) {
                // LEADFLOW_COLLECTOR_KAFKA_PROP_SASL_JAAS_CONFIG -> sasl.jaas.config
                kafka.put(name.substring(KAFKA_PROP_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            } else if (name.startsWith(ENV_PREFIX)) {
                String key = camel(name.substring(ENV_PREFIX.length()));
                if (key.equals("allowedOrigins")) {
                    origins.clear();
                    for (String o : value.split(",")) {
                        if (!o.isBlank()) {
                            origins.add(o.strip());
                        }
                    }
                } else if (FILE_KEYS.contains(key)) {
                    values.put(key, value);
                }
            }
        });
        Map<String, String> kafkaProps = new TreeMap<>();
        if (values.containsKey("kafkaPropertiesFile")) {
            kafkaProps.putAll(KafkaClientProperties.read(base.resolve(values.get("kafkaPropertiesFile")), "kafkaPropertiesFile"));
        }
        kafkaProps.putAll(kafka);
        String password = values.get("registryPassword");
        if (values.containsKey("registryPasswordFile")) {
            try {
                password = Files.readString(base.resolve(values.get("registryPasswordFile"))).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("registryPasswordFile: cannot read " + values.get("registryPasswordFile"));
            }
        }
        String keys = values.get("keysFile");
        return new CollectorConfig(
                integer(values.getOrDefault("port", Integer.toString(DEFAULT_PORT)), "port"),
                values.getOrDefault("kafkaBootstrapServers", DEFAULT_KAFKA),
                kafkaProps,
                values.getOrDefault("registryUrl", DEFAULT_REGISTRY),
                values.get("registryUser"),
                password,
                keys == null ? null : base.resolve(keys),
                origins,
                duration(values.get("ackTimeout"), "ackTimeout", DEFAULT_ACK_TIMEOUT),
                duration(values.get("maxEventAhead"), "maxEventAhead", DEFAULT_MAX_EVENT_AHEAD),
                duration(values.get("retryAfter"), "retryAfter", DEFAULT_RETRY_AFTER));
    }

    /** Safe to log: the registry password and secret-looking Kafka properties are masked. */
    @Override
    public String toString() {
        return "CollectorConfig[port=" + port + ", kafka=" + kafkaBootstrapServers + " "
                + KafkaClientProperties.masked(kafkaProperties) + ", registry=" + registryUrl
                + (registryUser == null ? "" : " (user " + registryUser + ", password ***)")
                + ", keysFile=" + keysFile + ", allowedOrigins=" + allowedOrigins + ", ackTimeout=" + ackTimeout
                + ", maxEventAhead=" + maxEventAhead + ", retryAfter=" + retryAfter + "]";
    }

    /** {@code KEYS_FILE} → {@code keysFile}. */
    private static String camel(String upperSnake) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : upperSnake.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    private static int integer(String text, String key) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": must be a whole number, was \"" + text + "\"");
        }
    }

    /** {@code text} read as {@link Durations} reads every duration; {@code otherwise} when absent. */
    static Duration duration(String text, String key, Duration otherwise) {
        if (text == null) {
            return otherwise;
        }
        return Durations.tryParse(text).orElseThrow(() -> new IllegalArgumentException(key + ": " + Durations.problem(text)));
    }

    private static void require(boolean ok, String key, String message) {
        if (!ok) {
            throw new IllegalArgumentException(key + ": " + message);
        }
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }
}
