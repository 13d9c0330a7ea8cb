package dev.leadflow.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A lead's recent activity across marketing and sales, for the seller who takes the handoff: the {@link #LIMIT}
 * newest events by event time, each already put in words. Bounded, so one more event costs the same however
 * active the lead has been: an insert into at most {@link #LIMIT} entries kept oldest first, and the oldest goes.
 * Events that arrive out of order take their place by time; of two at the same time the later arrival counts as
 * the newer. Only the last {@link #WINDOW_MS} before the lead's clock are shown ({@link #recent}).
 */
public final class LeadStory {

    /** Events kept and shown. */
    public static final int LIMIT = 20;
    /** How far back the story goes from the lead's clock: 30 days. */
    public static final long WINDOW_MS = 30L * 24 * 3600 * 1000;
    /** Longest free text (a seller's reason) kept in a line, in characters. */
    static final int MAX_TEXT = 120;

    /** Oldest first; never more than {@link #LIMIT}. */
    private final List<StoryEntry> entries;

    public LeadStory() {
        this(new ArrayList<>(LIMIT));
    }

    /** A story of these entries, oldest first (as {@link #entries()} gives them): for serializers. */
    public LeadStory(List<StoryEntry> oldestFirst) {
        this.entries = oldestFirst;
    }

    /** The kept entries, oldest first. */
    public List<StoryEntry> entries() {
        return entries;
    }

    /** Adds the event in words; false (and nothing kept) for one older than all of a full story. */
    public boolean add(LeadEvent e) {
        if (entries.size() == LIMIT && e.occurredAt < entries.get(0).at) {
            return false;
        }
        StoryEntry entry = new StoryEntry(e.occurredAt, source(e.source), describe(e));
        int i = entries.size();
        while (i > 0 && entries.get(i - 1).at > entry.at) {
            i--;
        }
        entries.add(i, entry);
        if (entries.size() > LIMIT) {
            entries.remove(0);
        }
        return true;
    }

    /** Newest first, those of the last {@link #WINDOW_MS} before {@code now}. A new list. */
    public List<StoryEntry> recent(long now) {
        long from = now - WINDOW_MS;
        List<StoryEntry> out = new ArrayList<>(entries.size());
        for (int i = entries.size() - 1; i >= 0 && entries.get(i).at >= from; i--) {
            out.add(entries.get(i));
        }
        return out;
    }

    public LeadStory copy() {
        return new LeadStory(new ArrayList<>(entries));
    }

    static String source(LeadEvent.Source source) {
        return switch (source) {
            case CLICKSTREAM -> "web";
            case CAMPAIGN -> "campaign";
            case SALES -> "sales";
            case PRIVACY -> "privacy";
        };
    }

    /** The event in a few words a seller reads at a glance. */
    static String describe(LeadEvent e) {
        String signal = e.signal == null ? "" : e.signal;
        int colon = signal.indexOf(':');
        String kind = colon < 0 ? signal : signal.substring(0, colon);
        String rest = colon < 0 ? "" : signal.substring(colon + 1);
        return switch (kind) {
            case "page" -> "Viewed " + words(rest.isEmpty() ? "a page" : rest);
            case "track" -> capitalized(words(rest));
            case "identify" -> "Identified" + (e.traits != null && e.traits.get("email") != null ? " (form filled)" : "");
            case "campaign" -> campaign(rest, e.name);
            case "sales" -> sales(rest, e.sellerId, e.reason);
            default -> e.source == LeadEvent.Source.CLICKSTREAM ? "Visited the site" : capitalized(words(signal));
        };
    }

    /** {@code WEBINAR:ATTENDED} of campaign {@code q3-launch}: "Attended webinar 'q3-launch'". */
    private static String campaign(String channelAndAction, String campaign) {
        int colon = channelAndAction.indexOf(':');
        String channel = colon < 0 ? "UNKNOWN" : channelAndAction.substring(0, colon);
        String action = colon < 0 ? channelAndAction : channelAndAction.substring(colon + 1);
        String what = switch (channel) {
            case "EMAIL" -> "email";
            case "WEBINAR" -> "webinar";
            case "PAID_AD" -> "ad";
            case "EVENT" -> "event";
            case "SOCIAL" -> "social post";
            case "CONTENT" -> "content";
            default -> "campaign";
        };
        String verb = switch (action) {
            case "DELIVERED" -> "Received";
            case "OPENED" -> "Opened";
            case "CLICKED" -> "Clicked";
            case "REGISTERED" -> "Registered for";
            case "ATTENDED" -> "Attended";
            case "DOWNLOADED" -> "Downloaded";
            case "REPLIED" -> "Replied to";
            case "UNSUBSCRIBED" -> "Unsubscribed from";
            case "BOUNCED" -> "Bounced";
            case "SPAM_REPORT" -> "Reported as spam";
            default -> "Engaged with";
        };
        return verb + " " + what + (campaign == null || campaign.isBlank() ? "" : " '" + clip(campaign) + "'");
    }

    /** {@code CALL} by {@code s17} with reason "no answer": "Call by s17 — no answer". */
    private static String sales(String type, String seller, String reason) {
        String what = switch (type) {
            case "CALL" -> "Call";
            case "EMAIL_SENT" -> "Email sent";
            case "EMAIL_REPLY" -> "Replied to an email";
            case "MEETING_BOOKED" -> "Meeting booked";
            case "MEETING_HELD" -> "Meeting held";
            case "OWNER_ASSIGNED" -> "Owner assigned";
            case "HANDOFF_ACCEPTED" -> "Handoff accepted";
            case "HANDOFF_REJECTED" -> "Handoff rejected";
            case "OPPORTUNITY_OPENED" -> "Opportunity opened";
            case "CLOSED_WON" -> "Deal won";
            case "CLOSED_LOST" -> "Deal lost";
            case "DISQUALIFIED" -> "Disqualified";
            default -> "Sales activity";
        };
        String by = seller == null || seller.isBlank() ? "" : " by " + clip(seller);
        String why = reason == null || reason.isBlank() ? "" : " — " + clip(reason.strip());
        return what + by + why;
    }

    /** "case_study" and "case-study" read "case study". */
    private static String words(String name) {
        return clip(name.replace('_', ' ').replace('-', ' ').strip());
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? "Activity" : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static String clip(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
    }
}
