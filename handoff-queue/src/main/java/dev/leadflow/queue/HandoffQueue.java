package dev.leadflow.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.SafeEncoder;

/**
 * The prioritized seller queues in Redis (layout: {@link QueueKeys}). Every write is one Lua script,
 * so each is atomic; all times that decide leases come from the Redis server clock.
 *
 * <p>Thread-safe as far as the client is: {@link redis.clients.jedis.RedisClient} (pooled) and
 * {@link redis.clients.jedis.RedisClusterClient} are.
 */
public final class HandoffQueue implements AutoCloseable {

    /**
     * @param changeStreamCap  approximate length kept of each queue's change stream ({@code MAXLEN ~}:
     *                         Redis trims whole stream nodes, so it can run up to ~100 entries over)
     * @param versionRetention how long the version of a lead that left the queue (withdrawn, accepted,
     *                         rejected) is kept. Within it a replayed older action stays a no-op; after
     *                         it the lead's entry is pruned (by later writes to that queue, 64 a call),
     *                         so the meta hash holds the leads in the queue plus those that left within
     *                         the retention.
     */
    public record Options(int changeStreamCap, Duration versionRetention) {

        public static final int DEFAULT_CHANGE_STREAM_CAP = 10_000;
        public static final Duration DEFAULT_VERSION_RETENTION = Duration.ofDays(7);

        public Options {
            if (changeStreamCap <= 0) {
                throw new IllegalArgumentException("changeStreamCap must be positive");
            }
            if (versionRetention.isNegative() || versionRetention.isZero()) {
                throw new IllegalArgumentException("versionRetention must be positive");
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_CHANGE_STREAM_CAP, DEFAULT_VERSION_RETENTION);
        }

        public Options withChangeStreamCap(int cap) {
            return new Options(cap, versionRetention);
        }

        public Options withVersionRetention(Duration retention) {
            return new Options(changeStreamCap, retention);
        }
    }

    private static final LuaScript APPLY = LuaScript.named("apply");
    private static final LuaScript CLAIM = LuaScript.named("claim");
    private static final LuaScript SETTLE = LuaScript.named("settle");
    private static final LuaScript RECLAIM = LuaScript.named("reclaim");
    private static final LuaScript PEEK = LuaScript.named("peek");
    private static final LuaScript GET = LuaScript.named("get");
    private static final LuaScript CHECK = LuaScript.named("check");
    private static final LuaScript ERASE = LuaScript.named("erase");

    private final UnifiedJedis redis;
    private final boolean ownsClient;
    /** ARGV[1..2] of every script: stream cap and retention. */
    private final List<String> header;

    /** Uses {@code redis} without taking ownership: {@link #close()} leaves it open. */
    public HandoffQueue(UnifiedJedis redis) {
        this(redis, Options.defaults());
    }

    /** Uses {@code redis} without taking ownership: {@link #close()} leaves it open. */
    public HandoffQueue(UnifiedJedis redis, Options options) {
        this(redis, options, false);
    }

    private HandoffQueue(UnifiedJedis redis, Options options, boolean ownsClient) {
        this.redis = redis;
        this.ownsClient = ownsClient;
        this.header = List.of(Integer.toString(options.changeStreamCap()),
                Long.toString(options.versionRetention().toMillis()));
    }

    /**
     * Connects with a pooled client that {@link #close()} closes; through Redis Sentinel when the
     * configuration names sentinels ({@link RedisConfig#client()}).
     */
    public static HandoffQueue connect(RedisConfig config, Options options) {
        return new HandoffQueue(config.client(), options, true);
    }

    public ApplyResult apply(QueueAction action) {
        return applyAll(List.of(action)).get(0);
    }

    /**
     * Applies the actions in order in one round trip (a pipeline). Idempotent: sending the same batch
     * again yields STALE or STALE_ABSENT for each and changes nothing, so a sink can retry a failed flush
     * whole.
     */
    public List<ApplyResult> applyAll(List<QueueAction> actions) {
        if (actions.isEmpty()) {
            return List.of();
        }
        return pipelined(actions, false).results();
    }

    /**
     * The results of a batch and the replication id ({@code master_replid}) of the server that applied it,
     * or null where the client cannot say (Redis Cluster: the batch spans nodes).
     */
    public record Applied(List<ApplyResult> results, String replicationId) {}

    /**
     * As {@link #applyAll}, and says which server applied the batch: its replication id, read in the same
     * pipeline, so on the same connection. A primary gets a new replication id when it starts without its
     * data and when a replica is promoted in its place; a writer that sees the id change knows its earlier
     * writes may be missing (replication is asynchronous, so a failover can lose the last ones).
     */
    public Applied applyAllTracked(List<QueueAction> actions) {
        if (redis instanceof RedisClusterClient) {
            return new Applied(applyAll(actions), null);
        }
        return pipelined(actions, true);
    }

    private Applied pipelined(List<QueueAction> actions, boolean withReplicationId) {
        Set<String> queues = new LinkedHashSet<>();
        actions.forEach(action -> queues.add(action.queue()));
        Response<Object> info = null;
        List<Response<Object>> responses = new ArrayList<>(actions.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            if (withReplicationId) {
                info = pipeline.sendCommand(Protocol.Command.INFO, "replication");
            }
            queues.forEach(queue -> pipeline.sadd(QueueKeys.QUEUES, queue));
            for (QueueAction action : actions) {
                responses.add(APPLY.queue(pipeline, QueueKeys.of(action.queue()).all(), applyArgs(action)));
            }
            pipeline.sync();
        }
        List<ApplyResult> results = new ArrayList<>(actions.size());
        for (int i = 0; i < actions.size(); i++) {
            results.add(applyResult(responses.get(i), actions.get(i)));
        }
        return new Applied(results, info == null ? null : replicationId(SafeEncoder.encode((byte[]) info.get())));
    }

    /** The replication id of the server this client talks to now (see {@link #applyAllTracked}); null on Cluster. */
    public String replicationId() {
        if (redis instanceof RedisClusterClient) {
            return null;
        }
        return replicationId(SafeEncoder.encode((byte[]) redis.sendCommand(Protocol.Command.INFO, "replication")));
    }

    static String replicationId(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("master_replid:")) {
                return line.substring("master_replid:".length()).trim();
            }
        }
        throw new IllegalStateException("INFO replication has no master_replid");
    }

    /** The best ready leads (priority desc, then enqueuedAt asc), at most {@code limit}. */
    public List<QueuedLead> peek(String queue, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        List<?> rows = (List<?>) run(PEEK, queue, Integer.toString(limit));
        List<QueuedLead> leads = new ArrayList<>(rows.size());
        rows.forEach(row -> leads.add(queuedLead((List<?>) row)));
        return leads;
    }

    /** The lead if it is in the queue, ready or claimed. */
    public Optional<QueuedLead> get(String queue, String leadId) {
        QueueAction.requireNonEmpty(leadId, "leadId");
        Object row = run(GET, queue, leadId);
        return row == null ? Optional.empty() : Optional.of(queuedLead((List<?>) row));
    }

    /** Number of ready leads. */
    public long depth(String queue) {
        return redis.zcard(QueueKeys.of(queue).ready());
    }

    /** Number of leads under a lease (including lapsed leases not yet returned). */
    public long claimedCount(String queue) {
        return redis.zcard(QueueKeys.of(queue).claims());
    }

    /** Enqueue time (epoch ms) of the ready lead that has waited longest. */
    public Optional<Long> oldestEnqueuedAt(String queue) {
        List<Tuple> oldest = redis.zrangeWithScores(QueueKeys.of(queue).waiting(), 0, 0);
        return oldest.isEmpty() ? Optional.empty() : Optional.of((long) oldest.get(0).getScore());
    }

    /** Names of every queue that an action was ever applied to. */
    public Set<String> queues() {
        return redis.smembers(QueueKeys.QUEUES);
    }

    /**
     * Takes the best ready lead for {@code claimant} until the lease ends. Lapsed leases of the queue
     * are returned to ready first. Empty when no lead is ready.
     */
    public Optional<Claim> claim(String queue, String claimant, Duration lease) {
        QueueAction.requireNonEmpty(claimant, "claimant");
        if (lease.toMillis() <= 0) {
            throw new IllegalArgumentException("lease must be at least 1 ms: " + lease);
        }
        String token = LeaseToken.create(queue);
        List<?> reply = (List<?>) run(CLAIM, queue, claimant, Long.toString(lease.toMillis()), token);
        if (reply == null) {
            return Optional.empty();
        }
        return Optional.of(new Claim(text(reply, 0), queue, text(reply, 6), number(reply, 7), text(reply, 1),
                text(reply, 2), (Long) reply.get(3), number(reply, 4), Double.parseDouble(text(reply, 5))));
    }

    /** The claimant takes the lead: it leaves the queue and its handoff is closed. */
    public Outcome accept(String queue, String leadId, String leaseToken) {
        return settle(queue, leadId, leaseToken, "accept", null);
    }

    /** The claimant turns the lead down: it leaves the queue and its handoff is closed. */
    public Outcome reject(String queue, String leadId, String leaseToken, String reason) {
        return settle(queue, leadId, leaseToken, "reject", reason);
    }

    /** The claimant gives the lead back: ready again, in its original place in line. */
    public Outcome release(String queue, String leadId, String leaseToken) {
        return settle(queue, leadId, leaseToken, "release", null);
    }

    /**
     * What accepting, rejecting or releasing with {@code leaseToken} would return now, without changing
     * anything; for callers that must act elsewhere before they settle.
     */
    public LeaseCheck checkLease(String queue, String leadId, String leaseToken) {
        QueueAction.requireNonEmpty(leadId, "leadId");
        QueueAction.requireNonEmpty(leaseToken, "leaseToken");
        List<?> reply = (List<?>) run(CHECK, queue, leadId, leaseToken);
        String claimant = text(reply, 2);
        return new LeaseCheck(Outcome.valueOf(text(reply, 0)), (Long) reply.get(1), claimant.isEmpty() ? null : claimant);
    }

    /** Returns every lapsed lease of the queue to ready; the count returned. */
    public int reclaimExpired(String queue) {
        return Math.toIntExact((Long) run(RECLAIM, queue));
    }

    /**
     * Up to {@code count} changes after stream id {@code afterStreamId} (exclusive; null for the oldest
     * kept), oldest first. Pass the last {@link QueueChange#id()} to continue.
     */
    public List<QueueChange> changes(String queue, String afterStreamId, int count) {
        requirePositive(count);
        String start = afterStreamId == null ? "-" : "(" + afterStreamId;
        return toChanges(redis.xrange(QueueKeys.of(queue).events(), start, "+", count));
    }

    /**
     * Like {@link #changes} after {@code afterStreamId} ({@code 0-0} for the oldest kept), but when there
     * is none yet, waits up to {@code block} for one ({@code XREAD BLOCK}); empty if none came. The
     * connection is held while it waits, so a live view should share one waiting caller per queue,
     * and keep {@code block} below the client's socket timeout.
     */
    public List<QueueChange> awaitChanges(String queue, String afterStreamId, int count, Duration block) {
        requirePositive(count);
        QueueAction.requireNonEmpty(afterStreamId, "afterStreamId");
        if (block.toMillis() <= 0) {
            // XREAD BLOCK 0 would wait forever
            throw new IllegalArgumentException("block must be at least 1 ms: " + block);
        }
        String key = QueueKeys.of(queue).events();
        XReadParams params = XReadParams.xReadParams().count(count).block(Math.toIntExact(block.toMillis()));
        List<Map.Entry<String, List<StreamEntry>>> reply =
                redis.xread(params, Map.of(key, new StreamEntryID(afterStreamId)));
        return reply == null || reply.isEmpty() ? List.of() : toChanges(reply.get(0).getValue());
    }

    /** The id of the queue's newest change, to start following the stream from now on. */
    public Optional<String> lastChangeId(String queue) {
        List<StreamEntry> last = redis.xrevrange(QueueKeys.of(queue).events(), "+", "-", 1);
        return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0).getID().toString());
    }

    /**
     * Erases everything held about the lead in every known queue ({@link #queues()}): ready and claimed
     * entries, payload, version and handoff, lease fields, the closed-set entry and every change-stream
     * entry that names it. Each queue that held something records one {@link QueueChange.Type#ERASE}
     * change, which carries no lead id, so live views reload. An old lease token of the lead then gets
     * {@link Outcome#NOT_CLAIMED}. Idempotent: a second call finds nothing and writes nothing.
     *
     * <p>Each queue is erased by one script (atomic per queue); a failure part-way leaves the queues
     * done so far erased, and repeating the call finishes the rest. Redis persistence files written
     * before the call (an RDB snapshot, the AOF until its next rewrite) still hold the old data.
     *
     * @return the queues in which something of the lead was removed, in the order they were erased
     */
    public List<String> erase(String leadId) {
        QueueAction.requireNonEmpty(leadId, "leadId");
        List<String> purged = new ArrayList<>();
        for (String queue : new TreeSet<>(queues())) {
            if ((Long) run(ERASE, queue, leadId) == 1L) {
                purged.add(queue);
            }
        }
        return purged;
    }

    /** Closes the client if this queue created it ({@link #connect}). */
    @Override
    public void close() {
        if (ownsClient) {
            redis.close();
        }
    }

    private Outcome settle(String queue, String leadId, String leaseToken, String op, String reason) {
        QueueAction.requireNonEmpty(leadId, "leadId");
        QueueAction.requireNonEmpty(leaseToken, "leaseToken");
        return Outcome.valueOf((String) run(SETTLE, queue, leadId, leaseToken, op, reason == null ? "" : reason));
    }

    private Object run(LuaScript script, String queue, String... args) {
        List<String> argv = new ArrayList<>(header);
        argv.addAll(List.of(args));
        return script.eval(redis, QueueKeys.of(queue).all(), argv);
    }

    private List<String> applyArgs(QueueAction action) {
        List<String> argv = new ArrayList<>(header);
        argv.addAll(List.of(action.leadId(), action.handoffId(), action.kind().name(),
                Long.toString(action.version()), Double.toString(action.priority()),
                action.payload() == null ? "" : action.payload(), Long.toString(action.enqueuedAt())));
        return argv;
    }

    /** A NOSCRIPT inside the batch (the server lost its script cache) is repaired by a direct call. */
    private ApplyResult applyResult(Response<Object> response, QueueAction action) {
        Object reply;
        try {
            reply = response.get();
        } catch (JedisDataException e) {
            if (!LuaScript.isNoScript(e)) {
                throw e;
            }
            reply = APPLY.eval(redis, QueueKeys.of(action.queue()).all(), applyArgs(action));
        }
        return ApplyResult.valueOf((String) reply);
    }

    private static List<QueueChange> toChanges(List<StreamEntry> entries) {
        List<QueueChange> changes = new ArrayList<>(entries.size());
        for (StreamEntry entry : entries) {
            Map<String, String> f = entry.getFields();
            // an erase change names no lead, so it has no version or priority either
            String version = f.get("version");
            String priority = f.get("priority");
            changes.add(new QueueChange(entry.getID().toString(),
                    QueueChange.Type.valueOf(f.get("type").toUpperCase(Locale.ROOT)),
                    f.get("leadId"), version == null ? 0 : Long.parseLong(version),
                    priority == null ? 0 : Double.parseDouble(priority),
                    entry.getID().getTime(), f.get("claimant"), f.get("reason")));
        }
        return changes;
    }

    private static void requirePositive(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive: " + count);
        }
    }

    private static QueuedLead queuedLead(List<?> row) {
        String claimant = text(row, 6);
        return new QueuedLead(text(row, 0), text(row, 1), number(row, 2), Double.parseDouble(text(row, 3)),
                number(row, 4), text(row, 5), claimant.isEmpty() ? null : claimant);
    }

    private static String text(List<?> reply, int index) {
        return (String) reply.get(index);
    }

    private static long number(List<?> reply, int index) {
        return Long.parseLong(text(reply, index));
    }
}
