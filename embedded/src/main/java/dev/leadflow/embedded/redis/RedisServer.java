package dev.leadflow.embedded.redis;

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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code redis-server} child process for tests, bound to 127.0.0.1 on a free port, with its
 * files (log, AOF, cluster config) in a temp directory under {@code java.io.tmpdir}.
 *
 * <p>{@link #stop()}, {@link #kill()} and {@link #restart()} keep the port and directory, so tests can
 * inject Redis outages and crashes. A JVM shutdown hook kills every server still running, so no
 * process outlives the test JVM (short of the JVM itself being SIGKILLed).
 */
public final class RedisServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);
    private static final String HOST = "127.0.0.1";
    private static final int PORT_ATTEMPTS = 3;
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration PING_TIMEOUT = Duration.ofMillis(500);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_PAUSE_MILLIS = 10;

    private static final Set<RedisServer> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> LIVE.forEach(RedisServer::destroyForcibly), "leadflow-redis-reaper"));
    }

    /**
     * How to run the server.
     *
     * @param appendOnly     {@code appendonly yes} (data survives {@link #restart()})
     * @param password       {@code requirepass}, or null for none. With an ACL file that defines the
     *                       {@code default} user, give that user's password here: readiness checks
     *                       and {@link #flushAll()} authenticate with it.
     * @param extraArgs      further {@code --name value} arguments, appended last so they win
     * @param binary         a specific redis-server, or null to search (see {@link #start(Options)})
     * @param startupTimeout how long to wait for the first PONG
     * @param port           a fixed port, or 0 for a free one
     * @param dir            a fixed working directory (created if missing, kept on {@link #close()}),
     *                       or null for a temp directory that {@link #close()} deletes
     * @param tls            also listen with TLS on a second free port ({@link #tlsPort()}), or null
     */
    public record Options(boolean appendOnly, String password, List<String> extraArgs, Path binary,
                          Duration startupTimeout, int port, Path dir, Tls tls) {

        public Options {
            extraArgs = List.copyOf(extraArgs);
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive");
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
        }

        /** The options without a fixed port or directory (as before those existed). */
        public Options(boolean appendOnly, String password, List<String> extraArgs, Path binary,
                       Duration startupTimeout) {
            this(appendOnly, password, extraArgs, binary, startupTimeout, 0, null, null);
        }

        public static Options defaults() {
            return new Options(false, null, List.of(), null, Duration.ofSeconds(20));
        }

        public Options withAppendOnly(boolean on) {
            return new Options(on, password, extraArgs, binary, startupTimeout, port, dir, tls);
        }

        public Options withPassword(String newPassword) {
            return new Options(appendOnly, newPassword, extraArgs, binary, startupTimeout, port, dir, tls);
        }

        public Options withExtraArgs(String... args) {
            return new Options(appendOnly, password, List.of(args), binary, startupTimeout, port, dir, tls);
        }

        public Options withBinary(Path path) {
            return new Options(appendOnly, password, extraArgs, path, startupTimeout, port, dir, tls);
        }

        public Options withStartupTimeout(Duration timeout) {
            return new Options(appendOnly, password, extraArgs, binary, timeout, port, dir, tls);
        }

        /** Listens on this port; a port in use fails the start instead of trying another. */
        public Options withPort(int fixedPort) {
            return new Options(appendOnly, password, extraArgs, binary, startupTimeout, fixedPort, dir, tls);
        }

        /** Works in this directory (AOF files survive a new server on the same directory). */
        public Options withDir(Path workingDir) {
            return new Options(appendOnly, password, extraArgs, binary, startupTimeout, port, workingDir, tls);
        }

        /** Also serves TLS on {@link #tlsPort()} with these PEM files (the plain port stays for the harness). */
        public Options withTls(Tls tlsFiles) {
            return new Options(appendOnly, password, extraArgs, binary, startupTimeout, port, dir, tlsFiles);
        }

        /** Users from this ACL file ({@code --aclfile}); see {@link #password()} for the harness's own login. */
        public Options withAclFile(Path aclFile) {
            List<String> args = new ArrayList<>(extraArgs);
            args.addAll(List.of("--aclfile", aclFile.toAbsolutePath().toString()));
            return new Options(appendOnly, password, args, binary, startupTimeout, port, dir, tls);
        }
    }

    /**
     * TLS files of the server, PEM as {@code redis-server --tls-*-file} takes them.
     *
     * @param clientCertificates {@code tls-auth-clients}: {@code no}, {@code optional} or {@code yes}
     */
    public record Tls(Path certFile, Path keyFile, Path caFile, String clientCertificates) {

        public Tls {
            if (!List.of("no", "optional", "yes").contains(clientCertificates)) {
                throw new IllegalArgumentException("clientCertificates must be no, optional or yes");
            }
        }
    }

    private final Path binary;
    private final Options options;
    private final Path dir;
    private final int port;
    private final int tlsPort;
    private Process process; // guarded by this

    private RedisServer(Path binary, Options options, Path dir, int port) {
        this.binary = binary;
        this.options = options;
        this.dir = dir;
        this.port = port;
        this.tlsPort = options.tls() == null ? -1 : freePort();
    }

    public static RedisServer start() {
        return start(Options.defaults());
    }

    /**
     * Starts a server and returns once it answers PING. The binary is {@code options.binary()}, else
     * {@code $LEADFLOW_REDIS_SERVER}, else {@code redis-server} on PATH, else the one shipped in the
     * embedded-redis jar.
     */
    public static RedisServer start(Options options) {
        Path binary = RedisBinary.resolve(options.binary());
        Path dir = options.dir() != null ? createDir(options.dir()) : createDir();
        if (options.port() > 0) {
            // Checked first: PING would otherwise be answered by whoever holds the port.
            if (!isFree(options.port())) {
                throw new IllegalStateException("port " + options.port() + " is already in use");
            }
            RedisServer server = new RedisServer(binary, options, dir, options.port());
            try {
                server.launch();
                return server;
            } catch (PortTakenException e) {
                throw new IllegalStateException("port " + options.port() + " is already in use", e);
            }
        }
        // A port found free can be taken before redis binds it; another port is the cure.
        for (int attempt = 1; ; attempt++) {
            RedisServer server = new RedisServer(binary, options, dir, freePort());
            try {
                server.launch();
                return server;
            } catch (PortTakenException e) {
                if (attempt == PORT_ATTEMPTS) {
                    throw new IllegalStateException("no free port after " + attempt + " attempts", e);
                }
            }
        }
    }

    /** The process id of the running server, or -1 when it is not running. */
    public synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** The TLS port ({@link Options#withTls}), or -1 without TLS. */
    public int tlsPort() {
        return tlsPort;
    }

    /** {@code redis://[:password@]127.0.0.1:port}, the password percent-encoded. */
    public String uri() {
        String auth = options.password() == null
                ? ""
                // URLEncoder writes form encoding; a URI spells a space %20, not '+'
                : ":" + URLEncoder.encode(options.password(), StandardCharsets.UTF_8).replace("+", "%20") + "@";
        return "redis://" + auth + HOST + ":" + port;
    }

    /** The working directory: {@code redis.log}, AOF files and anything else the server writes. */
    public Path dir() {
        return dir;
    }

    public Path logFile() {
        return dir.resolve("redis.log");
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Deletes every key of every database (scripts stay cached, as on a real server). */
    public void flushAll() {
        try {
            String reply = Resp.call(HOST, port, options.password(), COMMAND_TIMEOUT, "FLUSHALL");
            if (!reply.equals("+OK")) {
                throw new IllegalStateException("FLUSHALL answered " + reply);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("FLUSHALL on port " + port + " failed", e);
        }
    }

    /** Graceful shutdown (SIGTERM, then SIGKILL after a grace period); waits until the process is gone. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("redis-server on port {} ignored SIGTERM; killing it", port);
                destroyForcibly();
            }
        } catch (InterruptedException e) {
            destroyForcibly();
            Thread.currentThread().interrupt();
        }
        forget();
    }

    /** Simulates a crash: SIGKILL, no shutdown work (no final AOF fsync, no RDB). */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        destroyForcibly();
        forget();
    }

    /** Starts the server again on the same port and directory (stopping it first if it runs). */
    public synchronized void restart() {
        stop();
        try {
            launch();
        } catch (PortTakenException e) {
            throw new IllegalStateException("port " + port + " was taken while redis was down", e);
        }
    }

    /** Stops the server and deletes its directory, unless the directory was given in the options. */
    @Override
    public void close() {
        stop();
        if (options.dir() != null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}", dir, e);
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + HOST + ":" + port + ", " + binary + "]";
    }

    private synchronized void launch() throws PortTakenException {
        ProcessBuilder builder = new ProcessBuilder(command())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        }
        LIVE.add(this);
        awaitReady();
        LOG.debug("{} ready in {}", this, dir);
    }

    private List<String> command() {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port),
                "--bind", HOST,
                "--dir", dir.toString(),
                "--logfile", logFile().toString(),
                "--daemonize", "no",
                "--save", "",
                "--appendonly", options.appendOnly() ? "yes" : "no"));
        if (options.password() != null) {
            cmd.addAll(List.of("--requirepass", options.password()));
        }
        Tls tls = options.tls();
        if (tls != null) {
            cmd.addAll(List.of("--tls-port", Integer.toString(tlsPort),
                    "--tls-cert-file", tls.certFile().toAbsolutePath().toString(),
                    "--tls-key-file", tls.keyFile().toAbsolutePath().toString(),
                    "--tls-auth-clients", tls.clientCertificates()));
            if (tls.caFile() != null) {
                cmd.addAll(List.of("--tls-ca-cert-file", tls.caFile().toAbsolutePath().toString()));
            }
        }
        cmd.addAll(options.extraArgs());
        return cmd;
    }

    /** Polls PING until PONG; LOADING (AOF replay) and refused connections mean "not yet". */
    private void awaitReady() throws PortTakenException {
        long deadline = System.nanoTime() + options.startupTimeout().toNanos();
        while (true) {
            if (!process.isAlive()) {
                int exitCode = process.exitValue();
                forget();
                String log = logTail();
                if (log.contains("Address already in use")) {
                    throw new PortTakenException(log);
                }
                throw new IllegalStateException("redis-server exited with " + exitCode
                        + " during startup; log:\n" + log);
            }
            try {
                if (Resp.call(HOST, port, options.password(), PING_TIMEOUT, "PING").equals("+PONG")) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // expected until the server has bound its port
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException("redis-server on port " + port + " not ready within "
                        + options.startupTimeout() + "; log:\n" + logTail());
            }
            try {
                Thread.sleep(POLL_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting redis-server", e);
            }
        }
    }

    private void destroyForcibly() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forget() {
        LIVE.remove(this);
        process = null;
    }

    private String logTail() {
        StringBuilder tail = new StringBuilder();
        for (Path file : List.of(logFile(), dir.resolve("stdout.log"))) {
            try {
                List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
                lines.subList(Math.max(0, lines.size() - 20), lines.size())
                        .forEach(line -> tail.append(line).append('\n'));
            } catch (IOException e) {
                tail.append("(cannot read ").append(file).append(": ").append(e).append(")\n");
            }
        }
        return tail.toString();
    }

    private static Path createDir(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + " for redis-server", e);
        }
    }

    private static Path createDir() {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "leadflow-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for redis-server", e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getByName(HOST), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    /** The chosen port was taken between probing and binding. */
    private static final class PortTakenException extends Exception {
        PortTakenException(String log) {
            super(log);
        }
    }
}
