package dev.leadflow.queue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a TLS connection to Redis trusts the server and proves the client, from PEM files (as
 * {@code redis-server --tls-*-file} takes them). Paths, not contents, so that it stays small when a
 * Flink sink carries it; the files are read on every connect, so a rotated certificate is picked up
 * by the next connection.
 *
 * @param caFile         PEM file with the CA certificate(s) that signed the server's certificate, or
 *                       null for the JVM's default trust store
 * @param certFile       PEM client certificate (chain) for servers with {@code tls-auth-clients yes},
 *                       or null; goes with {@code keyFile}
 * @param keyFile        the client certificate's unencrypted PKCS#8 PEM private key
 *                       ({@code -----BEGIN PRIVATE KEY-----}), or null
 * @param verifyHostname whether the server certificate must name the host connected to (default
 *                       true; turn off only for certificates without the right SAN)
 */
public record RedisTls(String caFile, String certFile, String keyFile, boolean verifyHostname)
        implements Serializable {

    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    public RedisTls {
        caFile = blankToNull(caFile);
        certFile = blankToNull(certFile);
        keyFile = blankToNull(keyFile);
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a Redis TLS client certificate needs both the certificate file"
                    + " and the key file");
        }
    }

    /** Trusts the CA in {@code caFile} (PEM), no client certificate, host name verified. */
    public static RedisTls trusting(String caFile) {
        return new RedisTls(caFile, null, null, true);
    }

    /** TLS with the given settings, or null when none is set and host names are verified (the JVM defaults). */
    public static RedisTls ofNullable(String caFile, String certFile, String keyFile, boolean verifyHostname) {
        RedisTls tls = new RedisTls(caFile, certFile, keyFile, verifyHostname);
        return tls.caFile == null && tls.certFile == null && verifyHostname ? null : tls;
    }

    public RedisTls withClientCertificate(String cert, String key) {
        return new RedisTls(caFile, cert, key, verifyHostname);
    }

    public RedisTls withVerifyHostname(boolean verify) {
        return new RedisTls(caFile, certFile, keyFile, verify);
    }

    /**
     * A socket factory trusting {@link #caFile} and presenting the client certificate.
     *
     * @throws IllegalArgumentException naming the file that cannot be read or parsed
     */
    public SSLSocketFactory socketFactory() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(), trustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for Redis: " + e.getMessage(), e);
        }
    }

    /** Host name verification as the JDK does it for HTTPS, unless turned off. */
    public SSLParameters sslParameters() {
        SSLParameters parameters = new SSLParameters();
        if (verifyHostname) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        return parameters;
    }

    @Override
    public String toString() {
        return "tls(ca=" + (caFile == null ? "(JVM default)" : caFile)
                + (certFile == null ? "" : ", cert=" + certFile + ", key=" + keyFile)
                + (verifyHostname ? "" : ", hostname not verified") + ")";
    }

    private TrustManager[] trustManagers() throws GeneralSecurityException {
        if (caFile == null) {
            return null; // the JVM's default trust store
        }
        KeyStore store = emptyStore();
        List<Certificate> cas = certificates(caFile, "CA file");
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private KeyManager[] keyManagers() throws GeneralSecurityException {
        if (certFile == null) {
            return null;
        }
        List<Certificate> chain = certificates(certFile, "client certificate file");
        KeyStore store = emptyStore();
        char[] none = new char[0];
        store.setKeyEntry("client", privateKey(keyFile), none, chain.toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, none);
        return factory.getKeyManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create an empty key store", e);
        }
        return store;
    }

    private static List<Certificate> certificates(String file, String what) {
        try (InputStream in = new ByteArrayInputStream(read(file, what))) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("Redis TLS " + what + " " + file + " holds no PEM certificate");
            }
            return List.copyOf(certs);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("Redis TLS " + what + " " + file + " is not a PEM certificate: "
                    + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String file) {
        String pem = new String(read(file, "key file"), StandardCharsets.US_ASCII);
        Matcher m = PRIVATE_KEY.matcher(pem);
        if (!m.find()) {
            // the text of a key file must not reach a message; only what kind it is
            throw new IllegalArgumentException("Redis TLS key file " + file + " is not an unencrypted PKCS#8 PEM key"
                    + " (-----BEGIN PRIVATE KEY-----); convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException notThisOne) {
                // try the next key algorithm
            }
        }
        throw new IllegalArgumentException("Redis TLS key file " + file + " holds a key of an unsupported algorithm"
                + " (RSA, EC, Ed25519 and Ed448 are read)");
    }

    private static byte[] read(String file, String what) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Redis TLS " + what + " " + file + ": " + e, e);
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
