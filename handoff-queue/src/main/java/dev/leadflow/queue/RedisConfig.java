package dev.leadflow.queue;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * Where and how to reach Redis. Serializable so that a Flink sink can carry it to its writers, which
 * connect there. {@link #toString()} never shows the password.
 *
 * @param username ACL user, or null for the default user
 * @param password or null for none
 * @param poolSize most connections the pooled client opens
 */
public record RedisConfig(String host, int port, String username, String password, boolean ssl, int database,
                          Duration connectTimeout, Duration socketTimeout, int poolSize) implements Serializable {

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

    public static RedisConfig of(String host, int port) {
        return new RedisConfig(host, port, null, null, false, 0, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_POOL_SIZE);
    }

    /**
     * Parses {@code redis://[[user]:password@]host[:port][/database]}; {@code rediss://} means TLS.
     * User and password may be percent-encoded; {@code user@host} names a user without a password.
     *
     * @throws IllegalArgumentException for anything else, including query parameters (which would
     *                                  otherwise be silently ignored)
     */
    public static RedisConfig fromUri(String uri) {
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
                DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_POOL_SIZE);
    }

    public RedisConfig withCredentials(String newUsername, String newPassword) {
        return new RedisConfig(host, port, newUsername, newPassword, ssl, database, connectTimeout, socketTimeout,
                poolSize);
    }

    public RedisConfig withTimeouts(Duration connect, Duration socket) {
        return new RedisConfig(host, port, username, password, ssl, database, connect, socket, poolSize);
    }

    public RedisConfig withPoolSize(int size) {
        return new RedisConfig(host, port, username, password, ssl, database, connectTimeout, socketTimeout, size);
    }

    /** A pooled, thread-safe client; the caller closes it. */
    public RedisClient connect() {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        // a borrower waits for a free connection at most as long as for one reply
        pool.setMaxWait(socketTimeout);
        // After a Redis restart every idle pooled connection is dead; validating on borrow (one
        // PING) replaces it instead of failing the caller's next command.
        pool.setTestOnBorrow(true);
        return RedisClient.builder()
                .hostAndPort(host, port)
                .clientConfig(clientConfig())
                .poolConfig(pool)
                .build();
    }

    public JedisClientConfig clientConfig() {
        return DefaultJedisClientConfig.builder()
                .user(username)
                .password(password)
                .ssl(ssl)
                .database(database)
                .connectionTimeoutMillis(Math.toIntExact(connectTimeout.toMillis()))
                .socketTimeoutMillis(Math.toIntExact(socketTimeout.toMillis()))
                .build();
    }

    /** The URI with the password replaced by {@code ***}: safe to log. */
    public String redactedUri() {
        StringBuilder sb = new StringBuilder(ssl ? "rediss://" : "redis://");
        if (username != null || password != null) {
            sb.append(username == null ? "" : username).append(password == null ? "" : ":***").append('@');
        }
        sb.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port).append('/').append(database);
        return sb.toString();
    }

    @Override
    public String toString() {
        return "RedisConfig[" + redactedUri() + ", connectTimeout=" + connectTimeout + ", socketTimeout="
                + socketTimeout + ", poolSize=" + poolSize + "]";
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
        return uri == null ? null : uri.replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@");
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
