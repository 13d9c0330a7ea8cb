package dev.leadflow.queue;

import static dev.leadflow.queue.Leads.enqueue;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Assignment mode: offers to the available claimant with the fewest, taken or passed on. */
class AssignmentTest {

    @RegisterExtension
    static final QueueFixture REDIS = new QueueFixture();

    private static final String Q = "assigned";
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration LEASE = Duration.ofMinutes(10);

    private HandoffQueue queue() {
        return REDIS.queue();
    }

    private long later() {
        return System.currentTimeMillis() + 600_000;
    }

    @Test
    void offersGoToTheAvailableClaimantWithTheFewestAndBestLeadFirst() {
        for (int i = 0; i < 6; i++) {
            queue().apply(enqueue(Q, "lead-" + i, "h" + i, 1, 10 + i, 1_000));
        }
        assertThat(queue().assign(Q, WINDOW, 3)).as("nobody available").isEmpty();
        queue().setAvailable(Q, "ann", later());
        queue().setAvailable(Q, "bob", later());
        queue().setAvailable(Q, "cy", later());

        Map<String, Integer> offers = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            Offer offer = queue().assign(Q, WINDOW, 3).orElseThrow();
            assertThat(offer.leadId()).as("best lead first").isEqualTo("lead-" + (5 - i));
            offers.merge(offer.claimant(), 1, Integer::sum);
            assertThat(queue().offerOf(Q, offer.claimant())).isPresent();
            assertThat(queue().take(Q, offer.leadId(), offer.leaseToken(), LEASE).outcome()).isEqualTo(Outcome.OK);
        }
        assertThat(offers).containsOnly(Map.entry("ann", 2), Map.entry("bob", 2), Map.entry("cy", 2));
        assertThat(queue().assign(Q, WINDOW, 3)).isEmpty();
    }

    @Test
    void aPassedOrLapsedOfferGoesToTheNextAndNobodyHoldsMoreThanTheLimit() throws Exception {
        queue().apply(enqueue(Q, "lead-1", "h1", 1, 50, 1_000));
        queue().setAvailable(Q, "ann", later());
        queue().setAvailable(Q, "bob", later());
        Offer first = queue().assign(Q, WINDOW, 1).orElseThrow();
        assertThat(first.claimant()).isEqualTo("ann");
        assertThat(queue().release(Q, "lead-1", first.leaseToken())).isEqualTo(Outcome.OK);
        Offer second = queue().assign(Q, Duration.ofMillis(50), 1).orElseThrow();
        assertThat(second.claimant()).as("ann passed it").isEqualTo("bob");
        // bob lets it lapse: everyone has passed, so the round starts over with the fewest offers
        long deadline = System.currentTimeMillis() + 5_000;
        Offer third = null;
        while (third == null && System.currentTimeMillis() < deadline) {
            third = queue().assign(Q, WINDOW, 1).orElse(null);
            if (third == null) {
                Thread.sleep(20);
            }
        }
        assertThat(third).isNotNull();
        assertThat(queue().take(Q, "lead-1", second.leaseToken(), LEASE).outcome()).isEqualTo(Outcome.EXPIRED);
        assertThat(queue().take(Q, "lead-1", third.leaseToken(), LEASE).outcome()).isEqualTo(Outcome.OK);

        // at the limit of 1, the holder gets no second offer
        queue().apply(enqueue(Q, "lead-2", "h2", 1, 40, 2_000));
        queue().setAvailable(Q, third.claimant().equals("ann") ? "bob" : "ann", 0);
        assertThat(queue().assign(Q, WINDOW, 1)).isEmpty();
        assertThat(queue().offerOf(Q, third.claimant())).as("a taken lead is no offer").isEmpty();
    }
}
