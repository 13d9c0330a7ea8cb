package dev.leadflow.queue;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * Where and how to reach Redis. Serializable so that a Flink sink can carry it to its writers, which
 * connect there. {@link #toString()} never shows the password.
 *
 * @param username ACL user, or null for the default user
 * @param password or null for none
 * @param poolSize most connections the pooled client opens
 * @param tls      trust and client certificate for TLS, or null for the JVM defaults; setting it turns
 *                 TLS on ({@link #withTls})
 */
public record RedisConfig(String host, int port, String username, String password, boolean ssl, int database,
                          Duration connectTimeout, Duration socketTimeout, int poolSize, RedisTls tls)
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

    /** Without TLS settings (the JVM's trust store when {@code ssl}). */
    public RedisConfig(String host, int port, String username, String password, boolean ssl, int database,
                       Duration connectTimeout, Duration socketTimeout, int poolSize) {
        this(host, port, username, password, ssl, database, connectTimeout, socketTimeout, poolSize, null);
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
                DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_POOL_SIZE, null);
    }

    public RedisConfig withCredentials(String newUsername, String newPassword) {
        return new RedisConfig(host, port, newUsername, newPassword, ssl, database, connectTimeout, socketTimeout,
                poolSize, tls);
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
                socketTimeout, poolSize, newTls);
    }

    public RedisConfig withTimeouts(Duration connect, Duration socket) {
        return new RedisConfig(host, port, username, password, ssl, database, connect, socket, poolSize, tls);
    }

    public RedisConfig withPoolSize(int size) {
        return new RedisConfig(host, port, username, password, ssl, database, connectTimeout, socketTimeout, size,
                tls);
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

    /**
     * Opens one connection, authenticates and sends PING; for a clear message at start-up instead of a
     * pool error at the first write.
     *
     * @throws IllegalStateException with {@link #describe} of the failure (never the password)
     */
    public void verify() {
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
        return uri == null ? null : uri.replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@");
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
