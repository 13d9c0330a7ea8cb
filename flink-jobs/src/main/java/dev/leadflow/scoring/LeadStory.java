package dev.leadflow.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A lead's recent activity across marketing and sales, for the seller who takes the handoff: the {@link #LIMIT}
 * newest events by event time, each already put in words. Bounded, so one more event costs the same however
 * active the lead has been: an insert into at most {@link #LIMIT} entries kept oldest first, and the oldest goes.
 * Events that arrive out of order take their place by time; events of the same millisecond are ordered by
 * source and words, not by arrival, so that a replay tells the same story. Only the last {@link #WINDOW_MS} before the lead's clock are shown ({@link #recent}).
 *
 * <p>Every lead in scoring state has one, so it is kept small: three arrays rather than an object per entry, and
 * the words of an entry shared with every other entry that says the same ("Viewed pricing") through a bounded
 * table of common sentences.
 */
public final class LeadStory {

    /** Events kept and shown. */
    public static final int LIMIT = 20;
    /** How far back the story goes from the lead's clock: 30 days. */
    public static final long WINDOW_MS = 30L * 24 * 3600 * 1000;
    /** Longest free text (a seller's reason) kept in a line, in characters. */
    static final int MAX_TEXT = 120;
    /** Sentences shared between leads, at most; beyond it a sentence is kept as it is. */
    private static final int SHARED_LIMIT = 20_000;
    private static final ConcurrentHashMap<String, String> SHARED = new ConcurrentHashMap<>();
    private static final String[] SOURCES = {"web", "campaign", "sales", "privacy"};

    /** Oldest first, {@code size} of each used. */
    private final long[] at = new long[LIMIT];
    private final byte[] source = new byte[LIMIT];
    private final String[] what = new String[LIMIT];
    private int size;

    public LeadStory() {}

    /** A story of these entries, oldest first (as {@link #entries()} gives them; the newest {@link #LIMIT}). */
    public LeadStory(List<StoryEntry> oldestFirst) {
        int from = Math.max(0, oldestFirst.size() - LIMIT);
        for (int i = from; i < oldestFirst.size(); i++) {
            StoryEntry e = oldestFirst.get(i);
            at[size] = e.at;
            source[size] = sourceCode(e.source);
            what[size] = shared(e.what);
            size++;
        }
    }

    /** The kept entries, oldest first: a new list. */
    public List<StoryEntry> entries() {
        List<StoryEntry> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(entry(i));
        }
        return out;
    }

    public int size() {
        return size;
    }

    /** Entry {@code i} (0 the oldest): its time, source and words, for serializers. */
    public long at(int i) {
        return at[i];
    }

    public String sourceOf(int i) {
        return SOURCES[source[i]];
    }

    public String whatOf(int i) {
        return what[i];
    }

    /** Adds the event in words; false (and nothing kept) for one older than all of a full story. */
    public boolean add(LeadEvent e) {
        long time = e.occurredAt;
        if (size == LIMIT && time < at[0]) {
            return false;
        }
        byte src = code(e.source);
        String words = shared(describe(e));
        int i = size;
        while (i > 0 && after(at[i - 1], source[i - 1], what[i - 1], time, src, words)) {
            i--;
        }
        if (size == LIMIT) {
            if (i == 0) {
                return false; // it would be the oldest of a full story
            }
            // the oldest goes: everything before the new entry's place moves down one
            i--;
            System.arraycopy(at, 1, at, 0, i);
            System.arraycopy(source, 1, source, 0, i);
            System.arraycopy(what, 1, what, 0, i);
        } else {
            System.arraycopy(at, i, at, i + 1, size - i);
            System.arraycopy(source, i, source, i + 1, size - i);
            System.arraycopy(what, i, what, i + 1, size - i);
            size++;
        }
        at[i] = time;
        source[i] = src;
        what[i] = words;
        return true;
    }

    /**
     * Whether an entry comes after another in the story: by time, then — events of one millisecond arrive in any
     * order from three topics — by source and words, so that the same events make the same story.
     */
    private static boolean after(long at, byte source, String what, long otherAt, byte otherSource, String otherWhat) {
        if (at != otherAt) {
            return at > otherAt;
        }
        if (source != otherSource) {
            return source > otherSource;
        }
        return what.compareTo(otherWhat) > 0;
    }

    /** Newest first, those of the last {@link #WINDOW_MS} before {@code now}. A new list. */
    public List<StoryEntry> recent(long now) {
        long from = now - WINDOW_MS;
        List<StoryEntry> out = new ArrayList<>(size);
        for (int i = size - 1; i >= 0 && at[i] >= from; i--) {
            out.add(entry(i));
        }
        return out;
    }

    public LeadStory copy() {
        LeadStory c = new LeadStory();
        System.arraycopy(at, 0, c.at, 0, size);
        System.arraycopy(source, 0, c.source, 0, size);
        System.arraycopy(what, 0, c.what, 0, size);
        c.size = size;
        return c;
    }

    private StoryEntry entry(int i) {
        return new StoryEntry(at[i], SOURCES[source[i]], what[i]);
    }

    private static byte sourceCode(String name) {
        for (int i = 0; i < SOURCES.length; i++) {
            if (SOURCES[i].equals(name)) {
                return (byte) i;
            }
        }
        throw new IllegalArgumentException("unknown story source " + name);
    }

    /** The one copy of a common sentence (or source name); the sentence itself once the table is full. */
    public static String shared(String sentence) {
        if (sentence == null) {
            return null;
        }
        String known = SHARED.get(sentence);
        if (known != null) {
            return known;
        }
        if (SHARED.size() >= SHARED_LIMIT) {
            return sentence;
        }
        known = SHARED.putIfAbsent(sentence, sentence);
        return known != null ? known : sentence;
    }

    /** The index in {@link #SOURCES} of an event's stream. */
    private static byte code(LeadEvent.Source source) {
        return switch (source) {
            case CLICKSTREAM -> 0;
            case CAMPAIGN -> 1;
            case SALES -> 2;
            case PRIVACY -> 3;
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
