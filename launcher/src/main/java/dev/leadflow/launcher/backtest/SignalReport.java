package dev.leadflow.launcher.backtest;

import java.util.List;

/**
 * The "signals" section of the backtest report (see {@link SignalAnalysis}): per signal, the leads with and without
 * it and how they converted; the suggested points as diff lines a person may apply to the model file by hand.
 */
public record SignalReport(int leads, int converted, List<String> warnings, List<Row> signals, List<String> diff) {

    /**
     * One signal: its points in the model analysed (null for fit parts and signals the model gives none), the
     * conversion of the leads with it and without it, the verdict, the regression's log-odds coefficient (null when
     * not fitted) and the suggested points (null: no change suggested).
     */
    public record Row(String signal, Integer points, SignalAnalysis.Share with, SignalAnalysis.Share without,
            String verdict, Double coefficient, Integer suggestedPoints) {}
}
