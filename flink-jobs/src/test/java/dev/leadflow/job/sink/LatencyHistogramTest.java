package dev.leadflow.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    /** The histogram it replaced is the reference: the bench and dashboards read the same numbers. */
    @Test
    void agreesWithTheRuntimeHistogramItReplaced() {
        Random random = new Random(42);
        for (int size : new int[] {1, 7, 1_000}) {
            LatencyHistogram ours = new LatencyHistogram(size);
            DescriptiveStatisticsHistogram theirs = new DescriptiveStatisticsHistogram(size);
            for (int i = 0; i < 2_500; i++) {
                long v = (long) Math.abs(random.nextGaussian() * 40) + random.nextInt(3);
                ours.update(v);
                theirs.update(v);
            }
            HistogramStatistics a = ours.getStatistics();
            HistogramStatistics b = theirs.getStatistics();
            assertThat(ours.getCount()).isEqualTo(theirs.getCount());
            assertThat(a.size()).isEqualTo(b.size());
            assertThat(a.getMin()).isEqualTo(b.getMin());
            assertThat(a.getMax()).isEqualTo(b.getMax());
            assertThat(a.getMean()).isCloseTo(b.getMean(), offset(1e-9));
            assertThat(a.getStdDev()).isCloseTo(b.getStdDev(), offset(1e-9));
            for (double q : new double[] {0.01, 0.5, 0.75, 0.95, 0.99, 0.999, 1.0}) {
                assertThat(a.getQuantile(q)).as("size %d, quantile %s", size, q).isCloseTo(b.getQuantile(q),
                        offset(1e-9));
            }
        }
    }

    @Test
    void keepsTheLatestValuesOnly() {
        LatencyHistogram h = new LatencyHistogram(3);
        for (long v = 1; v <= 5; v++) {
            h.update(v);
        }
        assertThat(h.getCount()).isEqualTo(5);
        assertThat(h.getStatistics().getValues()).containsExactly(3, 4, 5);
        assertThat(new LatencyHistogram(4).getStatistics().size()).isZero();
    }
}
