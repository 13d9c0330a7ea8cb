package dev.leadflow.schemas;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the schema registry is and how to reach it. Serializable so a Flink job can ship it to
 * its tasks, which then build their own {@link SchemaRegistryClient} with
 * {@link SchemaRegistryClient#create(RegistryConfig)}.
 *
 * <p>The URL is {@code http(s)://host:port[/path]} for a Confluent Schema Registry (one URL; a
 * comma-separated list of fail-over URLs is not supported) or {@code mock://<scope>} for the
 * in-memory registry. Credentials written into the URL ({@code https://user:pass@host}) are moved
 * out of it into basic auth, so the URL itself never holds a password.
 */
public final class RegistryConfig implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String MOCK_PREFIX = "mock://";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String url;
    private final String username;
    private final String password;
    private final Duration timeout;

    private RegistryConfig(String url, String username, String password, Duration timeout) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.timeout = timeout;
    }

    /** Parses and validates a registry URL; see the class comment for the accepted forms. */
    public static RegistryConfig of(String url) {
        Objects.requireNonNull(url, "url");
        String trimmed = url.strip();
        if (trimmed.startsWith(MOCK_PREFIX)) {
            if (trimmed.length() == MOCK_PREFIX.length()) {
                throw new IllegalArgumentException("mock registry URL needs a scope name: mock://<scope>");
            }
            return new RegistryConfig(trimmed, null, null, DEFAULT_TIMEOUT);
        }
        if (trimmed.contains(",")) {
            throw new IllegalArgumentException("only one registry URL is supported, got a list");
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            // The input may carry credentials, so it is not repeated in the message.
            throw new IllegalArgumentException("invalid registry URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("registry URL must start with http://, https:// or mock://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("registry URL has no host");
        }
        String base = scheme.toLowerCase() + "://" + uri.getRawAuthority().substring(authorityOffset(uri))
                + stripTrailingSlashes(uri.getRawPath());
        RegistryConfig config = new RegistryConfig(base, null, null, DEFAULT_TIMEOUT);
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return config;
        }
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("credentials in the registry URL must be user:password");
        }
        return config.withBasicAuth(decode(userInfo.substring(0, colon)), decode(userInfo.substring(colon + 1)));
    }

    /** A copy that authenticates with HTTP basic auth (Confluent's USER_INFO credentials). */
    public RegistryConfig withBasicAuth(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (isMock()) {
            throw new IllegalStateException("a mock:// registry takes no credentials");
        }
        return new RegistryConfig(url, username, password, timeout);
    }

    /** A copy with another connect and per-request timeout (default 10 s). */
    public RegistryConfig withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        return new RegistryConfig(url, username, password, timeout);
    }

    /** The base URL without credentials or trailing slash, or {@code mock://<scope>}. */
    public String url() {
        return url;
    }

    public boolean isMock() {
        return url.startsWith(MOCK_PREFIX);
    }

    /** The scope name of a {@code mock://} URL. */
    public String mockScope() {
        if (!isMock()) {
            throw new IllegalStateException("not a mock:// registry URL");
        }
        return url.substring(MOCK_PREFIX.length());
    }

    public boolean hasBasicAuth() {
        return username != null;
    }

    /** The basic-auth user, or null. */
    public String username() {
        return username;
    }

    /** The basic-auth password, or null. */
    public String password() {
        return password;
    }

    public Duration timeout() {
        return timeout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegistryConfig other
                && url.equals(other.url)
                && Objects.equals(username, other.username)
                && Objects.equals(password, other.password)
                && timeout.equals(other.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, username, password, timeout);
    }

    /** Names the user but never the password: configs end up in logs and the Flink web UI. */
    @Override
    public String toString() {
        return "RegistryConfig{url=" + url
                + (hasBasicAuth() ? ", basicAuth=" + username + ":****" : "")
                + ", timeout=" + timeout + "}";
    }

    private static int authorityOffset(URI uri) {
        String userInfo = uri.getRawUserInfo();
        return userInfo == null ? 0 : userInfo.length() + 1;
    }

    private static String stripTrailingSlashes(String path) {
        String result = path == null ? "" : path;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    private static String decode(String part) {
        // Percent-decoding only: a '+' in a password is a literal plus, not a space.
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
