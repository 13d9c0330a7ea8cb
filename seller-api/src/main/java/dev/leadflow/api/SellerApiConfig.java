package dev.leadflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.queue.RedisTls;
import dev.leadflow.schemas.Durations;
import dev.leadflow.schemas.KafkaClientProperties;
import dev.leadflow.schemas.RegistryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Everything the seller API needs, from one YAML file plus {@code LEADFLOW_API_*} environment variables
 * (the environment wins). Each key of the file has a variable named after it in upper snake case
 * ({@code leaseDuration} ↔ {@code LEADFLOW_API_LEASE_DURATION}); Kafka client properties are
 * {@code kafkaProperties} in the file and {@code LEADFLOW_API_KAFKA_PROP_<NAME>} in the environment
 * ({@code _} becomes {@code .}: {@code LEADFLOW_API_KAFKA_PROP_SECURITY_PROTOCOL} is
 * {@code security.protocol}); {@code kafkaPropertiesFile} names a Java properties file of them (the
 * others override its entries). Secrets can be read from files ({@code redisUriFile},
 * {@code redisPasswordFile}, {@code registryPasswordFile}, the Kafka properties file) and never appear
 * in {@link #toString()}.
 *
 * @param port            HTTP port; 0 picks a free one ({@link SellerApi#port()} tells which)
 * @param redisUri        {@code redis://[user:password@]host:port[/db]}, {@code rediss://} for TLS
 * @param redisUser       Redis ACL user, or null for the URI's
 * @param redisPassword   Redis password, or null for the URI's
 * @param redisTls        CA and client certificate files for TLS (setting them turns TLS on), or null
 * @param usersFile       the users and their token hashes ({@link Users})
 * @param leaseDuration   how long a claim holds a lead before it returns to the queue
 * @param bodyLimitBytes  larger request bodies get 413
 * @param reclaimInterval how often lapsed leases are returned and lease expiries counted
 * @param maxEventStreams open event streams (all queues, all clients) beyond which new ones get 503
 * @param maxLiveQueues   queues followed live at once; each holds one Redis connection while watched
 * @param queuePolicies   per-queue response targets, escalation, webhooks and claim caps: the
 *                        {@code queues} mapping of the file, or a file of it ({@code queuesFile});
 *                        docs/speed-to-lead.md
 */
public record SellerApiConfig(int port, String redisUri, String redisUser, String redisPassword, RedisTls redisTls,
                              String kafkaBootstrapServers,
                              Map<String, String> kafkaProperties, String registryUrl, String registryUser,
                              String registryPassword, Path usersFile, Duration leaseDuration, int bodyLimitBytes,
                              Duration reclaimInterval, int maxEventStreams, int maxLiveQueues,
                              QueuePolicies queuePolicies, Sessions sessions) {

    /**
     * Sign-in and event streams (docs/seller-api.md, "Users and tokens").
     *
     * @param streamLifetime      an event stream is closed after this; the client reconnects with a fresh ticket
     * @param ticketTtl           how long a stream ticket may wait before it is used
     * @param ticketSecret        the key stream tickets are signed with; the same on every instance behind one
     *                            address (from {@code streamTicketSecretFile}); null: a random key per instance
     * @param usersReloadInterval how often the users file is checked for changes
     */
    public record Sessions(Duration streamLifetime, Duration ticketTtl, String ticketSecret, Duration usersReloadInterval) {

        public static Sessions defaults() {
            return new Sessions(Duration.ofHours(1), Duration.ofSeconds(60), null, Duration.ofSeconds(1));
        }

        @Override
        public String toString() {
            return "Sessions[streamLifetime=" + streamLifetime + ", ticketTtl=" + ticketTtl + ", ticketSecret="
                    + (ticketSecret == null ? "random per instance" : "***") + ", usersReloadInterval=" + usersReloadInterval + "]";
        }
    }

    public static final String ENV_PREFIX = "LEADFLOW_API_";
    static final String KAFKA_PROP_PREFIX = ENV_PREFIX + "KAFKA_PROP_";

    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_REDIS_URI = "redis://localhost:6379";
    public static final String DEFAULT_KAFKA = "localhost:9092";
    public static final String DEFAULT_REGISTRY = "http://localhost:8081";
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(15);
    public static final int DEFAULT_BODY_LIMIT = 16 * 1024;
    public static final Duration DEFAULT_RECLAIM_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_EVENT_STREAMS = 256;
    public static final int DEFAULT_MAX_LIVE_QUEUES = 16;

    public SellerApiConfig {
        require(port >= 0 && port <= 65_535, "port", "must be 0..65535, was " + port);
        require(redisUri != null, "redisUri", "required");
        checked("redisUri", () -> RedisConfig.fromUri(redisUri));
        require(redisUser == null || !redisUser.isBlank(), "redisUser", "must not be blank");
        require(notBlank(kafkaBootstrapServers), "kafkaBootstrapServers", "required");
        kafkaProperties = Map.copyOf(kafkaProperties == null ? Map.of() : kafkaProperties);
        require(notBlank(registryUrl), "registryUrl", "required");
        checked("registryUrl", () -> RegistryConfig.of(registryUrl));
        require((registryUser == null) == (registryPassword == null), "registryUser",
                "registryUser and registryPassword go together");
        require(usersFile != null, "usersFile", "required");
        require(positive(leaseDuration), "leaseDuration", "must be positive");
        require(bodyLimitBytes >= 256, "bodyLimitBytes", "must be at least 256, was " + bodyLimitBytes);
        require(positive(reclaimInterval), "reclaimInterval", "must be positive");
        require(maxEventStreams > 0, "maxEventStreams", "must be positive");
        require(maxLiveQueues > 0, "maxLiveQueues", "must be positive");
        queuePolicies = queuePolicies == null ? QueuePolicies.defaults() : queuePolicies;
        sessions = sessions == null ? Sessions.defaults() : sessions;
        require(positive(sessions.streamLifetime()), "streamLifetime", "must be positive");
        require(positive(sessions.ticketTtl()), "streamTicketTtl", "must be positive");
        require(positive(sessions.usersReloadInterval()), "usersReloadInterval", "must be positive");
    }

    /** The same with other session settings (stream lifetime, tickets, users file reloading). */
    public SellerApiConfig withSessions(Sessions newSessions) {
        return edit(d -> d.sessions = newSessions);
    }

    /**
     * The per-queue settings from a YAML file whose top level is the {@code queues} mapping
     * (docs/speed-to-lead.md).
     *
     * @throws IllegalArgumentException naming every bad setting
     */
    public SellerApiConfig withQueues(Path yamlFile) {
        List<String> errors = new ArrayList<>();
        QueuePolicies policies = QueuePolicies.parse(Yaml.readMapping(yamlFile), yamlFile.toAbsolutePath().getParent(),
                errors);
        Yaml.failIfAny("queue settings in " + yamlFile, errors);
        return withQueuePolicies(policies.withInterval(queuePolicies.interval()));
    }

    /** How often targets are scheduled, escalations taken and webhooks sent (default 1 s). */
    public SellerApiConfig withEscalationInterval(Duration interval) {
        require(positive(interval), "escalationInterval", "must be positive");
        return withQueuePolicies(queuePolicies.withInterval(interval));
    }

    SellerApiConfig withQueuePolicies(QueuePolicies policies) {
        return edit(d -> d.queuePolicies = policies);
    }

    /** The defaults with the given users file: Redis, Kafka and the registry on localhost. */
    public static SellerApiConfig defaults(Path usersFile) {
        return new SellerApiConfig(DEFAULT_PORT, DEFAULT_REDIS_URI, null, null, null, DEFAULT_KAFKA, Map.of(), DEFAULT_REGISTRY, null,
                null, usersFile, DEFAULT_LEASE, DEFAULT_BODY_LIMIT, DEFAULT_RECLAIM_INTERVAL,
                DEFAULT_MAX_EVENT_STREAMS, DEFAULT_MAX_LIVE_QUEUES, QueuePolicies.defaults(), Sessions.defaults());
    }

    /**
     * Reads {@code yamlOrNull} (if given), then applies {@code LEADFLOW_API_*} variables of {@code env}.
     * Relative paths in the file are resolved against the file's folder.
     *
     * @throws IllegalArgumentException listing every bad key or variable by name (values of secrets are
     *                                  never repeated)
     */
    public static SellerApiConfig load(Path yamlOrNull, Map<String, String> env) {
        Loader loader = new Loader();
        if (yamlOrNull != null) {
            loader.readFile(yamlOrNull);
        }
        loader.readEnv(env);
        return loader.build();
    }

    /** The Redis URI with {@code redisUser}, {@code redisPassword} and {@code redisTls} applied. */
    public RedisConfig redis() {
        return RedisConfig.fromUri(redisUri).withAccess(redisUser, redisPassword, redisTls);
    }

    public SellerApiConfig withRedisAccess(String user, String password, RedisTls tls) {
        return edit(d -> {
            d.redisUser = user;
            d.redisPassword = password;
            d.redisTls = tls;
        });
    }

    public RegistryConfig registry() {
        RegistryConfig registry = RegistryConfig.of(registryUrl);
        return registryUser == null ? registry : registry.withBasicAuth(registryUser, registryPassword);
    }

    public SellerApiConfig withPort(int newPort) {
        return edit(d -> d.port = newPort);
    }

    public SellerApiConfig withRedisUri(String uri) {
        return edit(d -> d.redisUri = uri);
    }

    public SellerApiConfig withKafka(String bootstrapServers, Map<String, String> properties) {
        return edit(d -> {
            d.kafkaBootstrapServers = bootstrapServers;
            d.kafkaProperties = properties;
        });
    }

    public SellerApiConfig withRegistry(String url, String user, String password) {
        return edit(d -> {
            d.registryUrl = url;
            d.registryUser = user;
            d.registryPassword = password;
        });
    }

    public SellerApiConfig withLeaseDuration(Duration lease) {
        return edit(d -> d.leaseDuration = lease);
    }

    public SellerApiConfig withReclaimInterval(Duration interval) {
        return edit(d -> d.reclaimInterval = interval);
    }

    public SellerApiConfig withLimits(int newBodyLimitBytes, int newMaxEventStreams, int newMaxLiveQueues) {
        return edit(d -> {
            d.bodyLimitBytes = newBodyLimitBytes;
            d.maxEventStreams = newMaxEventStreams;
            d.maxLiveQueues = newMaxLiveQueues;
        });
    }

    /**
     * This configuration as a draft to change: public mutable fields (the way {@code JobSettings} is put
     * together), turned back into a validated, immutable configuration by {@link Draft#build()}. Every
     * {@code with…} method is one such edit, so no method copies the components by hand.
     */
    public Draft draft() {
        return new Draft(this);
    }

    private SellerApiConfig edit(java.util.function.Consumer<Draft> change) {
        Draft d = draft();
        change.accept(d);
        return d.build();
    }

    /** A configuration being changed; {@link #build()} validates it. */
    public static final class Draft {
        public int port;
        public String redisUri;
        public String redisUser;
        public String redisPassword;
        public RedisTls redisTls;
        public String kafkaBootstrapServers;
        public Map<String, String> kafkaProperties;
        public String registryUrl;
        public String registryUser;
        public String registryPassword;
        public Path usersFile;
        public Duration leaseDuration;
        public int bodyLimitBytes;
        public Duration reclaimInterval;
        public int maxEventStreams;
        public int maxLiveQueues;
        public QueuePolicies queuePolicies;
        public Sessions sessions;

        Draft(SellerApiConfig c) {
            port = c.port;
            redisUri = c.redisUri;
            redisUser = c.redisUser;
            redisPassword = c.redisPassword;
            redisTls = c.redisTls;
            kafkaBootstrapServers = c.kafkaBootstrapServers;
            kafkaProperties = c.kafkaProperties;
            registryUrl = c.registryUrl;
            registryUser = c.registryUser;
            registryPassword = c.registryPassword;
            usersFile = c.usersFile;
            leaseDuration = c.leaseDuration;
            bodyLimitBytes = c.bodyLimitBytes;
            reclaimInterval = c.reclaimInterval;
            maxEventStreams = c.maxEventStreams;
            maxLiveQueues = c.maxLiveQueues;
            queuePolicies = c.queuePolicies;
            sessions = c.sessions;
        }

        public SellerApiConfig build() {
            return new SellerApiConfig(port, redisUri, redisUser, redisPassword, redisTls, kafkaBootstrapServers, kafkaProperties, registryUrl, registryUser, registryPassword, usersFile, leaseDuration, bodyLimitBytes, reclaimInterval, maxEventStreams, maxLiveQueues, queuePolicies, sessions);
        }
    }

    /** Safe to log: the Redis password, the registry password and secret-looking Kafka properties are masked. */
    @Override
    public String toString() {
        Map<String, String> kafka = KafkaClientProperties.masked(kafkaProperties);
        return "SellerApiConfig[port=" + port + ", redis=" + redis() + ", kafka=" + kafkaBootstrapServers
                + " " + kafka + ", registry=" + registryUrl + (registryUser == null ? "" : " (user " + registryUser
                + ", password ***)") + ", usersFile=" + usersFile + ", leaseDuration=" + leaseDuration
                + ", bodyLimitBytes=" + bodyLimitBytes + ", reclaimInterval=" + reclaimInterval + ", maxEventStreams="
                + maxEventStreams + ", maxLiveQueues=" + maxLiveQueues + ", queues with settings=" + queuePolicies.byQueue().keySet() + ", " + sessions
                + "]";
    }

    static boolean isSecret(String property) {
        return KafkaClientProperties.isSecret(property);
    }

    private static void require(boolean ok, String key, String message) {
        if (!ok) {
            throw new IllegalArgumentException(key + ": " + message);
        }
    }

    /** Runs a validation whose message does not yet name the key, and prefixes it. */
    private static void checked(String key, Runnable validation) {
        try {
            validation.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    /** One scalar setting: its text and where it came from (a file key or a variable), for messages. */
    private record Raw(String text, String origin, Path base) {
    }

    /** Collects raw settings from the file and the environment, then parses them all, gathering every error. */
    private static final class Loader {

        private static final Map<String, Boolean> KEYS = new LinkedHashMap<>();

        static {
            // key -> whether it is a secret (its value is never repeated in an error)
            for (String key : List.of("port", "redisUri", "redisUriFile", "redisUser", "redisPassword",
                    "redisPasswordFile", "redisTlsCaFile", "redisTlsCertFile", "redisTlsKeyFile",
                    "redisTlsVerifyHostname", "kafkaBootstrapServers", "kafkaPropertiesFile", "registryUrl",
                    "registryUser", "registryPassword", "registryPasswordFile", "usersFile", "leaseDuration",
                    "bodyLimitBytes", "reclaimInterval", "maxEventStreams", "maxLiveQueues", "queuesFile",
                    "escalationInterval", "streamLifetime", "streamTicketTtl", "streamTicketSecret", "streamTicketSecretFile",
                    "usersReloadInterval")) {
                KEYS.put(key, key.equals("redisUri") || key.equals("registryPassword") || key.equals("redisPassword")
                        || key.equals("streamTicketSecret"));
            }
        }

        private final Map<String, Raw> values = new LinkedHashMap<>();
        private final Map<String, String> kafka = new LinkedHashMap<>();
        private final List<String> errors = new ArrayList<>();
        private JsonNode queuesNode;
        private Path queuesBase;

        void readFile(Path file) {
            ObjectNode root = Yaml.readMapping(file);
            Set<String> known = new java.util.HashSet<>(KEYS.keySet());
            known.add("kafkaProperties");
            known.add("queues");
            queuesNode = root.get("queues");
            queuesBase = file.toAbsolutePath().getParent();
            Yaml.rejectUnknownKeys(root, known, "", errors);
            Path base = file.toAbsolutePath().getParent();
            for (String key : KEYS.keySet()) {
                JsonNode node = root.get(key);
                if (node == null || node.isNull()) {
                    continue;
                }
                if (node.isContainerNode()) {
                    errors.add(key + ": must be a single value");
                } else {
                    values.put(key, new Raw(node.asText(), key, base));
                }
            }
            JsonNode props = root.get("kafkaProperties");
            if (props != null && !props.isNull()) {
                if (!props.isObject()) {
                    errors.add("kafkaProperties: must be a mapping of Kafka client properties");
                } else {
                    for (Map.Entry<String, JsonNode> e : props.properties()) {
                        if (e.getValue().isContainerNode()) {
                            errors.add("kafkaProperties." + e.getKey() + ": must be a single value");
                        } else {
                            kafka.put(e.getKey(), e.getValue().asText());
                        }
                    }
                }
            }
        }

        void readEnv(Map<String, String> env) {
            Map<String, String> byVariable = new LinkedHashMap<>();
            KEYS.keySet().forEach(key -> byVariable.put(ENV_PREFIX + upperSnake(key), key));
            new TreeMap<>(env).forEach((name, value) -> {
                if (name.startsWith(KAFKA_PROP_PREFIX) && name.length() > KAFKA_PROP_PREFIX.length()) {
                    kafka.put(name.substring(KAFKA_PROP_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                            value);
                } else if (byVariable.containsKey(name)) {
                    values.put(byVariable.get(name), new Raw(value, name, null));
                } else if (name.startsWith(ENV_PREFIX)) {
                    errors.add(name + ": unknown variable (known: " + String.join(", ", byVariable.keySet())
                            + ", " + KAFKA_PROP_PREFIX + "<PROPERTY>)");
                }
            });
        }

        SellerApiConfig build() {
            String redisUri = secretOrFile("redisUri", "redisUriFile", DEFAULT_REDIS_URI);
            if (redisUri != null) {
                try {
                    RedisConfig.fromUri(redisUri);
                } catch (IllegalArgumentException e) {
                    // RedisConfig's messages mask the password
                    errors.add(origin("redisUri", "redisUriFile") + ": " + e.getMessage());
                    redisUri = DEFAULT_REDIS_URI;
                }
            }
            String redisUser = parse("redisUser", null, Function.identity());
            String redisPassword = secretOrFile("redisPassword", "redisPasswordFile", null);
            RedisTls redisTls = redisTls();
            int port = parse("port", DEFAULT_PORT, Loader::port);
            String kafkaServers = parse("kafkaBootstrapServers", DEFAULT_KAFKA, Function.identity());
            Path kafkaFile = path("kafkaPropertiesFile");
            if (kafkaFile != null) {
                try {
                    // lowest precedence: kafkaProperties and LEADFLOW_API_KAFKA_PROP_* override its entries
                    KafkaClientProperties.read(kafkaFile, values.get("kafkaPropertiesFile").origin())
                            .forEach(kafka::putIfAbsent);
                } catch (IllegalArgumentException e) {
                    errors.add(e.getMessage());
                }
            }
            String registryUrl = parse("registryUrl", DEFAULT_REGISTRY, url -> {
                RegistryConfig.of(url);
                return url;
            });
            String registryUser = parse("registryUser", null, Function.identity());
            String registryPassword = secretOrFile("registryPassword", "registryPasswordFile", null);
            if ((registryUser == null) != (registryPassword == null)) {
                errors.add("registryUser: registryUser and registryPassword (or registryPasswordFile) go together");
            }
            Path usersFile = path("usersFile");
            if (usersFile == null) {
                errors.add("usersFile: required (" + ENV_PREFIX + "USERS_FILE or usersFile in the config file)");
            } else if (!Files.isReadable(usersFile)) {
                errors.add(origin("usersFile", null) + ": no readable file at " + usersFile);
            }
            Duration lease = parse("leaseDuration", DEFAULT_LEASE, Loader::positiveDuration);
            int bodyLimit = parse("bodyLimitBytes", DEFAULT_BODY_LIMIT, text -> atLeast(text, 256));
            Duration reclaim = parse("reclaimInterval", DEFAULT_RECLAIM_INTERVAL, Loader::positiveDuration);
            int maxStreams = parse("maxEventStreams", DEFAULT_MAX_EVENT_STREAMS, text -> atLeast(text, 1));
            int maxQueues = parse("maxLiveQueues", DEFAULT_MAX_LIVE_QUEUES, text -> atLeast(text, 1));
            Path queuesFile = path("queuesFile");
            if (queuesFile != null && queuesNode != null) {
                errors.add(origin("queuesFile", null) + ": give either queues in the config file or queuesFile, not both");
            } else if (queuesFile != null) {
                try {
                    queuesNode = Yaml.readMapping(queuesFile);
                    queuesBase = queuesFile.toAbsolutePath().getParent();
                } catch (IllegalArgumentException e) {
                    errors.add(origin("queuesFile", null) + ": " + e.getMessage());
                }
            }
            QueuePolicies policies = QueuePolicies.parse(queuesNode, queuesBase, errors)
                    .withInterval(parse("escalationInterval", QueuePolicies.DEFAULT_INTERVAL, Loader::positiveDuration));
            Sessions sessions = new Sessions(
                    parse("streamLifetime", Sessions.defaults().streamLifetime(), Loader::positiveDuration),
                    parse("streamTicketTtl", Sessions.defaults().ticketTtl(), Loader::positiveDuration),
                    secretOrFile("streamTicketSecret", "streamTicketSecretFile", null),
                    parse("usersReloadInterval", Sessions.defaults().usersReloadInterval(), Loader::positiveDuration));
            Yaml.failIfAny("seller API configuration", errors);
            return new SellerApiConfig(port, redisUri, redisUser, redisPassword, redisTls, kafkaServers, kafka, registryUrl, registryUser,
                    registryPassword, usersFile, lease, bodyLimit, reclaim, maxStreams, maxQueues, policies, sessions);
        }

        /** TLS files as given (relative paths against the config file's folder); null when none is set. */
        private RedisTls redisTls() {
            Path ca = path("redisTlsCaFile");
            Path cert = path("redisTlsCertFile");
            Path key = path("redisTlsKeyFile");
            boolean verify = parse("redisTlsVerifyHostname", true, Loader::bool);
            try {
                return RedisTls.ofNullable(ca == null ? null : ca.toString(), cert == null ? null : cert.toString(),
                        key == null ? null : key.toString(), verify);
            } catch (IllegalArgumentException e) {
                errors.add("redisTlsCertFile: " + e.getMessage());
                return null;
            }
        }

        private static boolean bool(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "true", "yes" -> true;
                case "false", "no" -> false;
                default -> throw new IllegalArgumentException("must be true or false, was \"" + text + "\"");
            };
        }

        private <T> T parse(String key, T fallback, Function<String, T> parser) {
            Raw raw = values.get(key);
            if (raw == null) {
                return fallback;
            }
            try {
                return parser.apply(raw.text().strip());
            } catch (IllegalArgumentException e) {
                errors.add(raw.origin() + ": " + (KEYS.get(key) ? "invalid value" : e.getMessage()));
                return fallback;
            }
        }

        /** A secret given directly or as a file holding it (trailing newline dropped); not both. */
        private String secretOrFile(String key, String fileKey, String fallback) {
            Raw direct = values.get(key);
            Path file = path(fileKey);
            if (direct != null && file != null) {
                errors.add(direct.origin() + ": give either " + key + " or " + fileKey + ", not both");
                return fallback;
            }
            if (file == null) {
                return direct == null ? fallback : direct.text().strip();
            }
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                errors.add(values.get(fileKey).origin() + ": cannot read " + file);
                return fallback;
            }
        }

        private Path path(String key) {
            Raw raw = values.get(key);
            if (raw == null || raw.text().isBlank()) {
                return null;
            }
            Path p = Path.of(raw.text().strip());
            return raw.base() == null || p.isAbsolute() ? p : raw.base().resolve(p);
        }

        private String origin(String key, String fileKey) {
            Raw raw = values.get(key);
            if (raw == null && fileKey != null) {
                raw = values.get(fileKey);
            }
            return raw == null ? key : raw.origin();
        }

        private static int port(String text) {
            int port = integer(text);
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("must be a port number 0..65535 (0 picks a free one), was " + text);
            }
            return port;
        }

        private static int atLeast(String text, int min) {
            int n = integer(text);
            if (n < min) {
                throw new IllegalArgumentException("must be at least " + min + ", was " + text);
            }
            return n;
        }

        private static int integer(String text) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a whole number, was \"" + text + "\"");
            }
        }

        private static Duration positiveDuration(String text) {
            Duration d = Durations.parse(text);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("must be positive, was \"" + text + "\"");
            }
            return d;
        }

        private static String upperSnake(String camel) {
            return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        }
    }
}
