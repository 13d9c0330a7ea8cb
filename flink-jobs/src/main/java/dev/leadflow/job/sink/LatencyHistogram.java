package dev.leadflow.job.sink;

import java.util.Arrays;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;

/**
 * A histogram over the latest {@code size} values, on Flink's public metrics API only (it replaces
 * the runtime's internal {@code DescriptiveStatisticsHistogram}, with the same window and the same
 * quantile estimate, so that the metric means what it meant). Updated from the sink's mailbox
 * thread and read by reporters from theirs, hence synchronized; the statistics are a copy.
 */
final class LatencyHistogram implements Histogram {

    private final long[] window;
    private long count;

    LatencyHistogram(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("histogram size must be >= 1, was " + size);
        }
        this.window = new long[size];
    }

    @Override
    public synchronized void update(long value) {
        window[(int) (count % window.length)] = value;
        count++;
    }

    @Override
    public synchronized long getCount() {
        return count;
    }

    @Override
    public HistogramStatistics getStatistics() {
        long[] values;
        synchronized (this) {
            values = Arrays.copyOf(window, (int) Math.min(count, window.length));
        }
        Arrays.sort(values);
        return new Statistics(values);
    }

    /** Statistics of a sorted copy of the window. */
    static final class Statistics extends HistogramStatistics {

        private final long[] sorted;

        Statistics(long[] sorted) {
            this.sorted = sorted;
        }

        /**
         * Commons Math's default percentile estimate, which the replaced histogram used: position
         * q·(n+1) in the sorted values, interpolated linearly, clamped to min and max.
         */
        @Override
        public double getQuantile(double quantile) {
            if (quantile <= 0 || quantile > 1) {
                throw new IllegalArgumentException("quantile must be in (0, 1], was " + quantile);
            }
            int n = sorted.length;
            if (n == 0) {
                return Double.NaN;
            }
            double pos = quantile * (n + 1);
            if (pos < 1) {
                return sorted[0];
            }
            if (pos >= n) {
                return sorted[n - 1];
            }
            int lower = (int) Math.floor(pos);
            double fraction = pos - lower;
            return sorted[lower - 1] + fraction * (sorted[lower] - sorted[lower - 1]);
        }

        @Override
        public long[] getValues() {
            return sorted.clone();
        }

        @Override
        public int size() {
            return sorted.length;
        }

        @Override
        public double getMean() {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            double sum = 0;
            for (long v : sorted) {
                sum += v;
            }
            return sum / sorted.length;
        }

        /** The sample standard deviation (n - 1), as Commons Math's. */
        @Override
        public double getStdDev() {
            int n = sorted.length;
            if (n == 0) {
                return Double.NaN;
            }
            if (n == 1) {
                return 0;
            }
            double mean = getMean();
            double squares = 0;
            for (long v : sorted) {
                squares += (v - mean) * (v - mean);
            }
            return Math.sqrt(squares / (n - 1));
        }

        @Override
        public long getMax() {
            return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
        }

        @Override
        public long getMin() {
            return sorted.length == 0 ? 0 : sorted[0];
        }
    }
}
