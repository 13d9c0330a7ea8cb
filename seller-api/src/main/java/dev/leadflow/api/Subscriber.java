package dev.leadflow.api;

import io.javalin.http.sse.SseClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One open event stream. The queue's feed thread only appends to its outbox and one of a few shared writer
 * threads drains it, so the feed never waits for a client (a client whose socket stops taking data ties up
 * one writer until Jetty's idle timeout drops it). Events are sent in stream order, each at most once (ids
 * not after the last sent are skipped), and nothing is sent until the resumption backlog is out.
 * A client that falls more than {@link #MAX_PENDING} events behind is disconnected; it reconnects with
 * {@code Last-Event-ID} and resumes.
 */
final class Subscriber {

    static final int MAX_PENDING = 1_000;

    final String queue;
    /** When the stream was opened (wall clock), for its lifetime. */
    final long openedAt = System.currentTimeMillis();
    /** Who opened it ({@link Authenticator.Credential}), checked again while it is open. */
    volatile Object owner;
    private final Executor writers;
    private final Consumer<Subscriber> onClosed;
    private final ArrayDeque<ChangeEvents.Event> outbox = new ArrayDeque<>();
    private SseClient client;
    /** Id of the last event sent (or the position the stream starts after); only the draining thread moves it. */
    private String cursor;
    private boolean started;
    private boolean draining;
    private boolean pingDue;
    private boolean closed;
    private boolean left;

    /** @param onClosed called once, when the stream has ended for whatever reason */
    Subscriber(String queue, String cursor, Executor writers, Consumer<Subscriber> onClosed) {
        this.queue = queue;
        this.cursor = cursor;
        this.writers = writers;
        this.onClosed = onClosed;
    }

    /**
     * Binds the HTTP stream, then sends what {@code catchUp} returns (the backlog after the cursor, ending
     * with a ready or reset marker) and then whatever the feed offered meanwhile.
     */
    void start(SseClient sse, Function<String, List<ChangeEvents.Event>> catchUp) {
        sse.keepAlive();
        sse.onClose(this::closed);
        synchronized (this) {
            client = sse;
            draining = true;
        }
        writers.execute(() -> {
            try {
                sendAll(catchUp.apply(cursor));
            } catch (RuntimeException e) {
                close();
                return;
            }
            synchronized (this) {
                started = true;
            }
            drain();
        });
    }

    /** From the feed thread: queue the events and wake a writer. */
    void offer(List<ChangeEvents.Event> events) {
        synchronized (this) {
            if (closed) {
                return;
            }
            outbox.addAll(events);
            if (outbox.size() > MAX_PENDING) {
                closed = true;
            }
        }
        if (isClosed()) {
            close();
        } else {
            schedule();
        }
    }

    /** A comment line, so proxies and browsers keep an idle stream open and dead ones are noticed. */
    void ping() {
        synchronized (this) {
            pingDue = true;
        }
        schedule();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    void close() {
        SseClient c;
        synchronized (this) {
            closed = true;
            outbox.clear();
            c = client;
        }
        if (c != null) {
            c.close();
        } else {
            closed();
        }
    }

    private void closed() {
        synchronized (this) {
            closed = true;
            if (left) {
                return;
            }
            left = true;
        }
        onClosed.accept(this);
    }

    private void schedule() {
        synchronized (this) {
            if (draining || !started || closed) {
                return;
            }
            draining = true;
        }
        writers.execute(this::drain);
    }

    private void drain() {
        while (true) {
            List<ChangeEvents.Event> batch;
            boolean ping;
            synchronized (this) {
                if (closed || (outbox.isEmpty() && !pingDue)) {
                    draining = false;
                    return;
                }
                batch = new ArrayList<>(outbox);
                outbox.clear();
                ping = pingDue;
                pingDue = false;
            }
            sendAll(batch);
            if (ping && !client.terminated()) {
                client.sendComment("keep-alive");
            }
        }
    }

    private void sendAll(List<ChangeEvents.Event> events) {
        for (ChangeEvents.Event e : events) {
            if (client.terminated()) {
                return;
            }
            // ready/reset set the position; changes are sent once, in order
            boolean marker = e.name().equals("ready") || e.name().equals("reset");
            if (marker || StreamIds.compare(e.id(), cursor) > 0) {
                client.sendEvent(e.name(), e.data(), e.id());
                cursor = e.id();
            }
        }
    }
}
