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
import redis.clients.jedis.params.ZAddParams;
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
    private static final LuaScript SCHEDULE = LuaScript.named("schedule");
    private static final LuaScript DUE = LuaScript.named("due");
    private static final LuaScript ESCALATE = LuaScript.named("escalate");
    private static final LuaScript MOVE_PENDING = LuaScript.named("move_pending");
    private static final LuaScript MOVE_DONE = LuaScript.named("move_done");
    private static final LuaScript NOTE_TAKE = LuaScript.named("note_take");
    private static final LuaScript NOTE_DONE = LuaScript.named("note_done");
    private static final LuaScript ASSIGN = LuaScript.named("assign");
    private static final LuaScript TAKE = LuaScript.named("take");
    private static final LuaScript OFFER_OF = LuaScript.named("offer_of");
    /** An action follows a lead through at most this many overflow moves (a cycle of moves is refused). */
    private static final int MAX_FORWARDS = 4;

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
            results.add(forwarded(actions.get(i), applyReply(responses.get(i), actions.get(i)), true, 0));
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
        return claim(queue, claimant, lease, 0);
    }

    /**
     * As {@link #claim(String, String, Duration)}, refused when the claimant already holds {@code maxHeld}
     * leads of the queue (checked in the same script as the claim, so concurrent claims never exceed it).
     *
     * @param maxHeld the most leads of this queue one claimant may hold at once; 0 for no limit
     * @throws HoldLimitReached when the claimant holds {@code maxHeld} already
     */
    public Optional<Claim> claim(String queue, String claimant, Duration lease, int maxHeld) {
        QueueAction.requireNonEmpty(claimant, "claimant");
        if (lease.toMillis() <= 0) {
            throw new IllegalArgumentException("lease must be at least 1 ms: " + lease);
        }
        if (maxHeld < 0) {
            throw new IllegalArgumentException("maxHeld must be >= 0: " + maxHeld);
        }
        String token = LeaseToken.create(queue);
        List<?> reply = (List<?>) run(CLAIM, queue, claimant, Long.toString(lease.toMillis()), token,
                Integer.toString(maxHeld));
        if (reply == null) {
            return Optional.empty();
        }
        if (reply.size() == 2) {
            throw new HoldLimitReached(queue, (Long) reply.get(1), maxHeld);
        }
        String target = text(reply, 8);
        String kind = text(reply, 9);
        return Optional.of(new Claim(text(reply, 0), queue, text(reply, 6), number(reply, 7), text(reply, 1),
                text(reply, 2), (Long) reply.get(3), number(reply, 4), Double.parseDouble(text(reply, 5)),
                target.isEmpty() ? 0 : (long) Double.parseDouble(target), kind.isEmpty() ? null : kind,
                Integer.parseInt(text(reply, 10))));
    }

    /**
     * Assignment mode: the claimant takes offered leads of the queue until {@code until} (epoch ms, Redis
     * clock compared), or no longer when {@code until} is 0.
     */
    public void setAvailable(String queue, String claimant, long until) {
        QueueAction.requireNonEmpty(claimant, "claimant");
        if (until <= 0) {
            redis.zrem(QueueKeys.of(queue).available(), claimant);
        } else {
            redis.zadd(QueueKeys.of(queue).available(), until, claimant);
        }
    }

    /** Whether the claimant takes offered leads of the queue now (their availability has not run out). */
    public boolean isAvailable(String queue, String claimant, long nowMillis) {
        Double until = redis.zscore(QueueKeys.of(queue).available(), claimant);
        return until != null && until > nowMillis;
    }

    /**
     * Offers the best ready lead to the available claimant with the fewest offers so far (not one who let
     * this lead's offer lapse or passed it), under a lease of {@code window} marked as an offer. Empty when
     * no lead is ready or nobody available can hold one more ({@code maxHeld}, 0 for no limit).
     */
    public Optional<Offer> assign(String queue, Duration window, int maxHeld) {
        List<?> reply = (List<?>) run(ASSIGN, queue, Long.toString(window.toMillis()), LeaseToken.create(queue),
                Integer.toString(maxHeld));
        return reply == null ? Optional.empty()
                : Optional.of(new Offer(queue, text(reply, 0), text(reply, 1), text(reply, 2), (Long) reply.get(3)));
    }

    /** The lead offered to the claimant now, if any. */
    public Optional<Offer> offerOf(String queue, String claimant) {
        List<?> reply = (List<?>) run(OFFER_OF, queue, claimant);
        return reply == null ? Optional.empty() : Optional.of(new Offer(queue, text(reply, 0), claimant, text(reply, 1),
                (long) Double.parseDouble(text(reply, 2))));
    }

    /** The outcome of {@link #take}: the claim when {@code outcome} is OK. */
    public record Taken(Outcome outcome, Claim claim) {
    }

    /** Takes an offered lead: the offer becomes an ordinary lease of {@code lease}. */
    public Taken take(String queue, String leadId, String leaseToken, Duration lease) {
        List<?> r = (List<?>) run(TAKE, queue, leadId, leaseToken, Long.toString(lease.toMillis()));
        String outcome = text(r, 0);
        if (!outcome.equals("OK")) {
            return new Taken(outcome.equals("NOT_OFFERED") ? Outcome.NOT_CLAIMED : Outcome.valueOf(outcome), null);
        }
        String target = text(r, 7);
        String kind = text(r, 8);
        return new Taken(Outcome.OK, new Claim(leadId, queue, text(r, 5), number(r, 6), text(r, 2), leaseToken,
                (Long) r.get(1), number(r, 3), Double.parseDouble(text(r, 4)),
                target.isEmpty() ? 0 : (long) Double.parseDouble(target), kind.isEmpty() ? null : kind,
                Integer.parseInt(text(r, 9))));
    }

    /** How many leads of the queue the claimant holds under a lease now. */
    public long held(String queue, String claimant) {
        String n = redis.hget(QueueKeys.of(queue).holders(), claimant);
        return n == null ? 0 : Long.parseLong(n);
    }

    /**
     * Turns on response targets for the queue: from now on every lead that enters or changes is listed by
     * {@link #fresh} (queues without targets keep no such list). Leads ready now are listed too.
     */
    public void enableTargets(String queue) {
        QueueKeys keys = QueueKeys.of(queue);
        if (redis.hsetnx(keys.sla(), "_targets", "1") == 1) {
            for (Tuple t : redis.zrangeWithScores(keys.waiting(), 0, -1)) {
                redis.zadd(keys.fresh(), t.getScore(), t.getElement(), ZAddParams.zAddParams().nx());
            }
        }
    }

    /** Forgets a {@link #fresh} entry without scheduling (the lead left, or has no kind with a target). */
    public void dropFresh(String queue, String leadId) {
        redis.zrem(QueueKeys.of(queue).fresh(), leadId);
    }

    /** Leads that entered the queue or changed and whose response target is to be (re)computed, oldest first. */
    public List<Escalations.Fresh> fresh(String queue, int limit) {
        requirePositive(limit);
        List<Escalations.Fresh> fresh = new ArrayList<>();
        for (Tuple t : redis.zrangeWithScores(QueueKeys.of(queue).fresh(), 0, limit - 1)) {
            fresh.add(new Escalations.Fresh(t.getElement(), (long) t.getScore()));
        }
        return fresh;
    }

    /**
     * Sets the response target of a ready lead: one deadline per escalation step (epoch ms, the first is the
     * target), computed from {@code since}, the start its {@link #fresh} entry named. A handoff scheduled
     * before keeps the earlier of each old and new deadline and its steps done. {@code note} (may be null)
     * is queued for delivery only when the handoff is scheduled for the first time.
     */
    public Escalations.Scheduled schedule(String queue, String leadId, String handoffId, String kind,
                                          List<Long> deadlines, long since, String note, String noteId) {
        QueueAction.requireNonEmpty(leadId, "leadId");
        if (deadlines.isEmpty()) {
            throw new IllegalArgumentException("a schedule needs at least one deadline");
        }
        String csv = String.join(",", deadlines.stream().map(String::valueOf).toList());
        return Escalations.Scheduled.valueOf((String) run(SCHEDULE, queue, leadId, handoffId, kind, csv,
                Long.toString(since), note == null ? "" : note, noteId == null ? "" : noteId));
    }

    /** Ready leads whose next escalation step is due now (Redis clock), earliest first. */
    public List<Escalations.Due> due(String queue, int limit) {
        requirePositive(limit);
        List<?> flat = (List<?>) run(DUE, queue, Integer.toString(limit));
        List<Escalations.Due> due = new ArrayList<>();
        for (int i = 0; i + 4 < flat.size(); i += 5) {
            String kind = text(flat, i + 3);
            due.add(new Escalations.Due(text(flat, i), text(flat, i + 1), Integer.parseInt(text(flat, i + 2)),
                    kind.isEmpty() ? null : kind, (long) Double.parseDouble(text(flat, i + 4))));
        }
        return due;
    }

    /**
     * Takes escalation step {@code step} (1 for the first) of a lead, exactly once: of several callers
     * only one gets {@code taken}. A positive {@code raise} adds to its priority (and stays added through
     * the job's later updates); an {@code overflowTo} queue receives the lead, which leaves this one (the
     * job's later actions for it are forwarded there); a {@code note} is queued for delivery.
     */
    public Escalations.Step escalate(String queue, String leadId, String handoffId, int step, double raise,
                                     String overflowTo, String note, String noteId) {
        if (overflowTo != null) {
            QueueKeys.of(overflowTo);
            if (overflowTo.equals(queue)) {
                throw new IllegalArgumentException("a queue cannot overflow into itself: " + queue);
            }
        }
        List<?> reply = (List<?>) run(ESCALATE, queue, leadId, handoffId, Integer.toString(step),
                Double.toString(raise), overflowTo == null ? "" : overflowTo, note == null ? "" : note,
                noteId == null ? "" : noteId);
        String result = text(reply, 0);
        if (result.equals("SKIPPED")) {
            return new Escalations.Step(false, text(reply, 1), 0, null);
        }
        double priority = Double.parseDouble(text(reply, result.equals("MOVED") ? 4 : 1));
        if (result.equals("MOVED")) {
            move(queue, leadId, overflowTo, text(reply, 1), number(reply, 2), text(reply, 3), priority,
                    number(reply, 5));
            return new Escalations.Step(true, null, priority, overflowTo);
        }
        return new Escalations.Step(true, null, priority, null);
    }

    /**
     * Finishes moves to overflow queues that their mover left half-way (it stopped between taking the step
     * and enqueuing the lead there) for at least {@code olderThan}; the count finished.
     */
    public int completeMoves(String queue, Duration olderThan) {
        List<?> flat = (List<?>) run(MOVE_PENDING, queue, Long.toString(olderThan.toMillis()));
        int done = 0;
        for (int i = 0; i + 6 < flat.size(); i += 7) {
            move(queue, text(flat, i), text(flat, i + 1), text(flat, i + 2), number(flat, i + 3), text(flat, i + 4),
                    Double.parseDouble(text(flat, i + 5)), number(flat, i + 6));
            done++;
        }
        return done;
    }

    /**
     * Enqueues a moved lead in its overflow queue (idempotent: the version guards it), then confirms. The
     * overflow queue is not added to {@link #queues()} here (the seller API may not write that list).
     */
    private void move(String from, String leadId, String to, String payload, long version, String handoffId,
                      double priority, long enqueuedAt) {
        QueueAction enqueue = QueueAction.enqueue(to, leadId, handoffId, version, priority, payload, enqueuedAt);
        forwarded(enqueue, (String) APPLY.eval(redis, QueueKeys.of(to).all(), applyArgs(enqueue)), false, 0);
        run(MOVE_DONE, from, leadId);
    }

    /**
     * Notifications due for delivery, each hidden from other callers for {@code hideFor} (so two instances
     * do not send one at once; one that stops before it reports leaves it to be sent again after).
     */
    public List<Escalations.Note> takeNotes(String queue, int limit, Duration hideFor) {
        requirePositive(limit);
        List<?> flat = (List<?>) run(NOTE_TAKE, queue, Integer.toString(limit), Long.toString(hideFor.toMillis()));
        List<Escalations.Note> notes = new ArrayList<>();
        for (int i = 0; i + 2 < flat.size(); i += 3) {
            notes.add(new Escalations.Note(text(flat, i), text(flat, i + 1), Integer.parseInt(text(flat, i + 2))));
        }
        return notes;
    }

    /** Records a delivery attempt: gone when delivered or failed {@code maxAttempts} times, else retried after {@code retryAfter}. */
    public Escalations.Delivery noteDone(String queue, String noteId, boolean delivered, Duration retryAfter,
                                         int maxAttempts) {
        return Escalations.Delivery.valueOf((String) run(NOTE_DONE, queue, noteId, delivered ? "1" : "0",
                Long.toString(retryAfter.toMillis()), Integer.toString(maxAttempts)));
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
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(new TreeSet<>(queues()));
        Set<String> seen = new java.util.HashSet<>(todo);
        while (!todo.isEmpty()) {
            String queue = todo.poll();
            List<?> reply = (List<?>) run(ERASE, queue, leadId);
            if ((Long) reply.get(0) == 1L) {
                purged.add(queue);
            }
            // an escalation moved the lead to an overflow queue, which need not be in queues()
            String movedTo = text(reply, 1);
            if (!movedTo.isEmpty() && seen.add(movedTo)) {
                todo.add(movedTo);
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
    private String applyReply(Response<Object> response, QueueAction action) {
        try {
            return (String) response.get();
        } catch (JedisDataException e) {
            if (!LuaScript.isNoScript(e)) {
                throw e;
            }
            return (String) APPLY.eval(redis, QueueKeys.of(action.queue()).all(), applyArgs(action));
        }
    }

    /**
     * {@code MOVED:<boost>:<queue>}: an escalation moved the lead to an overflow queue, so the action goes
     * there too, with the escalations' priority raise added (the job's update must not undo it).
     * {@code register}: add the queue to {@link QueueKeys#QUEUES} (the job's writes do; the seller API's
     * user may not write that list, and erasure follows a moved lead without it).
     */
    private ApplyResult forwarded(QueueAction action, String reply, boolean register, int hops) {
        if (!reply.startsWith("MOVED:")) {
            return ApplyResult.valueOf(reply);
        }
        if (hops >= MAX_FORWARDS) {
            throw new IllegalStateException("lead " + action.leadId() + " was moved on more than " + MAX_FORWARDS
                    + " times from queue " + action.queue() + ": check the queues' overflow settings for a cycle");
        }
        int colon = reply.indexOf(':', "MOVED:".length());
        double boost = Double.parseDouble(reply.substring("MOVED:".length(), colon));
        String target = reply.substring(colon + 1);
        QueueAction there = new QueueAction(target, action.leadId(), action.handoffId(), action.kind(), action.version(),
                action.kind() == QueueAction.Kind.WITHDRAW ? 0 : action.priority() + boost, action.payload(),
                action.enqueuedAt());
        if (register) {
            redis.sadd(QueueKeys.QUEUES, target);
        }
        return forwarded(there, (String) APPLY.eval(redis, QueueKeys.of(target).all(), applyArgs(there)), register,
                hops + 1);
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
        String target = text(row, 7);
        String kind = text(row, 9);
        return new QueuedLead(text(row, 0), text(row, 1), number(row, 2), Double.parseDouble(text(row, 3)),
                number(row, 4), text(row, 5), claimant.isEmpty() ? null : claimant,
                target.isEmpty() ? 0 : (long) Double.parseDouble(target), Integer.parseInt(text(row, 8)),
                kind.isEmpty() ? null : kind);
    }

    private static String text(List<?> reply, int index) {
        return (String) reply.get(index);
    }

    private static long number(List<?> reply, int index) {
        return Long.parseLong(text(reply, index));
    }
}
