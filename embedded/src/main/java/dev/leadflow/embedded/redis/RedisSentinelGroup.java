package dev.leadflow.embedded.redis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis primary, one replica and three {@code redis-sentinel} processes that watch them, each a child
 * process on a free port of 127.0.0.1 with its files in a temp directory: the topology production runs,
 * small enough for a test. {@link #killPrimary()} SIGKILLs the primary; {@link #awaitPromotion} waits
 * until the sentinels have promoted the replica. {@link #cutReplication()} first cuts the replica off, so
 * that the writes made after it exist on the primary only and are lost in the failover, as asynchronous
 * replication can lose them.
 *
 * <p>The sentinel binary is {@value #ENV}, else {@code redis-sentinel} on PATH (Debian's package),
 * else the {@code redis-server} the testkit finds, run with {@code --sentinel}.
 */
public final class RedisSentinelGroup implements AutoCloseable {

    static final String ENV = "LEADFLOW_REDIS_SENTINEL";
    public static final String DEFAULT_MASTER_NAME = "leadflow";
    private static final String HOST = "127.0.0.1";
    private static final int SENTINELS = 3;
    private static final int QUORUM = 2;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(RedisSentinelGroup.class);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "leadflow-sentinel-reaper"));
    }

    /**
     * @param masterName     the name the sentinels monitor the primary under
     * @param downAfter      {@code down-after-milliseconds}: silence after which a sentinel deems the
     *                       primary down (production default 30 s; a test wants about a second)
     * @param failoverTimeout {@code failover-timeout}
     * @param startupTimeout how long to wait for the group to be ready (replica in sync, sentinels
     *                       aware of each other)
     * @param password       {@code requirepass} of primary and replica (also their {@code masterauth} and
     *                       the sentinels' {@code auth-pass}), or null for none
     * @param sentinelPassword {@code requirepass} of the sentinels (and their {@code sentinel-pass} for
     *                       each other), or null for none
     * @param tls            TLS for everyone, or null for none: primary and replica also listen on a TLS
     *                       port and replicate over TLS, the sentinels listen on a TLS port and reach the
     *                       servers and each other over TLS, and {@link #uri()} names the TLS ports. The
     *                       plain ports stay, for the harness.
     */
    public record Options(String masterName, Duration downAfter, Duration failoverTimeout, Duration startupTimeout,
                          String password, String sentinelPassword, RedisServer.Tls tls) {

        public static Options defaults() {
            return new Options(DEFAULT_MASTER_NAME, Duration.ofMillis(1_000), Duration.ofSeconds(5),
                    Duration.ofSeconds(30), null, null, null);
        }

        public Options withDownAfter(Duration duration) {
            return new Options(masterName, duration, failoverTimeout, startupTimeout, password, sentinelPassword, tls);
        }

        public Options withPassword(String newPassword) {
            return new Options(masterName, downAfter, failoverTimeout, startupTimeout, newPassword, sentinelPassword,
                    tls);
        }

        public Options withSentinelPassword(String newPassword) {
            return new Options(masterName, downAfter, failoverTimeout, startupTimeout, password, newPassword, tls);
        }

        public Options withTls(RedisServer.Tls files) {
            return new Options(masterName, downAfter, failoverTimeout, startupTimeout, password, sentinelPassword, files);
        }
    }

    private final Options options;
    private final Path dir;
    private final List<RedisServer> servers = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();
    /** The sentinels' TLS ports, with {@link Options#tls()}. */
    private final List<Integer> sentinelTlsPorts = new ArrayList<>();
    private final List<Process> sentinels = new ArrayList<>();
    private volatile RedisServer primary;

    private RedisSentinelGroup(Options options, Path dir) {
        this.options = options;
        this.dir = dir;
    }

    public static RedisSentinelGroup start() {
        return start(Options.defaults());
    }

    /** Starts primary, replica and sentinels; returns when the sentinels can fail over. */
    public static RedisSentinelGroup start(Options options) {
        RedisSentinelGroup group = new RedisSentinelGroup(options, createDir());
        try {
            group.launch();
            return group;
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
    }

    private void launch() {
        // diskless sync without delay: the replica is in sync a few ms after it connects
        List<String> common = new ArrayList<>(List.of("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"));
        if (options.password() != null) {
            // the old primary, back as a replica, logs in to the new one too
            common.addAll(List.of("--masterauth", options.password()));
        }
        if (options.tls() != null) {
            common.addAll(List.of("--tls-replication", "yes"));
        }
        RedisServer first = RedisServer.start(serverOptions().withExtraArgs(common.toArray(String[]::new)));
        servers.add(first);
        primary = first;
        List<String> replicaArgs = new ArrayList<>(common);
        replicaArgs.addAll(List.of("--replicaof", HOST, Integer.toString(announced(first))));
        RedisServer replica = RedisServer.start(serverOptions().withExtraArgs(replicaArgs.toArray(String[]::new)));
        servers.add(replica);
        Path binary = sentinelBinary();
        for (int i = 0; i < SENTINELS; i++) {
            sentinelPorts.add(freePort());
            if (options.tls() != null) {
                sentinelTlsPorts.add(freePort());
            }
        }
        for (int i = 0; i < SENTINELS; i++) {
            startSentinel(binary, i, replica);
        }
        long deadline = System.nanoTime() + options.startupTimeout().toNanos();
        awaitUntil(deadline, "the replica in sync with the primary",
                () -> "up".equals(info(replica, "replication").get("master_link_status")));
        // a failover needs a quorum that agrees the primary is down and a majority that elects a leader:
        // each sentinel must know the replica and the other sentinels (they meet through the primary)
        for (int port : sentinelPorts) {
            awaitUntil(deadline, "sentinel " + port + " to know the replica and the other sentinels", () ->
                    sentinelList(port, "REPLICAS").size() == 1 && sentinelList(port, "SENTINELS").size() == SENTINELS - 1);
        }
        LOG.info("Redis sentinel group ready: primary {}, replica {}, sentinels {}", first.port(), replica.port(),
                sentinelPorts);
    }

    /**
     * {@code redis-sentinel://[:password@]127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/<master name>[?sentinelPassword=…]},
     * passwords percent-encoded.
     */
    public String uri() {
        String auth = options.password() == null ? "" : ":" + encode(options.password()) + "@";
        String query = options.sentinelPassword() == null ? "" : "?sentinelPassword=" + encode(options.sentinelPassword());
        return (options.tls() != null ? "rediss-sentinel://" : "redis-sentinel://") + auth + sentinelAddresses() + "/"
                + options.masterName() + query;
    }

    private static String encode(String text) {
        // URLEncoder writes form encoding; a URI spells a space %20, not '+'
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}. */
    public String sentinelAddresses() {
        return (options.tls() != null ? sentinelTlsPorts : sentinelPorts).stream().map(p -> HOST + ":" + p)
                .collect(Collectors.joining(","));
    }

    public List<Integer> sentinelPorts() {
        return List.copyOf(sentinelPorts);
    }

    public String masterName() {
        return options.masterName();
    }

    /** The server that is primary now, as far as this group has seen ({@link #awaitPromotion} updates it). */
    public RedisServer primary() {
        return primary;
    }

    /** The other server: the replica before a failover, the dead old primary after it. */
    public RedisServer replica() {
        return servers.get(0) == primary ? servers.get(1) : servers.get(0);
    }

    /** {@code redis://127.0.0.1:<port>} of the current primary, for direct checks. */
    public String primaryUri() {
        return primary.uri();
    }

    /** Deletes every key on the primary and waits until the replica has the same (empty) data set. */
    public void flushAll() {
        primary.flushAll();
        RedisServer replica = replica();
        if (replica.isRunning()) {
            awaitUntil(System.nanoTime() + options.startupTimeout().toNanos(), "the replica to be flushed too",
                    () -> "0".equals(String.valueOf(command(replica, "DBSIZE"))));
        }
    }

    /**
     * Cuts the replica off the primary: it can no longer authenticate to it (a wrong {@code masterauth}),
     * and its link is killed. Writes from now on exist on the primary only, as when replication lags at
     * the moment the primary dies. {@link #killPrimary()} mends the replica's configuration. Kill the
     * primary soon after: the sentinels do not promote a replica whose link has been down for more than
     * ten times {@code down-after-milliseconds} longer than the primary.
     */
    public void cutReplication() {
        RedisServer replica = replica();
        expectOk(command(replica, "CONFIG", "SET", "masterauth", "cut-off-by-the-test"));
        command(primary, "CLIENT", "KILL", "TYPE", "replica");
        awaitUntil(System.nanoTime() + options.startupTimeout().toNanos(), "the replica's link to go down",
                () -> !"up".equals(info(replica, "replication").get("master_link_status")));
    }

    /** The primary's {@code master_repl_offset} minus the replica's: replication the failover would lose. */
    public long replicationLagBytes() {
        long primaryOffset = Long.parseLong(info(primary, "replication").get("master_repl_offset"));
        String replicaOffset = info(replica(), "replication").get("slave_repl_offset");
        return primaryOffset - (replicaOffset == null ? 0 : Long.parseLong(replicaOffset));
    }

    /**
     * SIGKILLs the primary (no shutdown work) and lets the replica authenticate again, so that the
     * sentinels can promote it.
     *
     * @return {@link System#nanoTime()} right after the kill
     */
    public long killPrimary() {
        RedisServer dying = primary;
        dying.kill();
        long at = System.nanoTime();
        expectOk(command(replica(), "CONFIG", "SET", "masterauth", options.password() == null ? "" : options.password()));
        LOG.info("killed the Redis primary on port {} (SIGKILL)", dying.port());
        return at;
    }

    /**
     * Waits until every sentinel names the other server as primary and that server says it is one;
     * returns it.
     */
    public RedisServer awaitPromotion(Duration timeout) {
        RedisServer old = primary;
        RedisServer candidate = replica();
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitUntil(deadline, "the sentinels to promote the replica on port " + candidate.port(), () -> {
            for (int port : sentinelPorts) {
                if (!masterAddress(port).equals(Optional.of(announced(candidate)))) {
                    return false;
                }
            }
            return "master".equals(info(candidate, "replication").get("role"));
        });
        primary = candidate;
        LOG.info("the sentinels promoted port {} after the primary on port {} died", candidate.port(), old.port());
        return candidate;
    }

    /** The primary's port as sentinel {@code port} (a plain port) names it now: its TLS port with TLS. */
    public Optional<Integer> masterAddress(int port) {
        Object reply = query(port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", options.masterName());
        if (reply instanceof List<?> address && address.size() == 2) {
            return Optional.of(Integer.parseInt(String.valueOf(address.get(1))));
        }
        return Optional.empty();
    }

    /** {@code INFO <section>} of a server of this group as a map. */
    public Map<String, String> info(RedisServer server, String section) {
        Object reply = command(server, "INFO", section);
        Map<String, String> fields = new HashMap<>();
        if (reply instanceof String text) {
            for (String line : text.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("#")) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
        }
        return fields;
    }

    @Override
    public void close() {
        for (Process p : sentinels) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LIVE.remove(p);
        }
        servers.forEach(RedisServer::close);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}", dir, e);
        }
    }

    @Override
    public String toString() {
        return "RedisSentinelGroup[" + options.masterName() + ", primary " + primary.port() + ", sentinels "
                + sentinelPorts + "]";
    }

    /**
     * Each sentinel is told its own id, the replica and the other sentinels up front; discovering them
     * (the primary's INFO every 10 s, hello messages every 2 s) would make every test wait.
     */
    private void startSentinel(Path binary, int index, RedisServer replica) {
        int port = sentinelPorts.get(index);
        Path conf = dir.resolve("sentinel-" + index + ".conf");
        Path log = dir.resolve("sentinel-" + index + ".log");
        String name = options.masterName();
        List<String> lines = new ArrayList<>(List.of(
                "port " + port,
                "bind " + HOST,
                "daemonize no",
                "dir " + dir,
                "logfile " + log,
                "sentinel resolve-hostnames no",
                "sentinel monitor " + name + " " + HOST + " " + announced(primary) + " " + QUORUM,
                "sentinel down-after-milliseconds " + name + " " + options.downAfter().toMillis(),
                "sentinel failover-timeout " + name + " " + options.failoverTimeout().toMillis(),
                "sentinel parallel-syncs " + name + " 1",
                "sentinel myid " + sentinelId(index),
                "sentinel known-replica " + name + " " + HOST + " " + announced(replica)));
        RedisServer.Tls tls = options.tls();
        if (tls != null) {
            lines.addAll(List.of("tls-port " + sentinelTlsPorts.get(index),
                    "tls-cert-file " + tls.certFile().toAbsolutePath(),
                    "tls-key-file " + tls.keyFile().toAbsolutePath(),
                    "tls-ca-cert-file " + tls.caFile().toAbsolutePath(),
                    "tls-auth-clients " + tls.clientCertificates(),
                    "tls-replication yes"));
        }
        if (options.password() != null) {
            lines.add("sentinel auth-pass " + name + " " + quoted(options.password()));
        }
        if (options.sentinelPassword() != null) {
            lines.add("requirepass " + quoted(options.sentinelPassword()));
            lines.add("sentinel sentinel-pass " + quoted(options.sentinelPassword()));
        }
        for (int other = 0; other < SENTINELS; other++) {
            if (other != index) {
                lines.add("sentinel known-sentinel " + name + " " + HOST + " "
                        + (tls != null ? sentinelTlsPorts : sentinelPorts).get(other) + " "
                        + sentinelId(other));
            }
        }
        List<String> command = new ArrayList<>(List.of(binary.toString(), conf.toString()));
        if (!binary.getFileName().toString().contains("sentinel")) {
            command.add("--sentinel");
        }
        try {
            Files.write(conf, lines);
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sentinel-" + index + ".out").toFile()))
                    .start();
            LIVE.add(process);
            sentinels.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        Process process = sentinels.get(sentinels.size() - 1);
        awaitUntil(System.nanoTime() + options.startupTimeout().toNanos(), "sentinel on port " + port + " to answer",
                () -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-sentinel exited with " + process.exitValue()
                                + " during startup; see " + log + " and " + dir.resolve("sentinel-" + index + ".out"));
                    }
                    return "PONG".equals(query(port, "PING"));
                });
    }

    private RedisServer.Options serverOptions() {
        RedisServer.Options o = RedisServer.Options.defaults().withPassword(options.password());
        return options.tls() == null ? o : o.withTls(options.tls());
    }

    /** The port a server is known by to the sentinels and clients: its TLS port with TLS. */
    private int announced(RedisServer server) {
        return options.tls() != null ? server.tlsPort() : server.port();
    }

    /** A config file value in double quotes, as redis.conf parses them. */
    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String sentinelId(int index) {
        return String.format("%040x", index + 1);
    }

    private List<?> sentinelList(int port, String what) {
        Object reply = query(port, "SENTINEL", what, options.masterName());
        return reply instanceof List<?> list ? list : List.of();
    }

    /** A command to a sentinel. */
    private Object query(int port, String... command) {
        return call(port, options.sentinelPassword(), command);
    }

    /** A command to primary or replica. */
    private Object command(RedisServer server, String... command) {
        return call(server.port(), options.password(), command);
    }

    private static Object call(int port, String password, String... command) {
        try {
            return Resp.query(HOST, port, password, COMMAND_TIMEOUT, command);
        } catch (IOException e) {
            return "-" + e;
        }
    }

    private static void expectOk(Object reply) {
        if (!"OK".equals(reply)) {
            throw new IllegalStateException("Redis answered " + reply);
        }
    }

    private static void awaitUntil(long deadlineNanos, String what, BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
    }

    static Path sentinelBinary() {
        String fromEnv = System.getenv(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path candidate = d.isEmpty() ? null : Path.of(d, "redis-sentinel");
                if (candidate != null && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return RedisBinary.resolve(null);
    }

    private static Path createDir() {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "leadflow-sentinel-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the sentinels", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }
}
