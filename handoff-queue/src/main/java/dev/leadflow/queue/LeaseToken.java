package dev.leadflow.queue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Lease tokens are {@code <queue>.<128 random bits, base64url>}. The queue name rides along because
 * the seller API's accept/reject/release routes name only the lead: the token tells which queue (and
 * so which permission) to check. The random part is what proves the lease.
 */
public final class LeaseToken {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private LeaseToken() {
    }

    static String create(String queue) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return queue + "." + ENCODER.encodeToString(bytes);
    }

    /** The queue a token was issued for, or empty if it is not a token of this format. */
    public static Optional<String> queueOf(String token) {
        if (token == null) {
            return Optional.empty();
        }
        // base64url has no '.', so the last one separates even queue names that contain dots
        int dot = token.lastIndexOf('.');
        return dot > 0 && dot < token.length() - 1 ? Optional.of(token.substring(0, dot)) : Optional.empty();
    }
}
