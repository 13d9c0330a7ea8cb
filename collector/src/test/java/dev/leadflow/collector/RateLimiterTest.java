package dev.leadflow.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final RateLimiter limiter = new RateLimiter(10, 20, now::get);

    void advanceMillis(long ms) {
        now.addAndGet(ms * 1_000_000);
    }

    @Test
    void aFullBucketLetsABurstThroughThenRefillsAtTheRate() {
        assertThat(limiter.tryAcquire(20)).isZero();
        assertThat(limiter.tryAcquire(1)).as("empty: 1 token comes back in 0.1 s").isEqualTo(1);
        advanceMillis(100);
        assertThat(limiter.tryAcquire(1)).isZero();
        assertThat(limiter.tryAcquire(1)).isPositive();
    }

    @Test
    void aBatchLargerThanWhatIsLeftPassesAndLeavesTheKeyInDebt() {
        assertThat(limiter.tryAcquire(5)).isZero();
        assertThat(limiter.tryAcquire(95)).as("15 left, 95 taken").isZero();
        // 80 in debt at 10/s: 8 s to pay back, 0.1 s more for a token
        assertThat(limiter.tryAcquire(1)).isEqualTo(9);
        advanceMillis(8_000);
        assertThat(limiter.tryAcquire(1)).isEqualTo(1);
        advanceMillis(200);
        assertThat(limiter.tryAcquire(1)).isZero();
    }

    @Test
    void theBucketNeverHoldsMoreThanItsBurst() {
        advanceMillis(3_600_000);
        assertThat(limiter.tryAcquire(20)).isZero();
        assertThat(limiter.tryAcquire(1)).isPositive();
    }
}
