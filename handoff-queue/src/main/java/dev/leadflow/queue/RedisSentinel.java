package dev.leadflow.queue;

import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.HostAndPort;

/**
 * Redis Sentinel: the sentinels to ask which server is the primary of {@code masterName}, and how to log
 * in to the sentinels themselves (a sentinel with {@code requirepass} or ACL users). The primary's own
 * user, password and TLS are {@link RedisConfig}'s; TLS, when on, applies to the sentinels too.
 * {@link #toString()} never shows the password.
 *
 * @param sentinels {@code host:port} of each sentinel ({@code [v6address]:port} for IPv6), in the order tried
 * @param username  sentinel ACL user, or null for the default user
 * @param password  sentinel password, or null when the sentinels need none
 */
public record RedisSentinel(String masterName, List<String> sentinels, String username, String password)
        implements Serializable {

    public static final int DEFAULT_PORT = 26379;

    public RedisSentinel {
        if (masterName == null || masterName.isBlank()) {
            throw new IllegalArgumentException("the Sentinel master name must not be empty");
        }
        if (sentinels == null || sentinels.isEmpty()) {
            throw new IllegalArgumentException("at least one sentinel address is needed");
        }
        sentinels = List.copyOf(sentinels);
        sentinels.forEach(RedisSentinel::parse);
    }

    /** The sentinels as Jedis addresses, in order. */
    public Set<HostAndPort> addresses() {
        Set<HostAndPort> addresses = new LinkedHashSet<>();
        sentinels.forEach(s -> addresses.add(parse(s)));
        return addresses;
    }

    public RedisSentinel withCredentials(String newUsername, String newPassword) {
        return new RedisSentinel(masterName, sentinels, newUsername, newPassword);
    }

    @Override
    public String toString() {
        return "RedisSentinel[" + masterName + " at " + String.join(",", sentinels)
                + (username == null ? "" : ", user " + username) + (password == null ? "" : ", password ***") + "]";
    }

    /** {@code host[:port]}, {@code [v6]:port}; the port defaults to {@value #DEFAULT_PORT}. */
    static HostAndPort parse(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("empty sentinel address");
        }
        String host;
        String port;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("bad sentinel address: " + address);
            }
            host = address.substring(1, close);
            port = address.length() > close + 1 && address.charAt(close + 1) == ':' ? address.substring(close + 2) : "";
        } else {
            int colon = address.lastIndexOf(':');
            host = colon < 0 ? address : address.substring(0, colon);
            port = colon < 0 ? "" : address.substring(colon + 1);
        }
        if (host.isEmpty() || host.contains("/") || host.contains("@")) {
            throw new IllegalArgumentException("bad sentinel address: " + address);
        }
        try {
            int p = port.isEmpty() ? DEFAULT_PORT : Integer.parseInt(port);
            if (p < 1 || p > 65_535) {
                throw new IllegalArgumentException("sentinel port out of range: " + address);
            }
            return new HostAndPort(host, p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad sentinel port: " + address, e);
        }
    }
}
