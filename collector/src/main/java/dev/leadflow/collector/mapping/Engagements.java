package dev.leadflow.collector.mapping;

import dev.leadflow.avro.Channel;
import dev.leadflow.avro.EngagementAction;
import java.util.Map;
import java.util.Optional;

/**
 * Track events that are campaign engagement, by their normalized name: Segment's Email Events spec
 * and webinar and event attendance.
 */
public final class Engagements {

    /** A channel and an action of {@code CampaignEngagement}. */
    public record Engagement(Channel channel, EngagementAction action) {
    }

    private static final Map<String, Engagement> BY_TRACK_NAME = Map.ofEntries(
            Map.entry("email_delivered", new Engagement(Channel.EMAIL, EngagementAction.DELIVERED)),
            Map.entry("email_opened", new Engagement(Channel.EMAIL, EngagementAction.OPENED)),
            Map.entry("email_link_clicked", new Engagement(Channel.EMAIL, EngagementAction.CLICKED)),
            Map.entry("email_replied", new Engagement(Channel.EMAIL, EngagementAction.REPLIED)),
            Map.entry("email_bounced", new Engagement(Channel.EMAIL, EngagementAction.BOUNCED)),
            Map.entry("email_marked_as_spam", new Engagement(Channel.EMAIL, EngagementAction.SPAM_REPORT)),
            Map.entry("marked_as_spam", new Engagement(Channel.EMAIL, EngagementAction.SPAM_REPORT)),
            Map.entry("unsubscribed", new Engagement(Channel.EMAIL, EngagementAction.UNSUBSCRIBED)),
            Map.entry("email_unsubscribed", new Engagement(Channel.EMAIL, EngagementAction.UNSUBSCRIBED)),
            Map.entry("webinar_registered", new Engagement(Channel.WEBINAR, EngagementAction.REGISTERED)),
            Map.entry("webinar_attended", new Engagement(Channel.WEBINAR, EngagementAction.ATTENDED)),
            Map.entry("event_registered", new Engagement(Channel.EVENT, EngagementAction.REGISTERED)),
            Map.entry("event_attended", new Engagement(Channel.EVENT, EngagementAction.ATTENDED)));

    /** Where the campaign id is looked for in the event's properties, in this order. */
    static final String[] CAMPAIGN_ID_PROPERTIES = {
            "campaign_id", "campaignId", "campaign_name", "webinar_id", "webinar_name", "event_name", "email_id"};

    /** The campaign id of an engagement whose properties name none. */
    static final String UNKNOWN_CAMPAIGN = "unknown";

    private Engagements() {
    }

    public static Optional<Engagement> of(String trackName) {
        return Optional.ofNullable(BY_TRACK_NAME.get(trackName));
    }

    /** Every track name that becomes an engagement, for the docs and tests. */
    public static Map<String, Engagement> table() {
        return BY_TRACK_NAME;
    }
}
