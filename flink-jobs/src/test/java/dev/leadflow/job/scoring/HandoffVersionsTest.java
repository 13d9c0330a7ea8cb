package dev.leadflow.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HandoffVersionsTest {

    private static final long T0 = 1_780_000_000_000L;

    @Test
    void blocksGrowByAtLeastABlockAndNeverStartBelowTheirTime() {
        long first = HandoffVersions.next(0, T0, Long.MIN_VALUE);
        assertThat(first).isEqualTo(T0 * HandoffVersions.PER_MS);
        assertThat(HandoffVersions.next(first, T0, Long.MIN_VALUE)).isEqualTo(first + HandoffVersions.BLOCK);
        assertThat(HandoffVersions.next(first, T0 + 1000, Long.MIN_VALUE)).isEqualTo((T0 + 1000) * HandoffVersions.PER_MS);
        assertThat(HandoffVersions.next(first, T0 - 1000, Long.MIN_VALUE)).as("an older event still grows")
                .isEqualTo(first + HandoffVersions.BLOCK);
    }

    @Test
    void aLeadScoringForgotStartsAboveTheWatermarkThatSawItGo() {
        assertThat(HandoffVersions.next(0, T0 - 60_000, T0)).isEqualTo(T0 * HandoffVersions.PER_MS);
    }

    @Test
    void absurdTimesNeitherOverflowNorGoNegative() {
        long far = HandoffVersions.next(0, Long.MAX_VALUE / 2, Long.MIN_VALUE);
        assertThat(far).isPositive();
        assertThat(HandoffVersions.next(far, Long.MAX_VALUE / 2, Long.MIN_VALUE)).isGreaterThan(far);
        assertThat(HandoffVersions.next(0, -5, Long.MIN_VALUE)).isZero();
    }
}
