package dev.leadflow.testkit.redis;

import dev.leadflow.embedded.redis.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority with a server certificate for {@code 127.0.0.1}/{@code localhost}
 * and a client certificate, all PEM, made with the {@code openssl} command (Debian package
 * {@code openssl}, installed by {@code .ci/run}). Keys are unencrypted PKCS#8.
 *
 * @param caCert     the CA certificate that signed both others
 * @param serverCert server certificate, SAN {@code IP:127.0.0.1, DNS:localhost}
 * @param clientCert client certificate (CN {@code leadflow-test-client})
 * @param otherCa    a second, unrelated CA: trusting only it must fail the handshake
 */
public record TestCertificates(Path dir, Path caCert, Path serverCert, Path serverKey, Path clientCert,
                               Path clientKey, Path otherCa) {

    private static final long OPENSSL_TIMEOUT_SECONDS = 60;

    /** Generates everything into {@code dir} (created if missing). */
    public static TestCertificates generate(Path dir) {
        try {
            Files.createDirectories(dir);
            Path san = dir.resolve("server-san.ext");
            Files.writeString(san, "subjectAltName=IP:127.0.0.1,DNS:localhost\n", StandardCharsets.US_ASCII);
            selfSigned(dir, "ca", "leadflow-test-ca");
            selfSigned(dir, "other-ca", "leadflow-unrelated-ca");
            signed(dir, "server", "localhost", san);
            signed(dir, "client", "leadflow-test-client", null);
            return new TestCertificates(dir, dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                    dir.resolve("client.crt"), dir.resolve("client.key"), dir.resolve("other-ca.crt"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write test certificates to " + dir, e);
        }
    }

    /** The server side for {@link RedisServer.Options#withTls}. */
    public RedisServer.Tls serverTls(String clientCertificates) {
        return new RedisServer.Tls(serverCert, serverKey, caCert, clientCertificates);
    }

    private static void selfSigned(Path dir, String name, String cn) {
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + cn,
                "-keyout", name + ".key", "-out", name + ".crt");
    }

    private static void signed(Path dir, String name, String cn, Path extensions) {
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + cn,
                "-keyout", name + ".key", "-out", name + ".csr");
        List<String> sign = new ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt",
                "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-out", name + ".crt"));
        if (extensions != null) {
            sign.addAll(List.of("-extfile", extensions.toString()));
        }
        openssl(dir, sign.toArray(new String[0]));
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!process.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl " + args[0] + " did not finish in " + OPENSSL_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed with "
                        + process.exitValue() + ":\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (Debian package openssl; .ci/run installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }
}
