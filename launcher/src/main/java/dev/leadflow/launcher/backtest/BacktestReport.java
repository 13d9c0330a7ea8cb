package dev.leadflow.launcher.backtest;

import dev.leadflow.scoring.model.ScoringModel;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The backtest's one JSON document: for baseline and candidate side by side, handoffs per week and queue,
 * conversion by grade with lift, precision and recall; their overlap; and which model handed off the
 * conversions earlier. Built from the replays' handoffs and the period's sales outcomes only, so the same
 * input gives the same document. Rates are fractions (0..1); times are ISO-8601 instants.
 */
public record BacktestReport(Period period, Outcomes outcomes, ModelReport baseline, ModelReport candidate,
        List<String> verdict, Overlap overlap, Earlier earlier, SignalReport signals) {

    public record Period(String from, String to, long outcomeWindowDays) {}

    public record Outcomes(int leadsWithOpportunity, int leadsWon, long undecodableRecords) {}

    public record ModelReport(String model, String version, int handoffs, long deadLetters,
            Map<String, Integer> handoffsPerWeek, Map<String, Integer> handoffsPerQueue, int converted,
            double baseRate, Map<String, GradeRow> byGrade, Ratio precision, Ratio recall, TimeToHandoff timeToHandoff) {}

    /**
     * From a lead's first event in the period (any of the three topics; anonymous clicks of the lead included) to
     * its handoff: over how many handoffs that is known, the median and the 90th percentile (nearest rank), hours.
     */
    public record TimeToHandoff(int handoffs, double medianHours, double p90Hours) {}

    /** Handoffs of one grade, how many converted, their rate and its lift over the model's base rate. */
    public record GradeRow(int handoffs, int converted, double rate, double lift) {}

    public record Ratio(int numerator, int denominator, double value) {}

    public record Overlap(int both, int onlyBaseline, int onlyCandidate, List<Example> bothExamples,
            List<Example> onlyBaselineExamples, List<Example> onlyCandidateExamples) {}

    /** A lead and the top reasons each model gave (empty for a model that did not hand it off). */
    public record Example(String leadId, List<String> baselineReasons, List<String> candidateReasons) {}

    /**
     * Leads with an opportunity that both models handed off before it opened: which model was earlier,
     * and by how long (median, hours). Plus those only one model handed off in time.
     */
    public record Earlier(int handedOffByBoth, int candidateEarlier, int baselineEarlier, int sameTime,
            double medianCandidateLeadHours, double medianBaselineLeadHours, int onlyCandidateInTime,
            int onlyBaselineInTime) {}

    /** How many examples the overlap lists per group. */
    static final int EXAMPLES = 5;

    /**
     * The report of both replays against the outcomes; {@code baselineModel} is the model whose points the
     * signal analysis (over the baseline's handoffs) suggests changes to.
     */
    public static BacktestReport build(Instant from, Instant to, long windowMillis, String baselineName,
            String baselineVersion, Replay.Result baseline, String candidateName, String candidateVersion,
            Replay.Result candidate, SalesOutcomes outcomes, Map<String, Long> firstSignals, ScoringModel baselineModel) {
        Map<String, Handoff> b = byLead(baseline.handoffs());
        Map<String, Handoff> c = byLead(candidate.handoffs());
        ModelReport bm = model(baselineName, baselineVersion, baseline, outcomes, firstSignals, windowMillis);
        ModelReport cm = model(candidateName, candidateVersion, candidate, outcomes, firstSignals, windowMillis);
        return new BacktestReport(
                new Period(from.toString(), to.toString(), windowMillis / 86_400_000L),
                new Outcomes(outcomes.opportunityOpened().size(), outcomes.won().size(), outcomes.undecodable()),
                bm, cm, verdict(bm, cm), overlap(b, c), earlier(b, c, outcomes, windowMillis),
                signals(baseline, outcomes, windowMillis, baselineModel));
    }

    /** Which signals behind the baseline's handoffs went with conversion. */
    static SignalReport signals(Replay.Result baseline, SalesOutcomes outcomes, long window, ScoringModel model) {
        List<SignalAnalysis.LeadSignals> leads = new ArrayList<>();
        for (Handoff h : baseline.handoffs()) {
            leads.add(new SignalAnalysis.LeadSignals(h.leadId(), h.signals(), converted(h, outcomes, window)));
        }
        return SignalAnalysis.analyse(leads, model);
    }

    /** Differences of precision or recall smaller than this (a share) are reported as "about the same". */
    static final double SAME = 0.02;

    /**
     * The report's answer in sentences: how the candidate compares with the baseline on recall (the pipeline it
     * finds) and precision (its handoffs that become pipeline), and what that means for the rollout.
     */
    static List<String> verdict(ModelReport b, ModelReport c) {
        List<String> out = new ArrayList<>();
        int recall = compare(c.recall().value(), b.recall().value());
        int precision = compare(c.precision().value(), b.precision().value());
        out.add(String.format(java.util.Locale.ROOT,
                "The candidate hands off %,d leads (baseline %,d). It finds %s of the opportunities before they open "
                        + "(baseline %s), and %s of its handoffs open one (baseline %s).",
                c.handoffs(), b.handoffs(), HtmlReport.percent(c.recall().value()), HtmlReport.percent(b.recall().value()),
                HtmlReport.percent(c.precision().value()), HtmlReport.percent(b.precision().value())));
        if (b.recall().denominator() == 0) {
            out.add("No opportunity opened in the period and the outcome window: the history cannot tell the models apart.");
        } else if (recall < 0 && precision < 0) {
            out.add("The candidate is worse on both: it would miss pipeline the current model finds and send sellers "
                    + "more leads that do not buy. Do not roll it out.");
        } else if (recall > 0 && precision > 0) {
            out.add("The candidate is better on both: it finds more of the pipeline with fewer wasted handoffs.");
        } else if (recall == 0 && precision == 0) {
            out.add("The two models perform about the same on this history.");
        } else if (recall >= 0 && precision <= 0) {
            out.add("The candidate finds " + (recall > 0 ? "more" : "about as much") + " of the pipeline but "
                    + (precision < 0 ? "sends sellers more leads that do not buy" : "at about the same precision")
                    + ": check the queues' capacity (handoffs per week) before rolling it out.");
        } else {
            out.add("The candidate's handoffs are " + (precision > 0 ? "more often" : "about as often")
                    + " right, but it " + (recall < 0 ? "misses pipeline the current model finds" : "finds about as much pipeline")
                    + ".");
        }
        return List.copyOf(out);
    }

    /** -1, 0 or 1: candidate below, about equal to, or above the baseline. */
    private static int compare(double candidate, double baseline) {
        double d = candidate - baseline;
        return Math.abs(d) < SAME ? 0 : d < 0 ? -1 : 1;
    }

    static Map<String, Handoff> byLead(List<Handoff> handoffs) {
        return handoffs.stream().collect(Collectors.toMap(Handoff::leadId, Function.identity(), (x, y) -> x, TreeMap::new));
    }

    /** Converted: an opportunity opened or a deal won after the handoff, within the outcome window. */
    static boolean converted(Handoff h, SalesOutcomes o, long window) {
        return within(h, o.opportunityOpened().get(h.leadId()), window) || within(h, o.won().get(h.leadId()), window);
    }

    static boolean within(Handoff h, Long at, long window) {
        return at != null && at > h.enqueuedAt() && at <= h.enqueuedAt() + window;
    }

    static ModelReport model(String name, String version, Replay.Result r, SalesOutcomes o, Map<String, Long> firstSignals,
            long window) {
        Map<String, Integer> perWeek = new TreeMap<>();
        Map<String, Integer> perQueue = new TreeMap<>();
        Map<String, int[]> grades = new TreeMap<>();
        int converted = 0;
        int opportunityAfter = 0;
        for (Handoff h : r.handoffs()) {
            perWeek.merge(week(h.enqueuedAt()), 1, Integer::sum);
            perQueue.merge(h.queue(), 1, Integer::sum);
            boolean conv = converted(h, o, window);
            int[] g = grades.computeIfAbsent(String.valueOf(h.grade()), k -> new int[2]);
            g[0]++;
            if (conv) {
                g[1]++;
                converted++;
            }
            if (within(h, o.opportunityOpened().get(h.leadId()), window)) {
                opportunityAfter++;
            }
        }
        int n = r.handoffs().size();
        double base = rate(converted, n);
        Map<String, GradeRow> byGrade = new TreeMap<>();
        double exactBase = n == 0 ? 0 : (double) converted / n;
        grades.forEach((grade, g) -> byGrade.put(grade, new GradeRow(g[0], g[1], rate(g[1], g[0]),
                exactBase == 0 ? 0 : round((double) g[1] / g[0] / exactBase))));
        Map<String, Handoff> handed = byLead(r.handoffs());
        int inTime = 0;
        for (Map.Entry<String, Long> opp : o.opportunityOpened().entrySet()) {
            Handoff h = handed.get(opp.getKey());
            if (h != null && within(h, opp.getValue(), window)) {
                inTime++;
            }
        }
        int opportunities = o.opportunityOpened().size();
        return new ModelReport(name, version, n, r.deadLetters(), perWeek, perQueue, converted, base, byGrade,
                new Ratio(opportunityAfter, n, rate(opportunityAfter, n)),
                new Ratio(inTime, opportunities, rate(inTime, opportunities)), timeToHandoff(r.handoffs(), firstSignals));
    }

    static TimeToHandoff timeToHandoff(List<Handoff> handoffs, Map<String, Long> firstSignals) {
        List<Long> waits = new ArrayList<>();
        for (Handoff h : handoffs) {
            Long first = firstSignals.get(h.leadId());
            if (first != null && first <= h.enqueuedAt()) {
                waits.add(h.enqueuedAt() - first);
            }
        }
        Collections.sort(waits);
        double p90 = waits.isEmpty() ? 0 : waits.get(Math.max(0, (int) Math.ceil(0.9 * waits.size()) - 1)) / 3_600_000.0;
        return new TimeToHandoff(waits.size(), medianHours(waits), round(p90));
    }

    static Overlap overlap(Map<String, Handoff> b, Map<String, Handoff> c) {
        Set<String> both = new TreeSet<>(b.keySet());
        both.retainAll(c.keySet());
        Set<String> onlyB = new TreeSet<>(b.keySet());
        onlyB.removeAll(c.keySet());
        Set<String> onlyC = new TreeSet<>(c.keySet());
        onlyC.removeAll(b.keySet());
        return new Overlap(both.size(), onlyB.size(), onlyC.size(), examples(both, b, c), examples(onlyB, b, c),
                examples(onlyC, b, c));
    }

    private static List<Example> examples(Set<String> leads, Map<String, Handoff> b, Map<String, Handoff> c) {
        List<Example> out = new ArrayList<>();
        for (String lead : leads) {
            if (out.size() == EXAMPLES) {
                break;
            }
            out.add(new Example(lead, b.containsKey(lead) ? b.get(lead).reasons() : List.of(),
                    c.containsKey(lead) ? c.get(lead).reasons() : List.of()));
        }
        return out;
    }

    static Earlier earlier(Map<String, Handoff> b, Map<String, Handoff> c, SalesOutcomes o, long window) {
        int both = 0;
        int same = 0;
        int onlyC = 0;
        int onlyB = 0;
        List<Long> candidateLeads = new ArrayList<>();
        List<Long> baselineLeads = new ArrayList<>();
        for (Map.Entry<String, Long> opp : o.opportunityOpened().entrySet()) {
            Handoff hb = b.get(opp.getKey());
            Handoff hc = c.get(opp.getKey());
            boolean inB = hb != null && within(hb, opp.getValue(), window);
            boolean inC = hc != null && within(hc, opp.getValue(), window);
            if (inB && inC) {
                both++;
                long d = hb.enqueuedAt() - hc.enqueuedAt();
                if (d > 0) {
                    candidateLeads.add(d);
                } else if (d < 0) {
                    baselineLeads.add(-d);
                } else {
                    same++;
                }
            } else if (inC) {
                onlyC++;
            } else if (inB) {
                onlyB++;
            }
        }
        return new Earlier(both, candidateLeads.size(), baselineLeads.size(), same, medianHours(candidateLeads),
                medianHours(baselineLeads), onlyC, onlyB);
    }

    static double medianHours(List<Long> millis) {
        if (millis.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        return round(median / 3_600_000.0);
    }

    /** The Monday (UTC) of the event's ISO week, e.g. 2026-01-05. */
    static String week(long millis) {
        LocalDate d = Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
        return d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
    }

    static double rate(int numerator, int denominator) {
        return denominator == 0 ? 0 : round((double) numerator / denominator);
    }

    /** Four decimals: enough for a report, and the same digits on every run. */
    static double round(double v) {
        return Math.round(v * 10_000.0) / 10_000.0;
    }
}
