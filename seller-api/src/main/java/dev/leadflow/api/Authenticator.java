package dev.leadflow.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the user behind a request, and keeps sign-in current:
 * <ul>
 *   <li>every route takes {@code Authorization: Bearer <token>}; the event stream also takes {@code ?ticket=}, a
 *       short-lived single-use {@link StreamTickets ticket} from {@code POST /api/v1/stream-tickets}, because a
 *       browser's EventSource cannot send headers — the long-lived token never travels in a URL;</li>
 *   <li>the users file is checked for changes every {@code usersReloadInterval}: a valid new version replaces
 *       the old at once (a removed or changed token stops working), an invalid one is logged with its errors and
 *       the old one stays;</li>
 *   <li>open event streams are checked at the same pace: a stream whose token no longer belongs to its user, or
 *       whose user may no longer watch its queue, is closed, and so is one older than {@code streamLifetime}
 *       (the client opens a new one, with a new ticket, and resumes from its last event id).</li>
 * </ul>
 */
final class Authenticator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    /** Who opened a stream: the user and the SHA-256 of the token they signed in with. */
    record Credential(User user, byte[] tokenHash) {}

    private final Path usersFile;
    private final SellerApiConfig.Sessions settings;
    private final StreamTickets tickets;
    private final Ticker ticker = new Ticker("users-file-and-streams", Duration.ofSeconds(2));
    private volatile Users users;
    private byte[] usersFileHash;
    private byte[] rejectedHash;

    Authenticator(Path usersFile, Users users, SellerApiConfig.Sessions settings) {
        this.usersFile = usersFile;
        this.users = users;
        this.settings = settings;
        this.tickets = new StreamTickets(settings.ticketSecret(), settings.ticketTtl(), System::currentTimeMillis);
        this.usersFileHash = fileHash();
    }

    /**
     * Starts checking the users file and the open streams of {@code feeds}; {@code mayWatch} says whether a user
     * may still watch a queue.
     */
    void start(LiveFeeds feeds, BiPredicate<User, String> mayWatch) {
        ticker.start(() -> {
            try {
                reloadIfChanged();
                checkStreams(feeds, mayWatch);
            } catch (RuntimeException e) {
                LOG.warn("checking the users file and event streams failed: {}", e.toString());
            }
        }, settings.usersReloadInterval());
    }

    User require(Context ctx) {
        return bearer(ctx).user();
    }

    /** The credential of a request that must carry {@code Authorization: Bearer <token>}. */
    Credential bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null) {
            throw ApiException.unauthorized("sign in: send Authorization: Bearer <token>");
        }
        if (!header.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            throw ApiException.unauthorized("the Authorization header must be \"Bearer <token>\"");
        }
        String token = header.substring("bearer ".length()).strip();
        if (token.isEmpty()) {
            throw ApiException.unauthorized("sign in: send Authorization: Bearer <token>");
        }
        byte[] hash = Users.sha256(token);
        User user = users.authenticateHash(hash).orElseThrow(() -> ApiException.unauthorized("unknown or revoked token"));
        return new Credential(user, hash);
    }

    /** The event stream's credential: a Bearer header, or a stream ticket in {@code ?ticket=}. */
    Credential stream(Context ctx) {
        String ticket = ctx.queryParam("ticket");
        if (ticket == null || ctx.header("Authorization") != null) {
            return bearer(ctx);
        }
        StreamTickets.Holder holder = tickets.redeem(ticket).orElseThrow(() ->
                ApiException.unauthorized("the stream ticket is unknown, expired or used: get a new one from POST /api/v1/stream-tickets"));
        User user = users.authenticateHash(holder.tokenHash()).filter(u -> u.id().equals(holder.userId()))
                .orElseThrow(() -> ApiException.unauthorized("the token this ticket was issued for is revoked"));
        return new Credential(user, holder.tokenHash());
    }

    StreamTickets.Ticket issueTicket(Credential c) {
        return tickets.issue(c.user().id(), c.tokenHash());
    }

    /** The user the credential signs in as now, if still the same person (by id). */
    Optional<User> current(Credential c) {
        return users.authenticateHash(c.tokenHash()).filter(u -> u.id().equals(c.user().id()));
    }

    void reloadIfChanged() {
        byte[] hash = fileHash();
        if (hash == null || Arrays.equals(hash, usersFileHash) || Arrays.equals(hash, rejectedHash)) {
            return;
        }
        try {
            Users loaded = Users.load(usersFile);
            users = loaded;
            usersFileHash = hash;
            rejectedHash = null;
            LOG.info("users file {} reloaded: {} users", usersFile, loaded.all().size());
        } catch (IllegalArgumentException e) {
            rejectedHash = hash;
            LOG.warn("users file {} changed but is not valid; the users loaded before stay: {}", usersFile, e.getMessage());
        }
    }

    private void checkStreams(LiveFeeds feeds, BiPredicate<User, String> mayWatch) {
        long now = System.currentTimeMillis();
        long lifetime = settings.streamLifetime().toMillis();
        for (Subscriber s : feeds.subscribers()) {
            Credential c = (Credential) s.owner;
            if (c == null) {
                continue;
            }
            Optional<User> user = current(c);
            if (user.isEmpty() || !mayWatch.test(user.get(), s.queue)) {
                LOG.info("closing an event stream of user {} on {}: its token or access was revoked", c.user().id(), s.queue);
                s.close();
            } else if (now - s.openedAt >= lifetime) {
                s.close();
            }
        }
    }

    private byte[] fileHash() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(usersFile));
        } catch (IOException e) {
            return null; // being replaced: look again next time
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        ticker.close();
    }
}
