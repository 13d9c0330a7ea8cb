package dev.leadflow.launcher.backtest;

import java.awt.Rectangle;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * The backtest report as one HTML page with everything inline (styles and SVG charts drawn by JFreeChart,
 * exported by JFreeSVG): it opens without a network. Every number shown comes from the {@link BacktestReport}.
 */
final class HtmlReport {

    static final String[] CHARTS = {"chart-weekly", "chart-queues", "chart-grades", "chart-precision-recall"};

    private HtmlReport() {}

    static String render(BacktestReport r) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>LeadFlow backtest</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}")
                .append("figure{margin:1em 0}</style></head><body>\n");
        h.append("<h1>LeadFlow backtest</h1>\n<p>Period ").append(esc(r.period().from())).append(" to ")
                .append(esc(r.period().to())).append("; outcome window ").append(r.period().outcomeWindowDays())
                .append(" days. Baseline <b>").append(esc(r.baseline().version())).append("</b> (")
                .append(esc(r.baseline().model())).append("), candidate <b>").append(esc(r.candidate().version()))
                .append("</b> (").append(esc(r.candidate().model())).append("). Leads with an opportunity in the period: ")
                .append(r.outcomes().leadsWithOpportunity()).append("; won: ").append(r.outcomes().leadsWon()).append(".</p>\n");

        h.append("<h2>Verdict</h2>\n<div id=\"verdict\">");
        for (String sentence : r.verdict()) {
            h.append("<p>").append(esc(sentence)).append("</p>");
        }
        h.append("</div>\n");

        h.append("<h2>Precision and recall</h2>\n<table id=\"summary\"><tr><th></th><th>handoffs</th><th>precision</th><th>recall</th><th>conversion rate</th></tr>\n");
        row(h, "baseline", r.baseline());
        row(h, "candidate", r.candidate());
        h.append("</table>\n<p>Precision: share of handed-off leads that opened an opportunity after the handoff. ")
                .append("Recall: share of opportunities whose lead was handed off before it opened.</p>\n");
        DefaultCategoryDataset pr = new DefaultCategoryDataset();
        pr.addValue(r.baseline().precision().value(), "baseline", "precision");
        pr.addValue(r.candidate().precision().value(), "candidate", "precision");
        pr.addValue(r.baseline().recall().value(), "baseline", "recall");
        pr.addValue(r.candidate().recall().value(), "candidate", "recall");
        figure(h, CHARTS[3], ChartFactory.createBarChart("Precision and recall", "", "share", pr));

        h.append("<h2>Handoffs per week</h2>\n");
        figure(h, CHARTS[0], ChartFactory.createLineChart("Handoffs per week", "week (Monday, UTC)", "handoffs",
                dataset(r, ModelReportView.WEEKS)));
        h.append("<h2>Handoffs per queue</h2>\n");
        figure(h, CHARTS[1], ChartFactory.createBarChart("Handoffs per queue", "queue", "handoffs",
                dataset(r, ModelReportView.QUEUES), PlotOrientation.HORIZONTAL, true, false, false));

        h.append("<h2>Conversion by grade</h2>\n<table id=\"grades\"><tr><th>model</th><th>grade</th><th>handoffs</th><th>converted</th><th>rate</th><th>lift</th></tr>\n");
        DefaultCategoryDataset grades = new DefaultCategoryDataset();
        for (var e : Map.of("baseline", r.baseline(), "candidate", r.candidate()).entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).toList()) {
            e.getValue().byGrade().forEach((grade, g) -> {
                h.append("<tr><td>").append(e.getKey()).append("</td><td>").append(esc(grade)).append("</td><td>")
                        .append(g.handoffs()).append("</td><td>").append(g.converted()).append("</td><td>")
                        .append(percent(g.rate())).append("</td><td>").append(String.format(Locale.ROOT, "%.2f×", g.lift()))
                        .append("</td></tr>\n");
                grades.addValue(g.rate(), e.getKey(), grade);
            });
        }
        h.append("</table>\n<p>Lift: a grade's conversion rate divided by the model's rate over all its handoffs.</p>\n");
        figure(h, CHARTS[2], ChartFactory.createBarChart("Conversion rate by grade", "grade", "converted share", grades));

        BacktestReport.Overlap o = r.overlap();
        h.append("<h2>Overlap</h2>\n<table id=\"overlap\"><tr><th>both</th><th>only baseline</th><th>only candidate</th></tr><tr><td>")
                .append(o.both()).append("</td><td>").append(o.onlyBaseline()).append("</td><td>").append(o.onlyCandidate())
                .append("</td></tr></table>\n");
        examples(h, "Only baseline", o.onlyBaselineExamples());
        examples(h, "Only candidate", o.onlyCandidateExamples());
        examples(h, "Both", o.bothExamples());

        h.append("<h2>Time from first signal to handoff</h2>\n<table id=\"time-to-handoff\"><tr><th></th><th>handoffs</th>")
                .append("<th>median</th><th>90th percentile</th></tr>\n");
        for (var side : java.util.List.of(java.util.Map.entry("baseline", r.baseline()), java.util.Map.entry("candidate", r.candidate()))) {
            BacktestReport.TimeToHandoff t = side.getValue().timeToHandoff();
            h.append("<tr><th>").append(side.getKey()).append("</th><td>").append(t.handoffs()).append("</td><td id=\"")
                    .append(side.getKey()).append("-median-hours\">").append(hours(t.medianHours())).append("</td><td>")
                    .append(hours(t.p90Hours())).append("</td></tr>\n");
        }
        h.append("</table>\n<p>From the lead's first event in the period (its anonymous visits included) to its handoff.</p>\n");

        BacktestReport.Earlier e = r.earlier();
        h.append("<h2>Who handed off conversions earlier</h2>\n<p>Of ").append(e.handedOffByBoth())
                .append(" opportunities both models handed off in time, the candidate was earlier for ")
                .append(e.candidateEarlier()).append(" (median ").append(e.medianCandidateLeadHours()).append(" h), the baseline for ")
                .append(e.baselineEarlier()).append(" (median ").append(e.medianBaselineLeadHours()).append(" h), at the same time for ")
                .append(e.sameTime()).append(". Only the candidate handed off ").append(e.onlyCandidateInTime())
                .append(", only the baseline ").append(e.onlyBaselineInTime()).append(".</p>\n");
        signals(h, r.signals());
        h.append("</body></html>\n");
        return h.toString();
    }

    /** Which signals behind the baseline's handoffs went with conversion, and the suggested points. */
    private static void signals(StringBuilder h, SignalReport s) {
        h.append("<section id=\"signals\">\n<h2>Which signals predict conversion</h2>\n<p>Over the baseline's ")
                .append(s.leads()).append(" handoffs, ").append(s.converted())
                .append(" converted. Rates with 95 % Wilson intervals; a signal predicts conversion when the interval of")
                .append(" the leads with it lies wholly above that of the leads without it.</p>\n");
        for (String w : s.warnings()) {
            h.append("<p class=\"warning\"><b>Warning:</b> ").append(esc(w)).append("</p>\n");
        }
        h.append("<table id=\"signals-table\"><tr><th>signal</th><th>points</th><th>leads with it</th><th>converted with it</th>")
                .append("<th>converted without it</th><th>verdict</th><th>suggested points</th></tr>\n");
        for (SignalReport.Row row : s.signals()) {
            h.append("<tr><th>").append(esc(row.signal())).append("</th><td>")
                    .append(row.points() == null ? "" : row.points()).append("</td><td>").append(row.with().leads())
                    .append("</td><td>").append(share(row.with())).append("</td><td>").append(share(row.without()))
                    .append("</td><td>").append(esc(row.verdict())).append("</td><td>")
                    .append(row.suggestedPoints() == null ? "" : row.suggestedPoints()).append("</td></tr>\n");
        }
        h.append("</table>\n<p>Suggested changes to the baseline model, to apply by hand and backtest again:</p>\n")
                .append("<pre id=\"signals-diff\">");
        h.append(s.diff().isEmpty() ? "(none)" : esc(String.join("\n", s.diff())));
        h.append("</pre>\n</section>\n");
    }

    private static String share(SignalAnalysis.Share s) {
        return percent(s.rate()) + " [" + percent(s.low()) + ", " + percent(s.high()) + "]";
    }

    private static void row(StringBuilder h, String side, BacktestReport.ModelReport m) {
        h.append("<tr><th>").append(side).append("</th><td>").append(m.handoffs()).append("</td><td id=\"").append(side)
                .append("-precision\">").append(percent(m.precision().value())).append("</td><td id=\"").append(side)
                .append("-recall\">").append(percent(m.recall().value())).append("</td><td>").append(percent(m.baseRate()))
                .append("</td></tr>\n");
    }

    /** How the page shows a rate: 41.25 %. */
    static String hours(double h) {
        return String.format(Locale.ROOT, "%.1f h", h);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f %%", fraction * 100);
    }

    private enum ModelReportView {
        WEEKS(BacktestReport.ModelReport::handoffsPerWeek), QUEUES(BacktestReport.ModelReport::handoffsPerQueue);

        final Function<BacktestReport.ModelReport, Map<String, Integer>> counts;

        ModelReportView(Function<BacktestReport.ModelReport, Map<String, Integer>> counts) {
            this.counts = counts;
        }
    }

    private static DefaultCategoryDataset dataset(BacktestReport r, ModelReportView view) {
        Set<String> keys = new TreeSet<>(view.counts.apply(r.baseline()).keySet());
        keys.addAll(view.counts.apply(r.candidate()).keySet());
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (String k : keys) {
            d.addValue(view.counts.apply(r.baseline()).getOrDefault(k, 0), "baseline", k);
            d.addValue(view.counts.apply(r.candidate()).getOrDefault(k, 0), "candidate", k);
        }
        return d;
    }

    private static void figure(StringBuilder h, String id, JFreeChart chart) {
        int w = 900;
        int ht = 380;
        SVGGraphics2D g = new SVGGraphics2D(w, ht);
        g.setDefsKeyPrefix(id); // fixed ids inside the SVG: the same report renders the same page
        chart.draw(g, new Rectangle(0, 0, w, ht));
        h.append("<figure id=\"").append(id).append("\">").append(g.getSVGElement(id + "-svg")).append("</figure>\n");
    }

    private static void examples(StringBuilder h, String title, java.util.List<BacktestReport.Example> examples) {
        h.append("<h3>").append(title).append(" (examples)</h3>\n<ul>\n");
        for (BacktestReport.Example x : examples) {
            h.append("<li><code>").append(esc(x.leadId())).append("</code> baseline: ")
                    .append(esc(String.join("; ", x.baselineReasons()))).append(" | candidate: ")
                    .append(esc(String.join("; ", x.candidateReasons()))).append("</li>\n");
        }
        h.append("</ul>\n");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
