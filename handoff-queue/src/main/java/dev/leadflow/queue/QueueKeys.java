package dev.leadflow.queue;

import java.util.List;

/**
 * The Redis key names of one queue. Every key carries the hash tag {@code {<queue>}}, so all keys of a
 * queue live in one Redis Cluster slot and each Lua script touches exactly one slot.
 *
 * <ul>
 *   <li>{@code leadflow:{q}:ready} ZSET, member {@code <enqueuedAt, 19 digits>:<leadId>}, score
 *       {@code -priority}: ascending order is "highest priority first, then earliest enqueued".</li>
 *   <li>{@code leadflow:{q}:waiting} ZSET leadId &rarr; enqueuedAt of ready leads (oldest wait).</li>
 *   <li>{@code leadflow:{q}:payload} HASH leadId &rarr; payload JSON of leads in the queue.</li>
 *   <li>{@code leadflow:{q}:meta} HASH {@code <leadId>:handoff|version|priority|enqueuedAt|outcome}.
 *       Handoff, version and outcome outlive the lead for the version retention.</li>
 *   <li>{@code leadflow:{q}:claims} ZSET leadId &rarr; lease deadline (epoch ms, server clock).</li>
 *   <li>{@code leadflow:{q}:leases} HASH {@code <leadId>:claimant|token|claimedAt|expiredToken}.</li>
 *   <li>{@code leadflow:{q}:closed} ZSET leadId &rarr; when it left the queue; drives retention.</li>
 *   <li>{@code leadflow:{q}:events} STREAM of changes, capped with {@code MAXLEN ~}.</li>
 *   <li>{@code leadflow:{q}:sla} HASH {@code <leadId>:handoff|kind|deadlines|step|boost|movedTo|move*}:
 *       response targets and escalation steps done.</li>
 *   <li>{@code leadflow:{q}:due} ZSET leadId &rarr; deadline of its next escalation step.</li>
 *   <li>{@code leadflow:{q}:fresh} ZSET leadId &rarr; start of its target clock, until scheduled.</li>
 *   <li>{@code leadflow:{q}:moves} ZSET leadId &rarr; when it was moved to an overflow queue, until
 *       confirmed there.</li>
 *   <li>{@code leadflow:{q}:outbox} HASH {@code n:<noteId>} &rarr; notification JSON,
 *       {@code a:<noteId>} &rarr; failed attempts; {@code leadflow:{q}:notes} ZSET noteId &rarr; next
 *       attempt.</li>
 *   <li>{@code leadflow:{q}:holders} HASH claimant &rarr; leads of the queue they hold.</li>
 *   <li>{@code leadflow:{q}:available} ZSET claimant &rarr; until when they take assigned leads;
 *       {@code leadflow:{q}:assigned} HASH claimant &rarr; offers made to them (assignment mode).</li>
 * </ul>
 *
 * {@link #QUEUES} lists the known queue names; it lies outside every queue's slot, so it is written
 * with its own command and never from a script.
 */
public final class QueueKeys {

    public static final String QUEUES = "leadflow:queues";

    private final String queue;
    private final String prefix;

    private QueueKeys(String queue) {
        this.queue = queue;
        this.prefix = "leadflow:{" + queue + "}:";
    }

    /**
     * @throws IllegalArgumentException if the name is empty or has braces (they would move the hash
     *                                  tag) or whitespace (it would not survive URLs and logs)
     */
    public static QueueKeys of(String queue) {
        if (queue == null || queue.isEmpty()) {
            throw new IllegalArgumentException("queue name must not be empty");
        }
        for (int i = 0; i < queue.length(); i++) {
            char c = queue.charAt(i);
            if (c == '{' || c == '}' || Character.isWhitespace(c)) {
                throw new IllegalArgumentException(
                        "queue name must not contain '{', '}' or whitespace: \"" + queue + "\"");
            }
        }
        return new QueueKeys(queue);
    }

    public String queue() {
        return queue;
    }

    public String ready() {
        return prefix + "ready";
    }

    public String waiting() {
        return prefix + "waiting";
    }

    public String payload() {
        return prefix + "payload";
    }

    public String meta() {
        return prefix + "meta";
    }

    public String claims() {
        return prefix + "claims";
    }

    public String leases() {
        return prefix + "leases";
    }

    public String closed() {
        return prefix + "closed";
    }

    public String events() {
        return prefix + "events";
    }

    public String sla() {
        return prefix + "sla";
    }

    public String due() {
        return prefix + "due";
    }

    public String fresh() {
        return prefix + "fresh";
    }

    public String moves() {
        return prefix + "moves";
    }

    public String outbox() {
        return prefix + "outbox";
    }

    public String notes() {
        return prefix + "notes";
    }

    public String holders() {
        return prefix + "holders";
    }

    public String available() {
        return prefix + "available";
    }

    public String assigned() {
        return prefix + "assigned";
    }

    /** Every key of the queue, in the order the Lua scripts expect them as KEYS. */
    public List<String> all() {
        return List.of(ready(), waiting(), payload(), meta(), claims(), leases(), closed(), events(), sla(), due(),
                fresh(), moves(), outbox(), notes(), holders(), available(), assigned());
    }

    @Override
    public String toString() {
        return "QueueKeys[" + queue + "]";
    }
}
