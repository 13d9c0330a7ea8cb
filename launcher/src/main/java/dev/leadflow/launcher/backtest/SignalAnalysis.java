package dev.leadflow.launcher.backtest;

import dev.leadflow.scoring.model.ScoringModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.IntervalUtils;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Which signals predict conversion: for each signal (and fit part) seen behind the handoffs, the conversion rate
 * of the leads with it and without it, each with a 95 % Wilson score interval (Apache Commons Math), and a
 * verdict; a logistic regression of conversion on the signals (Tribuo, fixed seed) turns into suggested points,
 * written as a model diff for a person to apply by hand. Nothing here changes a model.
 */
public final class SignalAnalysis {

    /** One handed-off lead: the signals behind its handoff, and whether it converted. */
    public record LeadSignals(String leadId, Set<String> signals, boolean converted) {}

    /** Below this many leads with a signal, or without it, the signal's sample says nothing. */
    static final int MIN_LEADS = 30;
    /** Below this many conversions in all, no signal's sample says anything. */
    static final int MIN_CONVERSIONS = 20;
    /** A suggestion must move a signal's points by at least this much. */
    static final int MIN_CHANGE = 2;
    static final double CONFIDENCE = 0.95;
    static final String PREDICTS = "predicts conversion";
    static final String COUNTER = "counter-indicates conversion";
    static final String NO_EVIDENCE = "no evidence either way";
    static final String TOO_FEW = "too few leads to say";

    private static final String CONVERTED = "converted";
    private static final String NOT_CONVERTED = "not converted";
    private static final long SEED = 20261203L;

    private SignalAnalysis() {}

    public static SignalReport analyse(List<LeadSignals> leads, ScoringModel model) {
        List<LeadSignals> sorted = new ArrayList<>(leads);
        sorted.sort((a, b) -> a.leadId().compareTo(b.leadId()));
        int converted = (int) sorted.stream().filter(LeadSignals::converted).count();
        List<String> warnings = new ArrayList<>();
        boolean enough = converted >= MIN_CONVERSIONS;
        if (!enough) {
            warnings.add(String.format(Locale.ROOT, "Only %d of %d handed-off leads converted (at least %d are needed): "
                    + "no signal can be judged on this history; take a longer period.", converted, sorted.size(),
                    MIN_CONVERSIONS));
        }
        Map<String, int[]> counts = new TreeMap<>(); // signal -> {leads with it, converted with it}
        for (LeadSignals l : sorted) {
            for (String s : l.signals()) {
                int[] c = counts.computeIfAbsent(s, k -> new int[2]);
                c[0]++;
                if (l.converted()) {
                    c[1]++;
                }
            }
        }
        Set<String> judged = new TreeSet<>();
        Map<String, Share[]> shares = new TreeMap<>();
        Map<String, String> verdicts = new HashMap<>();
        counts.forEach((signal, c) -> {
            Share with = Share.of(c[0], c[1]);
            Share without = Share.of(sorted.size() - c[0], converted - c[1]);
            shares.put(signal, new Share[] {with, without});
            String verdict;
            if (!enough || with.leads() < MIN_LEADS || without.leads() < MIN_LEADS) {
                verdict = TOO_FEW;
            } else {
                judged.add(signal);
                verdict = with.low() > without.high() ? PREDICTS : with.high() < without.low() ? COUNTER : NO_EVIDENCE;
            }
            verdicts.put(signal, verdict);
        });
        Map<String, Double> coefficients = enough && !judged.isEmpty() ? fit(sorted, judged) : Map.of();

        // The model's own exchange rate between points and log-odds, over the judged signals it gives points to.
        double points = 0;
        double logOdds = 0;
        for (String s : judged) {
            Map.Entry<String, Integer> rule = model.signalPoints(s);
            if (rule != null && coefficients.containsKey(s)) {
                points += Math.abs(rule.getValue());
                logOdds += Math.abs(coefficients.get(s));
            }
        }
        double pointsPerLogOdds = logOdds == 0 ? 0 : points / logOdds;

        List<SignalReport.Row> rows = new ArrayList<>();
        List<String> diff = new ArrayList<>();
        for (Map.Entry<String, Share[]> e : shares.entrySet()) {
            String signal = e.getKey();
            Share with = e.getValue()[0];
            Share without = e.getValue()[1];
            String verdict = verdicts.get(signal);
            Map.Entry<String, Integer> rule = model.signalPoints(signal);
            Double coefficient = coefficients.containsKey(signal) ? round(coefficients.get(signal)) : null;
            Integer suggested = null;
            if (rule != null && coefficient != null && pointsPerLogOdds > 0
                    && (PREDICTS.equals(verdict) || COUNTER.equals(verdict))) {
                int s = (int) Math.round(coefficients.get(signal) * pointsPerLogOdds);
                if (Math.abs(s - rule.getValue()) >= MIN_CHANGE) {
                    suggested = s;
                    diff.add(String.format(Locale.ROOT, "engagement.signals.\"%s\".points: %d → %d   (%s: converted %s with it, "
                            + "%s without; %,d leads with it)", rule.getKey(), rule.getValue(), s, verdict,
                            HtmlReport.percent(with.rate()), HtmlReport.percent(without.rate()), with.leads()));
                }
            }
            rows.add(new SignalReport.Row(signal, rule == null ? null : rule.getValue(), with, without, verdict,
                    coefficient, suggested));
        }
        long tooFew = rows.stream().filter(r -> TOO_FEW.equals(r.verdict())).count();
        if (enough && tooFew > 0) {
            warnings.add(String.format(Locale.ROOT, "%d of %d signals were seen in fewer than %d handed-off leads (or "
                    + "missing from fewer than %d): too few to judge them.", tooFew, rows.size(), MIN_LEADS, MIN_LEADS));
        }
        return new SignalReport(sorted.size(), converted, List.copyOf(warnings), List.copyOf(rows), List.copyOf(diff));
    }

    /**
     * Log-odds coefficients of a logistic regression of conversion on the judged signals (1 when the lead had it),
     * fitted by Tribuo's SGD trainer with a fixed seed over the leads in id order: the same leads give the same
     * coefficients.
     */
    static Map<String, Double> fit(List<LeadSignals> leads, Set<String> features) {
        Logger.getLogger("org.tribuo").setLevel(Level.WARNING);
        LabelFactory labels = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("leadflow backtest", labels), labels);
        for (LeadSignals l : leads) {
            ArrayExample<Label> example = new ArrayExample<>(new Label(l.converted() ? CONVERTED : NOT_CONVERTED));
            // a constant feature: an example with none of the signals still needs one
            example.add("(every lead)", 1.0);
            for (String s : features) {
                if (l.signals().contains(s)) {
                    example.add(s, 1.0);
                }
            }
            data.add(example);
        }
        if (data.getOutputInfo().size() < 2) {
            return Map.of();
        }
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), 30,
                Integer.MAX_VALUE, 1, SEED);
        LinearSGDModel model = trainer.train(data);
        Map<String, List<com.oracle.labs.mlrg.olcut.util.Pair<String, Double>>> weights = model.getTopFeatures(-1);
        Map<String, Double> yes = new HashMap<>();
        weights.get(CONVERTED).forEach(p -> yes.put(p.getA(), p.getB()));
        Map<String, Double> coefficients = new TreeMap<>();
        weights.get(NOT_CONVERTED).forEach(p -> {
            if (features.contains(p.getA())) {
                coefficients.put(p.getA(), yes.getOrDefault(p.getA(), 0.0) - p.getB());
            }
        });
        return coefficients;
    }

    /** How many leads, how many of them converted, the rate and its Wilson interval. */
    public record Share(int leads, int converted, double rate, double low, double high) {
        static Share of(int leads, int converted) {
            if (leads == 0) {
                return new Share(0, 0, 0, 0, 1);
            }
            ConfidenceInterval ci = IntervalUtils.getWilsonScoreInterval(leads, converted, CONFIDENCE);
            return new Share(leads, converted, round((double) converted / leads), round(ci.getLowerBound()),
                    round(ci.getUpperBound()));
        }
    }

    static double round(double v) {
        return Math.round(v * 10_000.0) / 10_000.0;
    }
}
