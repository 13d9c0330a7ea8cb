package dev.leadflow.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LeadStoryTest {

    private static final long DAY = 24 * 3600 * 1000L;

    @Test
    void eventsReadAsASellerWouldSayThem() {
        assertEquals("Viewed pricing", LeadStory.describe(click("page:pricing")));
        assertEquals("Viewed case studies", LeadStory.describe(click("page:case-studies")));
        assertEquals("Demo requested", LeadStory.describe(click("track:demo_requested")));
        assertEquals("Attended webinar 'Q3 launch'", LeadStory.describe(campaign("WEBINAR", "ATTENDED", "Q3 launch")));
        assertEquals("Opened email 'nurture-7'", LeadStory.describe(campaign("EMAIL", "OPENED", "nurture-7")));
        assertEquals("Call by s17 — no answer", LeadStory.describe(sales("CALL", "s17", " no answer ")));
        assertEquals("Deal won", LeadStory.describe(sales("CLOSED_WON", null, null)));
        LeadEvent identify = click("identify");
        identify.traits = Map.of("email", "a@b.example");
        assertEquals("Identified (form filled)", LeadStory.describe(identify));
        String longReason = "x".repeat(500);
        assertTrue(LeadStory.describe(sales("DISQUALIFIED", "s1", longReason)).length() < 160, "free text is clipped");
    }

    /**
     * Property over random arrival orders, repeated times and windows: the story is what a plain sort of every
     * event ever added gives — newest first by time, at the same time by words (whatever the arrival order),
     * the {@value LeadStory#LIMIT} newest, only those of the 30 days before the clock.
     */
    @Test
    void theStoryIsTheNewestTwentyOfTheLastThirtyDaysWhateverTheArrivalOrder() {
        Random random = new Random(42);
        for (int run = 0; run < 500; run++) {
            LeadStory story = new LeadStory();
            List<long[]> all = new ArrayList<>(); // {time, arrival}
            int events = random.nextInt(80);
            long base = 100 * DAY;
            for (int i = 0; i < events; i++) {
                long at = base + (random.nextInt(4) == 0 ? random.nextInt(5) * DAY : (long) random.nextInt(90) * DAY / 2);
                LeadEvent e = click("page:p" + i);
                e.occurredAt = at;
                story.add(e);
                all.add(new long[] {at, i});
            }
            long now = base + random.nextInt(50) * DAY;
            List<String> expected = all.stream()
                    .sorted(Comparator.<long[]>comparingLong(a -> a[0]).thenComparing(a -> "Viewed p" + a[1]).reversed())
                    .limit(LeadStory.LIMIT)
                    .filter(a -> a[0] >= now - 30 * DAY)
                    .map(a -> "Viewed p" + a[1])
                    .toList();
            List<String> got = story.recent(now).stream().map(s -> s.what).toList();
            assertEquals(expected, got, "run " + run);
            assertTrue(story.entries().size() <= LeadStory.LIMIT);
        }
    }

    @Test
    void anEventOlderThanAFullStoryIsNotKept() {
        LeadStory story = new LeadStory();
        for (int i = 0; i < LeadStory.LIMIT; i++) {
            LeadEvent e = click("page:p" + i);
            e.occurredAt = 10 * DAY + i;
            story.add(e);
        }
        LeadEvent old = click("page:old");
        old.occurredAt = DAY;
        assertFalse(story.add(old));
        assertEquals(LeadStory.LIMIT, story.entries().size());
        assertEquals("Viewed p19", story.recent(10 * DAY + 19).get(0).what);
    }

    private static LeadEvent click(String signal) {
        LeadEvent e = new LeadEvent();
        e.source = LeadEvent.Source.CLICKSTREAM;
        e.signal = signal;
        return e;
    }

    private static LeadEvent campaign(String channel, String action, String campaign) {
        LeadEvent e = new LeadEvent();
        e.source = LeadEvent.Source.CAMPAIGN;
        e.signal = "campaign:" + channel + ":" + action;
        e.name = campaign;
        return e;
    }

    private static LeadEvent sales(String type, String seller, String reason) {
        LeadEvent e = new LeadEvent();
        e.source = LeadEvent.Source.SALES;
        e.signal = "sales:" + type;
        e.sellerId = seller;
        e.reason = reason;
        return e;
    }
}
