package dev.leadflow.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived, single-use tickets that open one event stream, so that the long-lived token never travels in a
 * URL (a browser's EventSource cannot send headers). A ticket names the user and the SHA-256 of the token it
 * was issued for, when it expires and a random nonce, signed with HMAC-SHA256: any instance that has the same
 * key accepts it, and when it is redeemed the token must still belong to that user. Single use is kept per
 * instance (the nonces redeemed and not yet expired), so behind several instances a ticket could open one
 * stream on each within its lifetime at the most.
 */
final class StreamTickets {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final long ttlMillis;
    private final LongSupplier clock;
    private final Map<String, Long> redeemed = new ConcurrentHashMap<>();

    /** What a valid ticket says. */
    record Holder(String userId, byte[] tokenHash) {}

    /** A new ticket and when it stops working. */
    record Ticket(String ticket, long expiresAt) {}

    /** @param secret the signing key shared by all instances, or null for a random key of this instance */
    StreamTickets(String secret, Duration ttl, LongSupplier clock) {
        if (secret == null) {
            this.key = new byte[32];
            RANDOM.nextBytes(this.key);
        } else {
            this.key = secret.getBytes(StandardCharsets.UTF_8);
        }
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
    }

    Ticket issue(String userId, byte[] tokenHash) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        long expiresAt = clock.getAsLong() + ttlMillis;
        String payload = userId + "\n" + HexFormat.of().formatHex(tokenHash) + "\n" + expiresAt + "\n"
                + HexFormat.of().formatHex(nonce);
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return new Ticket(B64.encodeToString(body) + "." + B64.encodeToString(sign(body)), expiresAt);
    }

    /** The holder of a valid, unexpired ticket not redeemed before on this instance; empty otherwise. */
    Optional<Holder> redeem(String ticket) {
        long now = clock.getAsLong();
        for (Iterator<Map.Entry<String, Long>> it = redeemed.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue() < now) {
                it.remove();
            }
        }
        if (ticket == null) {
            return Optional.empty();
        }
        int dot = ticket.indexOf('.');
        if (dot <= 0 || dot != ticket.lastIndexOf('.')) {
            return Optional.empty();
        }
        byte[] body;
        byte[] signature;
        try {
            body = B64D.decode(ticket.substring(0, dot));
            signature = B64D.decode(ticket.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(sign(body), signature)) {
            return Optional.empty();
        }
        String[] parts = new String(body, StandardCharsets.UTF_8).split("\n", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (expiresAt < now || redeemed.putIfAbsent(parts[3], expiresAt) != null) {
            return Optional.empty();
        }
        return Optional.of(new Holder(parts[0], HexFormat.of().parseHex(parts[1])));
    }

    private byte[] sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
