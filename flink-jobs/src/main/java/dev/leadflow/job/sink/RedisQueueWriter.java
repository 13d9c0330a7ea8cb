package dev.leadflow.job.sink;

import dev.leadflow.avro.ErasureConfirmation;
import dev.leadflow.job.JobMetrics;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.queue.ApplyResult;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.QueueAction;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.schemas.Topics;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer of {@link RedisQueueSink}; runs in the sink task's mailbox thread only.
 *
 * <p>An ERASE command is handled at once, in order: the actions buffered before it are written first (an
 * earlier ENQUEUE of the lead must not land after its erasure), then the lead is erased from every queue,
 * then its {@code ErasureConfirmation} is published and acknowledged. Each step is retried like a failed
 * batch; while one fails the task thread is busy, so no checkpoint completes and nothing is dropped. The
 * confirmation is at-least-once: after a restore from a checkpoint taken before it was acknowledged, the
 * replayed ERASE publishes it again with the same {@code event_id} (see {@link ErasureConfirmations}).
 *
 * <p>Redis's answer to every action is counted per queue and result; an ENQUEUE or UPDATE answered
 * STALE_ABSENT, when it is the lead's last action in its batch, is a handoff the job holds open that the
 * queue does not show: counted on its own and logged (at most one warning per {@link #WARN_EVERY}).
 *
 * <p>A new Redis primary (a Sentinel failover, or a server that restarted without its data) is seen in the
 * replication id that every batch reads on its own connection ({@link HandoffQueue#applyAllTracked}).
 * Replication is asynchronous, so the new primary may lack the last writes the old one acknowledged. The
 * writer then applies the actions it wrote recently again (the version guard makes the ones the new primary
 * has no-ops; this restores lost WITHDRAWs and UPDATEs too), and asks the job to write every open handoff
 * again, the REBUILD_QUEUE of {@code leadflow rebuild-queue} ({@link QueueRebuildRequests}), for whatever
 * was lost before the recent window.
 */
public final class RedisQueueWriter implements SinkWriter<HandoffCommand> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisQueueWriter.class);
    private static final long MAX_BACKOFF_MS = 5_000;
    /** Longest wait for one acknowledgement of a confirmation before it is retried. */
    private static final Duration MAX_CONFIRMATION_ATTEMPT = Duration.ofSeconds(10);
    private static final Duration MIN_CONFIRMATION_ATTEMPT = Duration.ofSeconds(1);
    /** While leads keep missing from the queues, one warning per this interval; the counter has them all. */
    private static final Duration WARN_EVERY = Duration.ofSeconds(30);
    /**
     * The recent actions kept to be applied again on a new primary: the last {@value #RECENT_ACTIONS} at most,
     * none older than {@link #RECENT_WINDOW}. A failover loses what the replica had not received, normally
     * milliseconds of writes; the queue rebuild covers open handoffs beyond the window.
     */
    static final int RECENT_ACTIONS = 10_000;
    static final Duration RECENT_WINDOW = Duration.ofSeconds(60);

    private final int batchSize;
    private final long flushIntervalMs;
    private final long retryTimeoutNanos;
    private final ProcessingTimeService timers;
    private final HandoffQueue queue;
    private final List<HandoffCommand> pending = new ArrayList<>();
    private final Histogram latency;
    private final Counter retries;
    private final MetricGroup metrics;
    /**
     * Queue name -> its result counters. Bounded by the queues the job routes to: the routing rules' queues,
     * {@code default} and one {@code owner-<seller_id>} per seller who owns accounts — the queues Redis and
     * the seller API's per-queue metrics hold anyway. Flink keeps a metric until the task ends, so an entry
     * removed here would not shrink anything.
     */
    private final Map<String, QueueCounters> counters = new HashMap<>();
    private long lastStaleWarning;
    private long staleSinceWarning;
    /** Null when this writer may not erase (a sink without a confirmation target). */
    private final ErasureConfirmations confirmations;
    private boolean flushScheduled;
    /** Says why a write failed (authentication, ACL, TLS, network) for the retry log line. */
    private Function<Throwable, String> describeFailure = Throwable::toString;
    /** The replication id of the primary the last batch went to; null before the first batch. */
    private String primaryId;
    /** Actions written, oldest first, with the time they were written (ms). */
    private final ArrayDeque<QueueAction> recent = new ArrayDeque<>();
    private final ArrayDeque<Long> recentAt = new ArrayDeque<>();
    private final Counter primaryChanges;
    /** Where the writer asks for a queue rebuild after a primary change; null: it only re-applies. */
    private QueueRebuildRequests rebuildRequests;
    private String subtask = "queue sink";

    RedisQueueWriter(RedisConfig redis, int batchSize, Duration flushInterval, Duration retryTimeout,
            int latencyHistogramSize, ErasureConfirmations confirmations, WriterInitContext context) {
        this(HandoffQueue.connect(redis, HandoffQueue.Options.defaults()), batchSize, flushInterval, retryTimeout,
                context.getProcessingTimeService(), context.metricGroup(), latencyHistogramSize, confirmations);
        this.describeFailure = redis::describe;
        this.subtask = "queue sink subtask " + context.getTaskInfo().getIndexOfThisSubtask();
        if (confirmations != null) {
            this.rebuildRequests = new QueueRebuildRequests(confirmations.target());
        }
    }

    /** Takes its collaborators directly, so tests can drive time and read the metrics. */
    RedisQueueWriter(HandoffQueue queue, int batchSize, Duration flushInterval, Duration retryTimeout,
            ProcessingTimeService timers, MetricGroup metrics) {
        this(queue, batchSize, flushInterval, retryTimeout, timers, metrics, 10_000, null);
    }

    RedisQueueWriter(HandoffQueue queue, int batchSize, Duration flushInterval, Duration retryTimeout,
            ProcessingTimeService timers, MetricGroup metrics, int latencyHistogramSize,
            ErasureConfirmations confirmations) {
        this.queue = queue;
        this.confirmations = confirmations;
        this.batchSize = batchSize;
        this.flushIntervalMs = flushInterval.toMillis();
        this.retryTimeoutNanos = retryTimeout.toNanos();
        this.timers = timers;
        this.latency = metrics.histogram(JobMetrics.EVENT_TO_QUEUE_MS, new LatencyHistogram(latencyHistogramSize));
        this.retries = metrics.counter(JobMetrics.QUEUE_WRITE_RETRIES);
        this.primaryChanges = metrics.counter(JobMetrics.QUEUE_PRIMARY_CHANGES);
        this.metrics = metrics;
        this.lastStaleWarning = System.nanoTime() - WARN_EVERY.toNanos();
    }

    @Override
    public void write(HandoffCommand command, Context context) throws IOException, InterruptedException {
        if (command.action == HandoffCommand.Action.ERASE) {
            writePending();
            erase(command);
            return;
        }
        pending.add(command);
        if (pending.size() >= batchSize) {
            writePending();
        } else if (!flushScheduled) {
            // Bound the time an action waits for company: sellers should see it within ms.
            flushScheduled = true;
            timers.registerTimer(timers.getCurrentProcessingTime() + flushIntervalMs, t -> {
                flushScheduled = false;
                writePending();
            });
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        // Called before every checkpoint barrier: nothing buffered may be left behind a checkpoint.
        writePending();
    }

    private void writePending() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        List<QueueAction> actions = actionsToWrite(pending);
        // The actions stay pending until written: if retrying gives up, nothing is dropped.
        HandoffQueue.Applied applied = retrying("Redis writes", "Redis write of " + actions.size() + " actions",
                () -> queue.applyAllTracked(actions));
        List<ApplyResult> results = applied.results();
        count(actions, results);
        followPrimary(applied.replicationId());
        remember(actions);
        long now = System.currentTimeMillis();
        for (HandoffCommand c : pending) {
            if (c.triggerIngestedAt > 0) {
                latency.update(Math.max(0, now - c.triggerIngestedAt));
            }
        }
        pending.clear();
    }

    /**
     * After a batch went to a primary with another replication id than the last one: applies the recent
     * actions again there (retried like a batch), then asks for a queue rebuild (one attempt). The batch just
     * written is not among them: the new primary took it. Older actions applied after it are no-ops where it
     * has newer versions of their leads.
     */
    private void followPrimary(String replicationId) throws IOException {
        if (replicationId == null) {
            return;
        }
        String previous = primaryId;
        primaryId = replicationId;
        if (previous == null || previous.equals(replicationId)) {
            return;
        }
        primaryChanges.inc();
        dropExpired(System.currentTimeMillis());
        List<QueueAction> again = new ArrayList<>(recent);
        LOG.warn("Redis primary changed (replication id {} -> {}): a failover or a restart without data; the last"
                + " writes to the old primary may be lost. Applying the {} actions written in the last {} again and"
                + " asking the job to rewrite every open handoff (REBUILD_QUEUE)", previous, replicationId,
                again.size(), RECENT_WINDOW);
        long restored = 0;
        for (int from = 0; from < again.size(); from += 1_000) {
            List<QueueAction> chunk = again.subList(from, Math.min(again.size(), from + 1_000));
            List<ApplyResult> r = retrying("Redis writes", "re-applying " + chunk.size() + " recent actions",
                    () -> queue.applyAll(chunk));
            restored += r.stream().filter(x -> x == ApplyResult.APPLIED).count();
        }
        LOG.warn("{} of {} recent actions were missing on the new Redis primary and are restored", restored,
                again.size());
        if (rebuildRequests != null) {
            requestRebuild(previous, replicationId);
        }
    }

    /**
     * One attempt, bounded: the re-applied recent actions already restored what a failover normally loses,
     * and a missing control topic or a Kafka outage must not stop the queue writes (nor restart the job).
     */
    private void requestRebuild(String previous, String replicationId) {
        var command = QueueRebuildRequests.command(replicationId, subtask + ": Redis primary changed from "
                + previous + " to " + replicationId, System.currentTimeMillis());
        Duration attempt = Duration.ofNanos(Math.max(MIN_CONFIRMATION_ATTEMPT.toNanos(),
                Math.min(retryTimeoutNanos / 4, MAX_CONFIRMATION_ATTEMPT.toNanos())));
        try {
            rebuildRequests.publish(command, attempt);
            LOG.info("queue rebuild {} requested on {}", command.getEventId(), Topics.CONTROL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("could not request queue rebuild {} on {} ({}); the recent actions were applied again, but open"
                    + " handoffs lost before them are not: run `leadflow rebuild-queue`", command.getEventId(),
                    Topics.CONTROL, e.toString());
        }
    }

    private void remember(List<QueueAction> actions) {
        long now = System.currentTimeMillis();
        for (QueueAction a : actions) {
            recent.addLast(a);
            recentAt.addLast(now);
        }
        while (recent.size() > RECENT_ACTIONS) {
            recent.removeFirst();
            recentAt.removeFirst();
        }
        dropExpired(now);
    }

    private void dropExpired(long now) {
        while (!recentAt.isEmpty() && recentAt.peekFirst() < now - RECENT_WINDOW.toMillis()) {
            recent.removeFirst();
            recentAt.removeFirst();
        }
    }

    /**
     * Counts every result; a STALE_ABSENT counts as a handoff held open only for the lead's last action in
     * the batch in that queue: an earlier one is overtaken by the batch itself (a retried batch whose first
     * attempt got through answers STALE_ABSENT for an ENQUEUE that its own later WITHDRAW took out).
     */
    private void count(List<QueueAction> actions, List<ApplyResult> results) {
        Set<String> later = new HashSet<>();
        for (int i = actions.size() - 1; i >= 0; i--) {
            QueueAction a = actions.get(i);
            ApplyResult r = results.get(i);
            QueueCounters c = counters.computeIfAbsent(a.queue(), q -> new QueueCounters(metrics.addGroup("queue", q)));
            c.result(r).inc();
            boolean last = later.add(a.queue() + '\n' + a.leadId());
            if (r == ApplyResult.STALE_ABSENT && last) {
                c.staleOpen.inc();
                warnStaleOpen(a);
            }
        }
    }

    private void warnStaleOpen(QueueAction a) {
        long now = System.nanoTime();
        if (now - lastStaleWarning < WARN_EVERY.toNanos()) {
            staleSinceWarning++;
            return;
        }
        // the lead id stays out of the log (the log outlives an erasure): the version finds the lead in the
        // audit topic and in the queue's change stream
        LOG.warn("A lead is not in queue {} although the job holds its handoff open: Redis answered STALE_ABSENT"
                + " to its {} with version {}, so Redis holds that version or a newer one from an action that took"
                + " the lead out ({} more such since the last warning). Expected for a moment after a restore from a"
                + " checkpoint; if it keeps happening see docs/operations.md \"Leads missing from a queue\", alert LeadFlowQueueLeadsMissing.",
                a.queue(), a.kind(), a.version(), staleSinceWarning);
        lastStaleWarning = now;
        staleSinceWarning = 0;
    }

    /**
     * Erases the lead from every queue, then publishes the confirmation. The erasure is not repeated when only
     * the publication fails, so the confirmation lists the queues it was really removed from.
     */
    private void erase(HandoffCommand command) throws IOException {
        if (confirmations == null) {
            throw new IllegalStateException("this queue sink was built without a Kafka target for erasure "
                    + "confirmations (use RedisQueueSink.from(settings)); refusing to erase request "
                    + command.erasureRequestId);
        }
        if (command.erasureRequestId == null || command.leadId == null) {
            throw new IllegalArgumentException("an ERASE command needs leadId and erasureRequestId: " + command);
        }
        List<String> purged = retrying("Redis erasures", "Redis erasure for request " + command.erasureRequestId,
                () -> queue.erase(command.leadId));
        ErasureConfirmation confirmation =
                ErasureConfirmations.confirmation(command, purged, System.currentTimeMillis());
        // several attempts fit in the retry timeout, each bounded so a dead broker surfaces as a retried error
        Duration attempt = Duration.ofNanos(Math.max(MIN_CONFIRMATION_ATTEMPT.toNanos(),
                Math.min(retryTimeoutNanos / 4, MAX_CONFIRMATION_ATTEMPT.toNanos())));
        retrying("erasure confirmations", "publishing the erasure confirmation " + confirmation.getEventId(), () -> {
            confirmations.publish(confirmation, attempt);
            return null;
        });
        // the lead id stays out of the log: the log outlives the erasure
        LOG.info("erasure request {} done: purged from {} queue(s), confirmation {} published",
                command.erasureRequestId, purged.size(), confirmation.getEventId());
    }

    /** Calls {@code step} until it succeeds, with backoff, for up to the retry timeout; then fails the task. */
    private <T> T retrying(String kind, String what, Callable<T> step) throws IOException {
        long deadline = System.nanoTime() + retryTimeoutNanos;
        long backoffMs = 50;
        while (true) {
            try {
                return step.call();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted during " + what);
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    // The checkpoint (or the task) fails; the replay after a restore repeats the step.
                    throw new IOException(kind + " kept failing for " + Duration.ofNanos(retryTimeoutNanos)
                            + "; failing so that the job restarts from its last checkpoint", e);
                }
                retries.inc();
                LOG.warn("{} failed ({}); retrying in {} ms", what, describeFailure.apply(e), backoffMs);
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
            }
        }
    }

    /**
     * The batch's queue writes, without UPDATEs that a later UPDATE of the same handoff in the same
     * queue supersedes within the batch (the lead's next action in the batch): the version guard
     * would keep only the newest payload and priority anyway, so the queue ends the same with fewer
     * Redis scripts and lead JSONs. A queued lead that keeps browsing produces many UPDATEs; in a
     * backlog a batch holds several of them. The audit topic still gets every action.
     */
    static List<QueueAction> actionsToWrite(List<HandoffCommand> batch) {
        Map<String, HandoffCommand> nextOfLead = new HashMap<>();
        boolean[] superseded = new boolean[batch.size()];
        int kept = batch.size();
        for (int i = batch.size() - 1; i >= 0; i--) {
            HandoffCommand c = batch.get(i);
            HandoffCommand next = nextOfLead.put(c.leadId, c);
            if (c.action == HandoffCommand.Action.UPDATE && next != null && next.action == HandoffCommand.Action.UPDATE
                    && next.queue.equals(c.queue) && Objects.equals(next.handoffId, c.handoffId)) {
                superseded[i] = true;
                kept--;
            }
        }
        List<QueueAction> actions = new ArrayList<>(kept);
        for (int i = 0; i < batch.size(); i++) {
            if (!superseded[i]) {
                actions.add(toAction(batch.get(i)));
            }
        }
        return actions;
    }

    public static QueueAction toAction(HandoffCommand c) {
        QueueAction.Kind kind = QueueAction.Kind.valueOf(c.action.name());
        String payload = c.action == HandoffCommand.Action.WITHDRAW ? null : LeadPayloads.toJson(c);
        return new QueueAction(c.queue, c.leadId, c.handoffId, kind, c.version, c.priority, payload, c.enqueuedAt);
    }

    private static void sleep(long ms) throws InterruptedIOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while retrying");
        }
    }

    /**
     * One queue's counters: the stale-open one at once, so its series exists at 0 before the first increase
     * (Prometheus's {@code increase()} does not see a series' first sample as one), the results on first use.
     */
    private static final class QueueCounters {
        final MetricGroup group;
        final Counter staleOpen;
        final Map<ApplyResult, Counter> results = new EnumMap<>(ApplyResult.class);

        QueueCounters(MetricGroup group) {
            this.group = group;
            this.staleOpen = group.counter(JobMetrics.QUEUE_STALE_OPEN);
        }

        Counter result(ApplyResult r) {
            return results.computeIfAbsent(r, x -> group.addGroup("result", x.name().toLowerCase(Locale.ROOT))
                    .counter(JobMetrics.QUEUE_APPLY_RESULTS));
        }
    }

    @Override
    public void close() {
        try {
            queue.close();
        } finally {
            if (confirmations != null) {
                confirmations.close();
            }
            if (rebuildRequests != null) {
                rebuildRequests.close();
            }
        }
    }
}
