package dev.leadflow.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.queue.Escalations;
import dev.leadflow.queue.HandoffQueue;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notifications that escalations (and enqueues of configured kinds) leave in each queue's
 * outbox in Redis, to the queue's webhook, on a thread of its own: a slow or failing receiver never holds
 * up a claim or an escalation. Each POST is signed ({@link #signature}); a failure (no answer within
 * {@link #TIMEOUT}, or a status other than 2xx) is retried after {@code firstRetry}, doubling up to
 * {@link #MAX_BACKOFF}, until {@code maxAttempts}, then dropped and counted. A note taken by an instance that
 * stops before it reports is sent again a minute later: delivery is at least once, and the
 * {@code X-LeadFlow-Delivery} id (also {@code deliveryId} in the JSON) lets a receiver drop a repeat.
 */
final class Webhooks implements AutoCloseable {

    static final String SIGNATURE_HEADER = "X-LeadFlow-Signature";
    static final String TIMESTAMP_HEADER = "X-LeadFlow-Timestamp";
    static final String DELIVERY_HEADER = "X-LeadFlow-Delivery";
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    /** A taken note is hidden from other instances this long: longer than one attempt can take. */
    private static final Duration HIDE = Duration.ofMinutes(1);
    /** Notes taken at once; a stopping instance still sends the batch it took (see {@link #close}). */
    private static final int BATCH = 10;
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HandoffQueue queue;
    private final ResponseTargets targets;
    private final QueuePolicies policies;
    private final ApiMetrics metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Ticker timer = new Ticker("webhooks", TIMEOUT.multipliedBy(BATCH).plusSeconds(1));

    Webhooks(HandoffQueue queue, ResponseTargets targets, QueuePolicies policies, ApiMetrics metrics) {
        this.queue = queue;
        this.targets = targets;
        this.policies = policies;
        this.metrics = metrics;
    }

    void start() {
        timer.start(this::tick, policies.interval());
    }

    private void tick() {
        for (String q : targets.queuesWithTargets()) {
            QueuePolicies.Webhook hook = policies.of(q).webhook();
            if (hook == null || timer.stopping()) {
                continue;
            }
            try {
                for (Escalations.Note note : queue.takeNotes(q, BATCH, HIDE)) {
                    boolean ok = send(hook, note);
                    Duration backoff = backoff(hook.firstRetry(), note.attempts());
                    Escalations.Delivery result = queue.noteDone(q, note.noteId(), ok, backoff, hook.maxAttempts());
                    metrics.webhook(q, switch (result) {
                        case DELIVERED -> "delivered";
                        case RETRY -> "failed";
                        case DROPPED -> "dropped";
                    });
                    if (result == Escalations.Delivery.DROPPED) {
                        LOG.warn("webhook of queue {}: notification {} dropped after {} failed attempts", q,
                                note.noteId(), hook.maxAttempts());
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("webhooks of queue {}: {}", q, e.toString());
            }
        }
    }

    private boolean send(QueuePolicies.Webhook hook, Escalations.Note note) {
        String body = hook.format().equals("slack") ? slack(note.json()) : note.json();
        long timestamp = System.currentTimeMillis() / 1000;
        HttpRequest request = HttpRequest.newBuilder(hook.url()).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header(TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(DELIVERY_HEADER, note.noteId())
                .header(SIGNATURE_HEADER, "sha256=" + signature(hook.secret(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 == 2) {
                return true;
            }
            LOG.warn("webhook {} answered {} to notification {}", hook, status, note.noteId());
        } catch (IOException e) {
            LOG.warn("webhook {} failed for notification {}: {}", hook, note.noteId(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** A Slack incoming-webhook body: the sentence only (Slack rejects what it does not know in some setups). */
    static String slack(String note) {
        try {
            ObjectNode body = JSON.createObjectNode();
            body.put("text", JSON.readTree(note).path("text").asText());
            return body.toString();
        } catch (IOException e) {
            throw new IllegalStateException("a stored notification is not JSON", e);
        }
    }

    /**
     * Hex HMAC-SHA256 with the webhook's secret over {@code <timestamp>.<body>} (the timestamp is the
     * {@code X-LeadFlow-Timestamp} header, epoch seconds): a receiver recomputes it, compares in constant
     * time, and refuses old timestamps so a captured request cannot be replayed later.
     */
    static String signature(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    static Duration backoff(Duration first, int failedBefore) {
        Duration d = first.multipliedBy(1L << Math.min(failedBefore, 20));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /**
     * Lets the batch being sent finish (a taken note is otherwise hidden from other instances for a minute),
     * then stops.
     */
    @Override
    public void close() {
        timer.close();
    }
}
