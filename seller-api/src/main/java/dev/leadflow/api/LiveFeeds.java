package dev.leadflow.api;

import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueueChange;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The live event streams. Each queue that somebody watches has one feed thread that waits on the queue's
 * change stream ({@code XREAD BLOCK}) and fans every change out to that queue's subscribers; the feed stops
 * when the last subscriber leaves. So Redis connections grow with watched queues, never with clients:
 * at most {@code maxLiveQueues} (from a pool used only for this), and at most {@code maxEventStreams}
 * streams are open at once. Beyond either limit a new stream gets 503.
 */
final class LiveFeeds implements AutoCloseable {

    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** Longest a feed waits in one read; below the Redis socket timeout. */
    private static final Duration BLOCK = Duration.ofSeconds(1);
    private static final int READ_BATCH = 200;
    /** A resumed stream more than this many changes behind is told to reload instead of replaying them all. */
    private static final int MAX_REPLAY = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(LiveFeeds.class);

    private final HandoffQueue queue;
    private final HandoffQueue reader;
    private final int maxStreams;
    private final int maxQueues;
    private final Map<String, Feed> feeds = new HashMap<>();
    private final ExecutorService writers = Executors.newFixedThreadPool(4, daemon("sse-writer"));
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(daemon("sse-keepalive"));
    private int streams;
    private boolean closed;

    /**
     * @param queue  for the backlog of resumed streams and the leads in events
     * @param reader used only by feed threads, which hold a connection while they wait: its pool must have
     *               {@code maxQueues} connections
     */
    LiveFeeds(HandoffQueue queue, HandoffQueue reader, int maxStreams, int maxQueues) {
        this.queue = queue;
        this.reader = reader;
        this.maxStreams = maxStreams;
        this.maxQueues = maxQueues;
        pinger.scheduleAtFixedRate(this::pingAll, KEEP_ALIVE.toMillis(), KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Takes a place for a new stream (before the response starts, so a refusal can still be a 503).
     *
     * @param lastEventId where the client wants to resume, or null to start now
     */
    synchronized Subscriber subscribe(String queueName, String lastEventId) {
        if (closed) {
            throw ApiException.unavailable("the service is shutting down");
        }
        if (streams >= maxStreams) {
            throw ApiException.unavailable("too many open event streams (" + maxStreams + "): try again later");
        }
        Feed feed = feeds.get(queueName);
        if (feed == null) {
            if (feeds.size() >= maxQueues) {
                throw ApiException.unavailable("too many queues followed live (" + maxQueues + "): try again later");
            }
            feed = new Feed(queueName, queue.lastChangeId(queueName).orElse(StreamIds.START));
            feeds.put(queueName, feed);
            feed.thread.start();
        }
        Feed joined = feed;
        Subscriber subscriber = new Subscriber(queueName, lastEventId == null ? feed.cursor : lastEventId, writers,
                gone -> leave(joined, gone));
        feed.subscribers.add(subscriber);
        streams++;
        return subscriber;
    }

    /** Starts sending: the backlog since {@code lastEventId} (if any), a ready marker, then live changes. */
    void start(Subscriber subscriber, SseClient client, String lastEventId) {
        subscriber.start(client, cursor -> catchUp(subscriber.queue, lastEventId, cursor));
    }

    /** The open streams, all queues. */
    synchronized List<Subscriber> subscribers() {
        List<Subscriber> all = new ArrayList<>();
        feeds.values().forEach(feed -> all.addAll(feed.subscribers));
        return all;
    }

    synchronized int openStreams() {
        return streams;
    }

    /** Ends every stream; a second call does nothing. */
    @Override
    public void close() {
        List<Subscriber> all = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            feeds.values().forEach(feed -> {
                feed.stopped = true;
                all.addAll(feed.subscribers);
            });
        }
        all.forEach(Subscriber::close);
        pinger.shutdownNow();
        writers.shutdownNow();
    }

    private List<ChangeEvents.Event> catchUp(String queueName, String lastEventId, String cursor) {
        if (lastEventId == null) {
            return List.of(ChangeEvents.ready(queueName, cursor));
        }
        List<QueueChange> oldest = queue.changes(queueName, null, 1);
        boolean trimmed = !oldest.isEmpty() && StreamIds.compare(lastEventId, oldest.get(0).id()) < 0;
        List<QueueChange> backlog = new ArrayList<>();
        String after = lastEventId;
        while (!trimmed && backlog.size() <= MAX_REPLAY) {
            List<QueueChange> page = queue.changes(queueName, after, READ_BATCH);
            backlog.addAll(page);
            if (page.size() < READ_BATCH) {
                break;
            }
            after = page.get(page.size() - 1).id();
        }
        if (trimmed || backlog.size() > MAX_REPLAY) {
            return List.of(ChangeEvents.reset(queueName, queue.lastChangeId(queueName).orElse(StreamIds.START)));
        }
        List<ChangeEvents.Event> events = new ArrayList<>();
        backlog.forEach(change -> events.add(ChangeEvents.of(queue, queueName, change)));
        events.add(ChangeEvents.ready(queueName, backlog.isEmpty() ? lastEventId : backlog.get(backlog.size() - 1).id()));
        return events;
    }

    /** Called once per subscriber, when its stream ends. */
    private synchronized void leave(Feed feed, Subscriber gone) {
        if (feed.subscribers.remove(gone)) {
            streams--;
        }
        if (feed.subscribers.isEmpty() && feeds.get(feed.queueName) == feed) {
            feed.stopped = true;
            feeds.remove(feed.queueName);
        }
    }

    private void pingAll() {
        List<Subscriber> all = new ArrayList<>();
        synchronized (this) {
            feeds.values().forEach(feed -> all.addAll(feed.subscribers));
        }
        all.forEach(Subscriber::ping);
    }

    /** The one reader of a queue's change stream. */
    private final class Feed implements Runnable {

        final String queueName;
        final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
        final Thread thread;
        volatile String cursor;
        volatile boolean stopped;

        Feed(String queueName, String cursor) {
            this.queueName = queueName;
            this.cursor = cursor;
            this.thread = daemon("sse-feed-" + queueName).newThread(this);
        }

        @Override
        public void run() {
            while (!stopped) {
                try {
                    List<QueueChange> changes = reader.awaitChanges(queueName, cursor, READ_BATCH, BLOCK);
                    if (changes.isEmpty()) {
                        continue;
                    }
                    List<ChangeEvents.Event> events = new ArrayList<>(changes.size());
                    changes.forEach(change -> events.add(ChangeEvents.of(queue, queueName, change)));
                    cursor = changes.get(changes.size() - 1).id();
                    subscribers.forEach(s -> s.offer(events));
                } catch (JedisException e) {
                    if (stopped) {
                        return;
                    }
                    LOG.warn("live feed of {} cannot read Redis, retrying: {}", queueName, e.toString());
                    sleepQuietly(BLOCK);
                }
            }
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name.startsWith("sse-feed-") ? name : name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
