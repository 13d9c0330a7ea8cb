package dev.leadflow.schemas;

/** Kafka topic names of the LeadFlow contract and the registry subjects derived from them. */
public final class Topics {

    public static final String CLICKSTREAM = "leadflow.clickstream";
    public static final String CAMPAIGN = "leadflow.campaign-engagement";
    public static final String SALES = "leadflow.sales-activity";
    public static final String HANDOFFS = "leadflow.handoffs";
    public static final String SCORING_MODEL = "leadflow.scoring-model";
    public static final String DLQ = "leadflow.dlq";
    /** Erasure requests ({@code ErasureRequest}), read by the job. */
    public static final String PRIVACY = "leadflow.privacy";
    /** Erasure confirmations ({@code ErasureConfirmation}), written by the job. */
    public static final String PRIVACY_CONFIRMATIONS = "leadflow.privacy-confirmations";
    /** Operator commands to the running job ({@code ControlCommand}). */
    public static final String CONTROL = "leadflow.control";
    /** The fate of each handoff (outcomes job), keyed by handoff id, compacted. */
    public static final String HANDOFF_OUTCOMES = "leadflow.handoff-outcomes";

    private Topics() {
    }

    /**
     * The registry subject of a topic's values under Confluent's default TopicNameStrategy,
     * so that our subjects match what any Confluent serializer registers for the same topic.
     */
    public static String valueSubject(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be blank");
        }
        return topic + "-value";
    }
}
