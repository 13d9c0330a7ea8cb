package dev.leadflow.embedded.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.model.OsArchitecture;

/**
 * Finds a {@code redis-server} executable: an explicit path, then {@value #ENV}, then PATH, then the
 * binary that {@code com.github.codemonstur:embedded-redis} ships (so a fresh machine needs no install).
 */
final class RedisBinary {

    static final String ENV = "LEADFLOW_REDIS_SERVER";

    private RedisBinary() {
    }

    static Path resolve(Path explicit) {
        if (explicit != null) {
            return requireExecutable(explicit, "RedisServer.Options.binary");
        }
        String fromEnv = System.getenv(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return requireExecutable(Path.of(fromEnv), ENV);
        }
        return onPath().orElseGet(RedisBinary::embedded);
    }

    static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Extracts the jar's binary for this OS and CPU once per tmpdir. The copy is written to a private
     * file and moved into place atomically, so parallel test JVMs never run a half-written binary.
     */
    static synchronized Path embedded() {
        String resource = ExecutableProvider.newProvidedVersionsMap()
                .get(OsArchitecture.detectOSandArchitecture());
        if (resource == null) {
            throw new IllegalStateException("embedded-redis ships no redis-server for this OS/CPU;"
                    + " install redis-server or set " + ENV);
        }
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "leadflow-redis-bin");
        Path target = dir.resolve(name);
        if (Files.isExecutable(target)) {
            return target;
        }
        try (InputStream in = ExecutableProvider.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " missing from embedded-redis jar");
            }
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, name, ".part");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            if (!partial.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + partial + " executable");
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource, e);
        }
    }

    private static Path requireExecutable(Path path, String source) {
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new IllegalArgumentException(source + " is not an executable file: " + path);
        }
        return path;
    }
}
