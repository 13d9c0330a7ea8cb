package dev.leadflow.outcomes;

import static dev.leadflow.outcomes.FateEvents.enqueue;
import static dev.leadflow.outcomes.FateEvents.sales;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FatesTest {

    private static final long DAY = 86_400_000L;
    private static final long WINDOW = 90 * DAY;

    @Test
    void theFirstOfAcceptOrRejectCountsAndOutcomesOnlyWithinTheWindow() {
        List<FateEvent> events = List.of(enqueue("h", 0), sales(FateEvent.Kind.REJECTED, 10, "r"),
                sales(FateEvent.Kind.ACCEPTED, 20, "a"), sales(FateEvent.Kind.OPPORTUNITY, WINDOW + 1, "o"),
                sales(FateEvent.Kind.LOST, WINDOW, "l"));
        Fates.Fate f = Fates.compute(events, WINDOW).get(0);
        assertThat(f.rejectedAt()).isEqualTo(10);
        assertThat(f.acceptedAt()).isNull();
        assertThat(f.opportunityAt()).as("a day after the window").isNull();
        assertThat(f.lostAt()).as("on the window's last millisecond").isEqualTo(WINDOW);
        assertThat(f.windowEndsAt()).isEqualTo(WINDOW);
    }

    @Test
    void salesActivityBelongsToTheLatestHandoffBeforeItAndNothingBeforeTheFirst() {
        FateEvent withdraw = FateEvent.of(FateEvent.Kind.WITHDRAW, 5 * DAY, "w", "lead");
        withdraw.handoffId = "h1";
        List<Fates.Fate> fates = Fates.compute(List.of(sales(FateEvent.Kind.TOUCH, -1, "early"), enqueue("h1", 0), withdraw,
                enqueue("h2", 10 * DAY), sales(FateEvent.Kind.TOUCH, 11 * DAY, "call")), WINDOW);
        assertThat(fates).extracting(Fates.Fate::handoffId).containsExactly("h1", "h2");
        assertThat(fates.get(0).firstTouchAt()).isNull();
        assertThat(fates.get(0).withdrawnAt()).isEqualTo(5 * DAY);
        assertThat(fates.get(1).firstTouchAt()).isEqualTo(11 * DAY);
    }

    @Test
    void theOrderOfArrivalAndRepeatsDoNotChangeTheFates() {
        List<FateEvent> events = new ArrayList<>(List.of(enqueue("h1", 0), sales(FateEvent.Kind.ACCEPTED, DAY, "a"),
                sales(FateEvent.Kind.TOUCH, 2 * DAY, "t"), sales(FateEvent.Kind.OPPORTUNITY, 30 * DAY, "o"),
                enqueue("h2", 100 * DAY), sales(FateEvent.Kind.WON, 101 * DAY, "w"), sales(FateEvent.Kind.WON, 101 * DAY, "w"),
                enqueue("h1", 0)));
        List<Fates.Fate> reference = Fates.compute(events, WINDOW);
        Random random = new Random(5);
        for (int i = 0; i < 200; i++) {
            Collections.shuffle(events, random);
            assertThat(Fates.compute(events, WINDOW)).isEqualTo(reference);
        }
        assertThat(reference.get(1).wonAt()).isEqualTo(101 * DAY);
        assertThat(reference.get(0).wonAt()).as("the win came after the next handoff").isNull();
    }
}
