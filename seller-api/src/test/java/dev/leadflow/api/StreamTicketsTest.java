package dev.leadflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StreamTicketsTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final byte[] hash = Users.sha256("token-a1");

    @Test
    void aTicketOpensOnceBeforeItExpiresAndOnlyWhereTheKeyIsShared() {
        StreamTickets tickets = new StreamTickets("shared-key", Duration.ofSeconds(60), clock::get);
        StreamTickets.Ticket t = tickets.issue("a1", hash);
        assertThat(t.expiresAt()).isEqualTo(1_060_000);
        StreamTickets other = new StreamTickets("shared-key", Duration.ofSeconds(60), clock::get);
        assertThat(other.redeem(t.ticket())).as("another instance with the same key").isPresent();
        StreamTickets.Holder h = tickets.redeem(t.ticket()).orElseThrow();
        assertThat(h.userId()).isEqualTo("a1");
        assertThat(h.tokenHash()).isEqualTo(hash);
        assertThat(tickets.redeem(t.ticket())).as("used").isEmpty();
        assertThat(new StreamTickets("another-key", Duration.ofSeconds(60), clock::get).redeem(t.ticket())).as("another key").isEmpty();
        assertThat(new StreamTickets(null, Duration.ofSeconds(60), clock::get).redeem(t.ticket())).as("a random key").isEmpty();
    }

    @Test
    void anExpiredOrTamperedTicketIsRefused() {
        StreamTickets tickets = new StreamTickets("k", Duration.ofSeconds(60), clock::get);
        StreamTickets.Ticket late = tickets.issue("a1", hash);
        StreamTickets.Ticket tampered = tickets.issue("a1", hash);
        clock.addAndGet(60_001);
        assertThat(tickets.redeem(late.ticket())).isEmpty();
        String[] parts = tampered.ticket().split("\\.");
        String otherUser = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[0])).replace("a1", "b1").getBytes());
        clock.set(1_000_000);
        assertThat(tickets.redeem(otherUser + "." + parts[1])).as("payload changed").isEmpty();
        assertThat(tickets.redeem("garbage")).isEmpty();
        assertThat(tickets.redeem(tampered.ticket())).as("the untouched one still works").isPresent();
    }
}
