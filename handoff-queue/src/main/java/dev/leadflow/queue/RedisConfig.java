package dev.leadflow.queue;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Where and how to reach Redis. Serializable so that a Flink sink can carry it to its writers, which
 * connect there. {@link #toString()} never shows the password.
 *
 * @param username ACL user, or null for the default user
 * @param password or null for none
 * @param poolSize most connections the pooled client opens
 * @param tls      trust and client certificate for TLS, or null for the JVM defaults; setting it turns
 *                 TLS on ({@link #withTls})
 * @param sentinel where to ask for the primary (Redis Sentinel), or null to connect to {@code host:port};
 *                 with it, {@code host:port} is the first sentinel's address and the user, password,
 *                 database and TLS are the primary's
 */
public record RedisConfig(String host, int port, String username, String password, boolean ssl, int database,
                          Duration connectTimeout, Duration socketTimeout, int poolSize, RedisTls tls,
                          RedisSentinel sentinel)
        implements Serializable {

    public static final int DEFAULT_PORT = 6379;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_POOL_SIZE = 16;

    public RedisConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (database < 0) {
            throw new IllegalArgumentException("database must be >= 0: " + database);
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(socketTimeout, "socketTimeout");
        if (poolSize <= 0) {
            throw new IllegalArgumentException("poolSize must be positive: " + poolSize);
        }
    }

    /** A single server (no Sentinel). */
    public RedisConfig(String host, int port, String username, String password, boolean ssl, int database,
                       Duration connectTimeout, Duration socketTimeout, int poolSize, RedisTls tls) {
        this(host, port, username, password, ssl, database, connectTimeout, socketTimeout, poolSize, tls, null);
    }

    /** Without TLS settings (the JVM's trust store when {@code ssl}). */
    public RedisConfig(String host, int port, String username, String password, boolean ssl, int database,
                       Duration connectTimeout, Duration socketTimeout, int poolSize) {
        this(host, port, username, password, ssl, database, connectTimeout, socketTimeout, poolSize, (RedisTls) null);
    }

    public static RedisConfig of(String host, int port) {
        return new RedisConfig(host, port, null, null, false, 0, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_POOL_SIZE);
    }

    /**
     * Parses {@code redis://[[user]:password@]host[:port][/database]}; {@code rediss://} means TLS.
     * User and password may be percent-encoded; {@code user@host} names a user without a password.
     *
     * <p>Or Redis Sentinel: {@code redis-sentinel://[[user]:password@]host1[:port],host2[:port],…/masterName[/database]}
     * ({@code rediss-sentinel://} for TLS to the sentinels and the primary), where user and password are the
     * primary's and the ports default to 26379. Only a Sentinel URI takes options, for sentinels that need a
     * login of their own: {@code ?sentinelUser=…&sentinelPassword=…} (percent-encoded).
     *
     * @throws IllegalArgumentException for anything else, including query parameters of a plain URI (which
     *                                  would otherwise be silently ignored)
     */
    public static RedisConfig fromUri(String uri) {
        if (uri != null && uri.toLowerCase(Locale.ROOT).matches("^rediss?-sentinel://.*")) {
            return fromSentinelUri(uri);
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("not a Redis URI: " + redactPassword(uri), e);
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("Redis URI must start with redis:// or rediss://: " + redactPassword(uri));
        }
        if (parsed.getHost() == null) {
            throw new IllegalArgumentException("Redis URI has no host: " + redactPassword(uri));
        }
        if (parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
            throw new IllegalArgumentException("Redis URI options are not supported: " + redactPassword(uri));
        }
        String host = parsed.getHost().replaceAll("^\\[(.*)]$", "$1");
        int port = parsed.getPort() == -1 ? DEFAULT_PORT : parsed.getPort();
        String username = null;
        String password = null;
        String userInfo = parsed.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            username = emptyToNull(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            password = colon < 0 ? null : emptyToNull(decode(userInfo.substring(colon + 1)));
        }
        return new RedisConfig(host, port, username, password, scheme.equals("rediss"), database(parsed, uri),
                DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_POOL_SIZE, null);
    }

    private static RedisConfig fromSentinelUri(String uri) {
        String scheme = uri.substring(0, uri.indexOf("://")).toLowerCase(Locale.ROOT);
        String rest = uri.substring(uri.indexOf("://") + 3);
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        if (rest.contains("#")) {
            throw new IllegalArgumentException("Redis Sentinel URI must not have a fragment: " + redactPassword(uri));
        }
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("Redis Sentinel URI needs the master name as its path"
                    + " (redis-sentinel://host1:26379,host2:26379/mymaster): " + redactPassword(uri));
        }
        String authority = rest.substring(0, slash);
        String[] path = rest.substring(slash + 1).split("/", -1);
        String username = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            username = emptyToNull(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            password = colon < 0 ? null : emptyToNull(decode(userInfo.substring(colon + 1)));
        }
        List<String> sentinels = new ArrayList<>();
        for (String address : authority.split(",", -1)) {
            sentinels.add(address.trim());
        }
        if (path.length > 2 || path[0].isEmpty()) {
            throw new IllegalArgumentException("Redis Sentinel URI path must be /masterName[/database]: "
                    + redactPassword(uri));
        }
        String masterName = decode(path[0]);
        int database = 0;
        if (path.length == 2 && !path[1].isEmpty()) {
            try {
                database = Integer.parseInt(path[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Redis Sentinel URI: database must be a number: "
                        + redactPassword(uri), e);
            }
        }
        String sentinelUser = null;
        String sentinelPassword = null;
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (key) {
                    case "sentinelUser" -> sentinelUser = emptyToNull(value);
                    case "sentinelPassword" -> sentinelPassword = emptyToNull(value);
                    default -> throw new IllegalArgumentException("unknown Redis Sentinel URI option " + key
                            + " (known: sentinelUser, sentinelPassword): " + redactPassword(uri));
                }
            }
        }
        RedisSentinel sentinel;
        try {
            sentinel = new RedisSentinel(masterName, sentinels, sentinelUser, sentinelPassword);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ": " + redactPassword(uri), e);
        }
        HostAndPort first = sentinel.addresses().iterator().next();
        return new RedisConfig(first.getHost(), first.getPort(), username, password, scheme.startsWith("rediss"),
                database, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_POOL_SIZE, null, sentinel);
    }

    public RedisConfig withCredentials(String newUsername, String newPassword) {
        return new RedisConfig(host, port, newUsername, newPassword, ssl, database, connectTimeout, socketTimeout,
                poolSize, tls, sentinel);
    }

    /** The login of the sentinels themselves (each only when not null: it replaces the URI's). */
    public RedisConfig withSentinelCredentials(String newUsername, String newPassword) {
        if (sentinel == null) {
            throw new IllegalStateException("not a Redis Sentinel configuration: " + redactedUri());
        }
        RedisSentinel s = sentinel.withCredentials(newUsername != null ? newUsername : sentinel.username(),
                newPassword != null ? newPassword : sentinel.password());
        return new RedisConfig(host, port, username, password, ssl, database, connectTimeout, socketTimeout,
                poolSize, tls, s);
    }

    /** Whether the primary is found through Redis Sentinel. */
    public boolean usesSentinel() {
        return sentinel != null;
    }

    /**
     * The user and password given separately from the URI (each only when not null: it replaces the
     * URI's), and the TLS settings (when not null; they turn TLS on). This is how the job and the API
     * apply {@code *-user}, {@code *-password-file} and {@code *-tls-*} options to the Redis URI.
     */
    public RedisConfig withAccess(String newUsername, String newPassword, RedisTls newTls) {
        RedisConfig c = withCredentials(newUsername != null ? newUsername : username,
                newPassword != null ? newPassword : password);
        return newTls == null ? c : c.withTls(newTls);
    }

    /** TLS with these settings (TLS is on even if the URI said {@code redis://}). */
    public RedisConfig withTls(RedisTls newTls) {
        return new RedisConfig(host, port, username, password, ssl || newTls != null, database, connectTimeout,
                socketTimeout, poolSize, newTls, sentinel);
    }

    public RedisConfig withTimeouts(Duration connect, Duration socket) {
        return new RedisConfig(host, port, username, password, ssl, database, connect, socket, poolSize, tls, sentinel);
    }

    public RedisConfig withPoolSize(int size) {
        return new RedisConfig(host, port, username, password, ssl, database, connectTimeout, socketTimeout, size,
                tls, sentinel);
    }

    /**
     * A pooled, thread-safe client; the caller closes it. With Sentinel it asks the sentinels for the
     * primary, and follows their {@code +switch-master} announcements to the promoted server after a
     * failover (a new pool; commands in flight on the old one fail and are the caller's to retry).
     */
    public UnifiedJedis client() {
        if (sentinel == null) {
            return connect();
        }
        return RedisSentinelClient.builder()
                .masterName(sentinel.masterName())
                .sentinels(sentinel.addresses())
                .clientConfig(clientConfig())
                .sentinelClientConfig(sentinelClientConfig())
                .poolConfig(poolConfig())
                .build();
    }

    /**
     * A pooled, thread-safe client of the one server {@code host:port}; the caller closes it.
     *
     * @throws IllegalStateException for a Sentinel configuration: use {@link #client()}
     */
    public RedisClient connect() {
        if (sentinel != null) {
            throw new IllegalStateException("a Redis Sentinel configuration has no single server: use client()");
        }
        return RedisClient.builder()
                .hostAndPort(host, port)
                .clientConfig(clientConfig())
                .poolConfig(poolConfig())
                .build();
    }

    private ConnectionPoolConfig poolConfig() {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        // a borrower waits for a free connection at most as long as for one reply
        pool.setMaxWait(socketTimeout);
        // After a Redis restart every idle pooled connection is dead; validating on borrow (one
        // PING) replaces it instead of failing the caller's next command.
        pool.setTestOnBorrow(true);
        return pool;
    }

    public JedisClientConfig clientConfig() {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .user(username)
                .password(password)
                .ssl(ssl)
                .database(database)
                .connectionTimeoutMillis(Math.toIntExact(connectTimeout.toMillis()))
                .socketTimeoutMillis(Math.toIntExact(socketTimeout.toMillis()))
                // no CLIENT SETINFO on connect: LeadFlow's ACL users need no CLIENT permission
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (ssl && tls != null) {
            builder.sslSocketFactory(tls.socketFactory()).sslParameters(tls.sslParameters());
        }
        return builder.build();
    }

    /** How to talk to the sentinels: their own login, the same TLS and timeouts as the primary. */
    public JedisClientConfig sentinelClientConfig() {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .user(sentinel == null ? null : sentinel.username())
                .password(sentinel == null ? null : sentinel.password())
                .ssl(ssl)
                .connectionTimeoutMillis(Math.toIntExact(connectTimeout.toMillis()))
                .socketTimeoutMillis(Math.toIntExact(socketTimeout.toMillis()))
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (ssl && tls != null) {
            builder.sslSocketFactory(tls.socketFactory()).sslParameters(tls.sslParameters());
        }
        return builder.build();
    }

    /**
     * Opens one connection, authenticates and sends PING; for a clear message at start-up instead of a
     * pool error at the first write.
     *
     * @throws IllegalStateException with {@link #describe} of the failure (never the password)
     */
    public void verify() {
        if (sentinel != null) {
            // the sentinels name the primary; then one PING through the pool
            try (UnifiedJedis client = client()) {
                client.ping();
            } catch (RuntimeException e) {
                throw new IllegalStateException(describe(e), e);
            }
            return;
        }
        try (Jedis jedis = new Jedis(new HostAndPort(host, port), clientConfig())) {
            jedis.ping();
        } catch (RuntimeException e) {
            throw new IllegalStateException(describe(e), e);
        }
    }

    /**
     * One line that says why talking to this Redis failed: authentication, permissions (ACL), TLS trust
     * or the network, with the redacted URI. Safe to log: Redis and the JDK never echo the password.
     */
    public String describe(Throwable failure) {
        String where = "Redis at " + redactedUri();
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            root = t;
            String message = String.valueOf(t.getMessage());
            if (sentinel != null && message.contains("All sentinels down")) {
                return where + ": no sentinel told where the primary " + sentinel.masterName() + " is (" + message
                        + "): check the sentinel addresses and the master name, whether the sentinels need a login"
                        + " of their own (?sentinelUser=...&sentinelPassword=...) and whether they speak TLS"
                        + " (rediss-sentinel://)";
            }
                        if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH")) {
                return where + " refused the credentials of user " + (username == null ? "default" : username)
                        + " (" + message + "): check the Redis user and password";
            }
            if (message.startsWith("NOPERM")) {
                return where + ": user " + (username == null ? "default" : username) + " lacks a permission ("
                        + message + "): check the ACL rules of the user";
            }
            if (t instanceof javax.net.ssl.SSLHandshakeException) {
                return where + ": TLS handshake failed (" + message + "): the server certificate must be signed"
                        + " by the configured CA and name the host; check the Redis TLS CA file and client certificate";
            }
            if (t instanceof javax.net.ssl.SSLException || (ssl && t instanceof java.io.IOException && inTls(t))) {
                return where + ": TLS connection failed (" + t + "): does the server speak TLS on this port"
                        + " (rediss:// needs its tls-port), and does it require a client certificate"
                        + " (tls-auth-clients)? Check the Redis TLS CA file and client certificate";
            }
        }
        if (!ssl && root instanceof java.net.SocketTimeoutException) {
            return where + ": no reply (" + root + "): if this is a TLS port, use rediss:// or a Redis TLS CA file";
        }
        return where + ": " + root;
    }

    /** The URI with the password replaced by {@code ***}: safe to log. */
    public String redactedUri() {
        if (sentinel != null) {
            StringBuilder sb = new StringBuilder(ssl ? "rediss-sentinel://" : "redis-sentinel://");
            if (username != null || password != null) {
                sb.append(username == null ? "" : username).append(password == null ? "" : ":***").append('@');
            }
            sb.append(String.join(",", sentinel.sentinels())).append('/').append(sentinel.masterName()).append('/')
                    .append(database);
            if (sentinel.username() != null || sentinel.password() != null) {
                sb.append('?').append(sentinel.username() == null ? "" : "sentinelUser=" + sentinel.username())
                        .append(sentinel.username() != null && sentinel.password() != null ? "&" : "")
                        .append(sentinel.password() == null ? "" : "sentinelPassword=***");
            }
            return sb.toString();
        }
        StringBuilder sb = new StringBuilder(ssl ? "rediss://" : "redis://");
        if (username != null || password != null) {
            sb.append(username == null ? "" : username).append(password == null ? "" : ":***").append('@');
        }
        sb.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port).append('/').append(database);
        return sb.toString();
    }

    @Override
    public String toString() {
        return "RedisConfig[" + redactedUri() + (tls == null ? "" : ", " + tls) + ", connectTimeout="
                + connectTimeout + ", socketTimeout=" + socketTimeout + ", poolSize=" + poolSize + "]";
    }

    /** Whether the failure happened inside the JDK's TLS layer (a handshake the server broke off). */
    private static boolean inTls(Throwable t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().startsWith("sun.security.ssl.")) {
                return true;
            }
        }
        return false;
    }

    private static int database(URI parsed, String uri) {
        String path = parsed.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            return Integer.parseInt(path.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Redis URI path must be a database number: " + redactPassword(uri), e);
        }
    }

    // URLDecoder would turn '+' into a space, which URIs do not mean
    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String emptyToNull(String text) {
        return text.isEmpty() ? null : text;
    }

    /** Error messages echo the URI; its password must not reach a log that way. */
    private static String redactPassword(String uri) {
        return uri == null ? null : uri.replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@")
                .replaceAll("(sentinelPassword=)[^&#]*", "$1***");
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
