package dev.leadflow.job;

/**
 * Names of the job's own metrics, registered on Flink's metric groups. With Flink's Prometheus
 * reporter they appear as {@code flink_taskmanager_job_task_operator_<scope>_<name>}: the Kafka
 * source puts the per-stream counters under a {@code deserializer} group, and a key-value group's
 * key is a scope part while its value becomes a label, e.g.
 * {@code flink_taskmanager_job_task_operator_deserializer_stream_leadflow_events_in{stream="clickstream"}}
 * and {@code flink_taskmanager_job_task_operator_action_leadflow_handoff_actions{action="enqueue"}}.
 * docs/operations.md, "Operate", lists every one.
 */
public final class JobMetrics {
    /** Counter per input stream (label {@code stream}): records read, valid or not. */
    public static final String EVENTS_IN = "leadflow_events_in";
    /** Counter per input stream: records sent to the dead-letter topic. */
    public static final String DLQ_RECORDS = "leadflow_dlq_records";
    /**
     * Counter per input stream: events whose occurred_at lies too far after the record's Kafka
     * timestamp (--max-event-time-skew) or before 2000; dead-lettered, so also in {@link #DLQ_RECORDS}.
     */
    public static final String EVENT_TIME_OUT_OF_RANGE = "leadflow_event_time_out_of_range";
    /** Counter: events older than the model's horizon, counted and skipped. */
    public static final String STALE_EVENTS = "leadflow_stale_events";
    /** Counter: duplicate event ids, counted once. */
    public static final String DUPLICATE_EVENTS = "leadflow_duplicate_events";
    /**
     * Counter: events that reached lead scoring at or behind its watermark, i.e. later than the allowed
     * out-of-orderness ({@code --max-out-of-orderness}), or after a quiet stream's watermark followed the
     * wall clock ({@code --idle-after}). They are scored all the same (decay runs from their own time);
     * a steady rate means a producer is late or the allowance is too small.
     */
    public static final String LATE_EVENTS = "leadflow_late_events";
    /** Counter per action (label {@code action}: enqueue, update, withdraw). */
    public static final String HANDOFF_ACTIONS = "leadflow_handoff_actions";
    /**
     * Counter: a colleague's committee change that could not re-prioritize a queued lead because the lead's
     * block of versions was used up (see HandoffVersions); the lead's next update brings its priority.
     */
    public static final String REPRIORITIZATIONS_DEFERRED = "leadflow_reprioritizations_deferred";
    /** Histogram: ms from the triggering event's Kafka timestamp to Redis acknowledging the write. */
    public static final String EVENT_TO_QUEUE_MS = "leadflow_event_to_queue_latency_ms";
    /** Counter: Redis write attempts that failed and were retried. */
    public static final String QUEUE_WRITE_RETRIES = "leadflow_queue_write_retries";
    /**
     * Counter: times the queue sink found itself writing to a new Redis primary (a failover or a restart
     * without data: the replication id changed) and restored the writes the old one may have taken along.
     */
    public static final String QUEUE_PRIMARY_CHANGES = "leadflow_queue_primary_changes";
    /**
     * Counter per queue and result (labels {@code queue}, {@code result}: applied, stale, stale_absent,
     * closed): the queue sink's actions as Redis answered them ({@code dev.leadflow.queue.ApplyResult}).
     */
    public static final String QUEUE_APPLY_RESULTS = "leadflow_queue_apply_results";
    /**
     * Counter per queue (label {@code queue}): handoffs the job holds open that the queue does not show, i.e.
     * an ENQUEUE or UPDATE answered STALE_ABSENT that is the lead's last action in its batch. Registered at 0
     * when the sink first writes to the queue.
     */
    public static final String QUEUE_STALE_OPEN = "leadflow_queue_stale_open";
    /**
     * Counter per input stream: schema-registry lookups that failed transiently (no answer, 5xx,
     * 408, 429) and were retried; the record waits, it is not dead-lettered.
     */
    public static final String REGISTRY_RETRIES = "leadflow_registry_retries";
    /** Counter: anonymous events dropped from a full stitching buffer. */
    public static final String ANONYMOUS_DROPPED = "leadflow_anonymous_dropped";

    /** Counter: leads erased on request (leadflow.privacy). */
    public static final String ERASURES = "leadflow_erasures";
    /**
     * 1 for the scoring model version a lead-scoring subtask scores with, 0 for versions it scored with
     * before; the version is the {@value #MODEL_VERSION} label (key-value metric group).
     */
    public static final String MODEL_IN_FORCE = "leadflow_scoring_model_in_force";
    public static final String MODEL_VERSION = "model_version";

    private JobMetrics() {}

    // the outcomes job (dev.leadflow.outcomes): what became of each handoff
    /** Handoffs seen on the audit trail; groups {@code queue}, {@code grade}. */
    public static final String OUTCOMES_HANDOFFS = "leadflow_outcomes_handoffs";
    /** Handoffs accepted; groups {@code queue}, {@code grade}, {@code model_version}. */
    public static final String OUTCOMES_ACCEPTED = "leadflow_outcomes_accepted";
    /** Handoffs rejected; groups {@code queue}, {@code grade}, {@code model_version}, {@code reason}. */
    public static final String OUTCOMES_REJECTED = "leadflow_outcomes_rejected";
    /** Handoffs the scoring job withdrew; group {@code queue}. */
    public static final String OUTCOMES_WITHDRAWN = "leadflow_outcomes_withdrawn";
    /** Opportunities opened within the outcome window after a handoff; group {@code grade}. */
    public static final String OUTCOMES_OPPORTUNITIES = "leadflow_outcomes_opportunities";
    /** Deals won within the window; group {@code grade}. */
    public static final String OUTCOMES_WON = "leadflow_outcomes_won";
    /** Deals lost within the window; group {@code grade}. */
    public static final String OUTCOMES_LOST = "leadflow_outcomes_lost";
    /**
     * Handoffs whose first sales touch (call, e-mail, meeting) came within {@code le} seconds of the enqueue,
     * cumulative like a Prometheus histogram's buckets ({@code le} up to {@code Inf}, which Prometheus reads as +Inf); group {@code queue}.
     */
    public static final String OUTCOMES_FIRST_TOUCH = "leadflow_outcomes_first_touch";
    /** Handoffs accepted within {@code le} seconds of the enqueue, cumulative as above; group {@code queue}. */
    public static final String OUTCOMES_ACCEPT_TIME = "leadflow_outcomes_accept_time";
    /** Every deal won the outcomes job saw, handed off or not (each CLOSED_WON event once). */
    public static final String OUTCOMES_DEALS_WON = "leadflow_outcomes_deals_won";
    /** Deals won whose opportunity opened after a LeadFlow handoff of the lead (within the window); group {@code grade}. */
    public static final String OUTCOMES_WON_SOURCED = "leadflow_outcomes_won_sourced";
    /** Input records the outcomes job could not decode and skipped. */
    public static final String OUTCOMES_UNDECODABLE = "leadflow_outcomes_undecodable";
}