package dev.leadflow.launcher.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.leadflow.launcher.backtest.SignalAnalysis.LeadSignals;
import dev.leadflow.scoring.model.ScoringModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SignalAnalysisTest {

    private static final ScoringModel MODEL = ScoringModel.defaults();
    /** Read the documentation: 2 points in the default model. Here it goes with buying. */
    private static final String BUYING = "page:docs";
    /** Viewed product pages: 3 points. Here its leads rarely buy. */
    private static final String WASTE = "page:product";
    /** Looked at integrations: 3 points. Here it says nothing. */
    private static final String NOISE = "page:integrations";

    /** The Wilson score interval written out from its formula (Wilson 1927), not through the library. */
    private static double[] wilson(int n, int k) {
        double z = 1.959963984540054; // the 97.5th percentile of the standard normal
        double p = (double) k / n;
        double denominator = 1 + z * z / n;
        double centre = (p + z * z / (2.0 * n)) / denominator;
        double half = z / denominator * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
        return new double[] {centre - half, centre + half};
    }

    @Test
    void intervalsAreWilsonsScoreIntervals() {
        for (int[] c : new int[][] {{100, 20}, {30, 1}, {412, 128}, {50, 0}, {40, 40}}) {
            SignalAnalysis.Share s = SignalAnalysis.Share.of(c[0], c[1]);
            double[] expected = wilson(c[0], c[1]);
            assertThat(s.low()).as("low of %d/%d", c[1], c[0]).isCloseTo(expected[0], within(1e-4));
            assertThat(s.high()).as("high of %d/%d", c[1], c[0]).isCloseTo(expected[1], within(1e-4));
        }
        // a published value: 20 of 100 gives [0.1333, 0.2888] at 95 %
        assertThat(SignalAnalysis.Share.of(100, 20).low()).isCloseTo(0.1333, within(1e-3));
        assertThat(SignalAnalysis.Share.of(100, 20).high()).isCloseTo(0.2888, within(1e-3));
    }

    /** Viewed pricing: 8 points. Here its leads buy somewhat more often than most. */
    private static final String PRICING = "page:pricing";

    /**
     * A quarter of the leads read the docs and convert at 30 %, a quarter viewed pricing (15 %), a quarter viewed
     * product pages (2 %), the rest convert at 8 %; half of all leads looked at integrations, which changes nothing.
     */
    private static List<LeadSignals> history(long seed, int leads) {
        Random random = new Random(seed);
        List<LeadSignals> out = new ArrayList<>();
        for (int i = 0; i < leads; i++) {
            Set<String> signals = new HashSet<>();
            double p = switch (random.nextInt(4)) {
                case 0 -> { signals.add(BUYING); yield 0.30; }
                case 1 -> { signals.add(PRICING); yield 0.15; }
                case 2 -> { signals.add(WASTE); yield 0.02; }
                default -> 0.08;
            };
            if (random.nextBoolean()) {
                signals.add(NOISE);
            }
            out.add(new LeadSignals(String.format("lead-%05d", i), signals, random.nextDouble() < p));
        }
        return out;
    }

    private static SignalReport.Row row(SignalReport r, String signal) {
        return r.signals().stream().filter(x -> x.signal().equals(signal)).findFirst().orElseThrow();
    }

    @Test
    void signalsThatGoWithBuyingPredictAndTheirPointsShouldRise() {
        SignalReport r = SignalAnalysis.analyse(history(7, 3_000), MODEL);
        SignalReport.Row buying = row(r, BUYING);
        SignalReport.Row waste = row(r, WASTE);
        SignalReport.Row noise = row(r, NOISE);

        assertThat(buying.verdict()).isEqualTo(SignalAnalysis.PREDICTS);
        assertThat(buying.with().rate()).isGreaterThan(buying.without().rate());
        assertThat(buying.coefficient()).isPositive();
        assertThat(buying.suggestedPoints()).isGreaterThan(buying.points());

        assertThat(waste.verdict()).isEqualTo(SignalAnalysis.COUNTER);
        assertThat(waste.coefficient()).isNegative();
        assertThat(waste.suggestedPoints()).isLessThan(waste.points());

        assertThat(noise.verdict()).isEqualTo(SignalAnalysis.NO_EVIDENCE);
        assertThat(noise.suggestedPoints()).isNull();

        assertThat(r.diff()).anySatisfy(line -> assertThat(line)
                .startsWith("engagement.signals.\"page:docs\".points: 2 → " + buying.suggestedPoints()));
        assertThat(r.warnings()).isEmpty();
        // counted again by hand
        long withBuying = history(7, 3_000).stream().filter(l -> l.signals().contains(BUYING)).count();
        assertThat(buying.with().leads()).isEqualTo((int) withBuying);
        assertThat(buying.with().leads() + buying.without().leads()).isEqualTo(3_000);
    }

    @Test
    void smallSamplesAreFlaggedAndGetNoSuggestion() {
        SignalReport r = SignalAnalysis.analyse(history(7, 60), MODEL);
        assertThat(r.warnings()).isNotEmpty();
        assertThat(r.signals()).allSatisfy(x -> {
            assertThat(x.verdict()).isEqualTo(SignalAnalysis.TOO_FEW);
            assertThat(x.suggestedPoints()).isNull();
        });
        assertThat(r.diff()).isEmpty();
    }

    @Test
    void aFewRareSignalsAreFlaggedWhileTheOthersAreJudged() {
        List<LeadSignals> leads = new ArrayList<>(history(7, 3_000));
        leads.add(new LeadSignals("rare-1", Set.of("page:careers"), false));
        SignalReport r = SignalAnalysis.analyse(leads, MODEL);
        assertThat(row(r, "page:careers").verdict()).isEqualTo(SignalAnalysis.TOO_FEW);
        assertThat(row(r, BUYING).verdict()).isEqualTo(SignalAnalysis.PREDICTS);
        assertThat(r.warnings()).singleElement().asString().contains("1 of 5 signals");
    }

    @Test
    void theSameLeadsGiveTheSameReportInAnyOrder() {
        List<LeadSignals> leads = history(11, 2_000);
        List<LeadSignals> shuffled = new ArrayList<>(leads);
        java.util.Collections.shuffle(shuffled, new Random(3));
        assertThat(SignalAnalysis.analyse(shuffled, MODEL)).isEqualTo(SignalAnalysis.analyse(leads, MODEL));
    }
}
