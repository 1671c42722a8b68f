package io.cellwatch.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.core.rules.TemperatureReturnRule;
import io.cellwatch.core.rules.VoltageDropRule;
import io.cellwatch.replay.evaluate.AlertDiff;
import io.cellwatch.replay.evaluate.EvaluationResult;

/**
 * Writes the {@code report} HTML: one self-contained page (inline CSS, inline SVG, no script, no external
 * reference) with the run's channels, the procedure and its resolved parameters, voltage, current and temperature
 * charts with the thresholds and the alerts, the table of stops and the difference from a stored alert set. Every
 * text that comes from the file or the command line goes through {@link #esc}.
 */
final class HtmlReport {
    private static final int W = 1000;
    private static final int H = 240;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 16;
    private static final int BOTTOM = 34;

    private static final String CSS = """
        body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#222}
        h1{font-size:1.5em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ccc}h3{font-size:1.05em}
        table{border-collapse:collapse;margin:8px 0;font-size:.9em}
        th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
        th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .stops td,.diff td{white-space:nowrap}.stops td.reason,.diff td.line{white-space:normal;min-width:24em}
        svg{max-width:100%;height:auto}
        tr.added td{background:#fdecea}tr.removed td{background:#eaf4fd}tr.earlier td,tr.later td{background:#fff8e1}
        svg{background:#fff;border:1px solid #ddd;margin:4px 0}
        .series{fill:none;stroke-width:1.2}.v{stroke:#1f5fbf}.i{stroke:#2e8b57}.t{stroke:#c0392b}.amb{stroke:#999}
        .grid{stroke:#eee}.axis{stroke:#888}.threshold{stroke:#e67e22;stroke-width:1.5;stroke-dasharray:6 4}
        .alert-marker{stroke:#d00;stroke-width:1.2}.before-marker{stroke:#555;stroke-width:1;stroke-dasharray:2 3}
        .mark{stroke:#8e44ad;stroke-width:1;stroke-dasharray:1 3}
        text{font-size:11px;fill:#444}.tlabel{fill:#b35900}.muted{color:#777}
        """;

    private HtmlReport() {
    }

    /** Escapes text for HTML element content and attribute values. */
    static String esc(final String s) {
        if (s == null) {
            return "";
        }
        final StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                        sb.append("&#xFFFD;");
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /**
     * The page.
     *
     * @param fileName the run file's name
     * @param r        the evaluation
     * @param charts   the decimated samples
     * @param before   the stored set compared with, or null
     */
    static String render(final String fileName, final EvaluationResult r, final ChartData charts,
                         final EvaluationResult.StoredSet before) {
        final StringBuilder h = new StringBuilder(256 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<title>CellWatch run report: ").append(esc(fileName)).append("</title>\n")
            .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
            .append("<h1>Run report: ").append(esc(fileName)).append("</h1>\n")
            .append("<p>").append(r.channels().size()).append(" channel").append(r.channels().size() == 1 ? "" : "s")
            .append(", ").append(r.samples()).append(" samples in ").append(r.frames()).append(" frame records; ")
            .append("evaluated offline with the live job's rules: <b>").append(esc(r.settings().describe()))
            .append("</b>; ").append(r.alerts().size()).append(" alert").append(r.alerts().size() == 1 ? "" : "s")
            .append(".</p>\n");
        if (!r.tail().isComplete()) {
            h.append("<p class=\"muted\">Warning: ").append(esc(r.tail().describe())).append("</p>\n");
        }
        for (String problem : r.problems()) {
            h.append("<p class=\"muted\">Warning: ").append(esc(problem)).append("</p>\n");
        }
        final AlertDiff diff = before == null ? null : AlertDiff.compare(before.alerts(), r.alerts());
        if (r.channels().size() <= 1) {
            for (EvaluationResult.Channel c : r.channels()) {
                channel(h, r, c, charts.channel(c.channelId()), before);
            }
            stops(h, r, r.alerts(), "h2", "Stops");
            difference(h, r, before, diff == null ? List.of() : diff.entries(), "h2");
        } else {
            // Several channels (a rig or a lot recorded into one file): a summary, then one section per channel with
            // its own charts, stops and difference, since each channel is judged on its own.
            final Map<String, List<Alert>> alerts = EvaluateCommand.alertsByChannel(r, r.alerts());
            final Map<String, List<AlertDiff.Entry>> entries = diff == null ? Map.of()
                : EvaluateCommand.diffByChannel(r, diff);
            summary(h, r, alerts, entries, before);
            for (EvaluationResult.Channel c : r.channels()) {
                channel(h, r, c, charts.channel(c.channelId()), before);
                stops(h, r, alerts.getOrDefault(c.channelId(), List.of()), "h3", "Stops on " + c.channelId());
                difference(h, r, before, entries.getOrDefault(c.channelId(), List.of()), "h3");
            }
        }
        notes(h, r);
        h.append("<p class=\"muted\">Written by the CellWatch replay tool (report). Charts: at most ")
            .append(2 * ChartData.BUCKETS).append(" points per series, the lowest and highest sample of each of ")
            .append(ChartData.BUCKETS).append(" time buckets.</p>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void channel(final StringBuilder h, final EvaluationResult r, final EvaluationResult.Channel c,
                                final ChartData.ChannelCharts charts, final EvaluationResult.StoredSet before) {
        h.append("<h2 id=\"").append(esc(anchor(c.channelId()))).append("\">Channel ").append(esc(c.channelId()))
            .append("</h2>\n<table class=\"meta\">\n");
        row(h, "rig", c.rigId());
        row(h, "cell serial", c.cellSerial());
        row(h, "lot", c.lot());
        row(h, "declared procedure", c.declaredProcedure() == null ? "-" : c.declaredProcedure());
        row(h, "evaluated with", c.evaluatedProcedure() == null ? "-" : c.evaluatedProcedure());
        row(h, "declared overrides", c.overrides().isEmpty() ? "none" : new TreeMap<>(c.overrides()).toString());
        row(h, "samples / marks", c.samples() + " / " + c.marks());
        if (c.firstMicros() != Long.MIN_VALUE) {
            row(h, "time", Formats.instant(c.firstMicros()) + " to " + Formats.instant(c.lastMicros()) + " (run time "
                + Formats.seconds(c.lastMicros() - c.firstMicros()) + " s)");
        }
        row(h, "arrival times", c.arrivalKnown() ? "recorded" : "none in the file (imported)");
        if (c.declareProblem() != null) {
            row(h, "declaration problem", c.declareProblem());
        }
        h.append("</table>\n<h3>Resolved parameters</h3>\n<ul>\n");
        for (String part : EvaluateCommand.parameters(c.parameters()).split("; ")) {
            h.append("<li>").append(esc(part)).append("</li>\n");
        }
        h.append("</ul>\n");
        if (charts == null || c.firstMicros() == Long.MIN_VALUE) {
            h.append("<p class=\"muted\">No samples to chart.</p>\n");
            return;
        }
        final List<Alert> alerts = r.alerts().stream().filter(a -> a.channelId().equals(c.channelId())).toList();
        final List<Alert> old = before == null ? List.of()
            : before.alerts().stream().filter(a -> a.channelId().equals(c.channelId())).toList();
        final RuleParameters p = c.parameters();

        final List<Line> vLines = new ArrayList<>();
        if (p.upperChargeVoltageEnabled) {
            vLines.add(new Line(p.upperChargeVoltageLimit, "upper charge voltage " + Formats.number(
                p.upperChargeVoltageLimit) + " V"));
        }
        for (Alert a : alerts) {
            if (a.rule().equals(VoltageDropRule.ID) && !Double.isNaN(a.reference()) && !Double.isNaN(a.threshold())) {
                final double level = a.reference() - a.threshold();
                vLines.add(new Line(level, "drop: baseline " + Formats.number(a.reference()) + " V - "
                    + Formats.number(a.threshold() * 1000) + " mV = " + Formats.number(level) + " V"));
            }
        }
        final List<Line> tLines = new ArrayList<>();
        for (Alert a : alerts) {
            if (a.rule().equals(TemperatureReturnRule.ID) && !Double.isNaN(a.threshold())) {
                final double[] probe = charts.probes.get(a.sampleTimeMicros());
                if (probe != null && !Double.isNaN(probe[0]) && !Double.isNaN(a.value())) {
                    final double ambient = probe[0] - a.value();
                    tLines.add(new Line(ambient + a.threshold(), Formats.number(p.temperatureReturnFraction * 100)
                        + " % of dT peak " + Formats.number(a.reference()) + " K above ambient "
                        + Formats.number(ambient) + " C"));
                }
            }
        }
        final List<long[]> marks = charts.marks;
        chart(h, "Voltage (V)", "v", charts, c, charts.series.get(ChartData.Series.VOLTAGE), null, vLines, alerts,
            old, marks);
        chart(h, "Current (A, + = charge)", "i", charts, c, charts.series.get(ChartData.Series.CURRENT), null,
            List.of(), alerts, old, marks);
        final ChartData.Buckets cell = charts.series.get(ChartData.Series.CELL_TEMPERATURE);
        final ChartData.Buckets amb = charts.series.get(ChartData.Series.AMBIENT_TEMPERATURE);
        if (cell.samples > 0 || amb.samples > 0) {
            chart(h, "Temperature (C; grey: ambient)", "t", charts, c, cell, amb, tLines, alerts, old, marks);
        } else {
            h.append("<p class=\"muted\">No temperature in the samples of this channel.</p>\n");
        }
    }

    private record Line(double value, String label) {
    }

    private static void chart(final StringBuilder h, final String title, final String cls,
                              final ChartData.ChannelCharts charts, final EvaluationResult.Channel c,
                              final ChartData.Buckets series, final ChartData.Buckets second, final List<Line> lines,
                              final List<Alert> alerts, final List<Alert> old, final List<long[]> marks) {
        final List<double[]> pts = series.points();
        final List<double[]> pts2 = second == null ? List.of() : second.points();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] q : pts) {
            lo = Math.min(lo, q[1]);
            hi = Math.max(hi, q[1]);
        }
        for (double[] q : pts2) {
            lo = Math.min(lo, q[1]);
            hi = Math.max(hi, q[1]);
        }
        for (Line l : lines) {
            lo = Math.min(lo, l.value());
            hi = Math.max(hi, l.value());
        }
        if (lo > hi) {
            h.append("<p class=\"muted\">").append(esc(title)).append(": no values.</p>\n");
            return;
        }
        final double pad = hi > lo ? (hi - lo) * 0.05 : Math.max(Math.abs(hi) * 0.05, 0.5);
        final double y0 = lo - pad;
        final double y1 = hi + pad;
        final long t0 = c.firstMicros();
        final long t1 = Math.max(c.lastMicros(), t0 + 1);
        final boolean hours = t1 - t0 > 7_200_000_000L;
        final double unit = hours ? 3.6e9 : 1e6;
        final int pw = W - LEFT - RIGHT;
        final int ph = H - TOP - BOTTOM;
        final java.util.function.DoubleUnaryOperator x = t -> LEFT + (t - t0) * pw / (double) (t1 - t0);
        final java.util.function.DoubleUnaryOperator y = v -> TOP + (y1 - v) * ph / (y1 - y0);

        h.append("<h3>").append(esc(title)).append("</h3>\n")
            .append("<svg class=\"chart chart-").append(cls).append("\" width=\"").append(W).append("\" height=\"")
            .append(H).append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\">\n")
            .append("<title>").append(esc(title + " of channel " + c.channelId())).append("</title>\n");
        for (int k = 0; k <= 4; k++) {
            final double v = y0 + (y1 - y0) * k / 4;
            final double yy = y.applyAsDouble(v);
            h.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, yy, W - RIGHT, yy, LEFT - 4,
                yy + 4, esc(tick(v, y1 - y0))));
        }
        for (int k = 0; k <= 5; k++) {
            final double t = t0 + (t1 - t0) * k / 5.0;
            final double xx = x.applyAsDouble(t);
            h.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", xx, TOP, xx, H - BOTTOM, xx,
                H - BOTTOM + 14, tick((t - t0) / unit, (t1 - t0) / unit)));
        }
        h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">run time (%s)</text>%n",
            LEFT + pw / 2, H - 4, hours ? "h" : "s"));
        h.append(String.format(Locale.ROOT, "<rect class=\"axis\" fill=\"none\" x=\"%d\" y=\"%d\" width=\"%d\" "
            + "height=\"%d\"/>%n", LEFT, TOP, pw, ph));
        for (long[] m : marks) {
            final double xx = x.applyAsDouble(m[0]);
            h.append(String.format(Locale.ROOT, "<line class=\"mark\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\">"
                + "<title>%s</title></line>%n", xx, TOP, xx, H - BOTTOM,
                esc("mark " + MarkType.name((int) m[1]) + " at " + Formats.instant(m[0]))));
        }
        polyline(h, "series amb", pts2, x, y);
        polyline(h, "series " + cls, pts, x, y);
        for (Line l : lines) {
            final double yy = y.applyAsDouble(l.value());
            h.append(String.format(Locale.ROOT, "<line class=\"threshold\" data-value=\"%s\" x1=\"%d\" y1=\"%.1f\" "
                + "x2=\"%d\" y2=\"%.1f\"><title>%s</title></line><text class=\"tlabel\" x=\"%d\" y=\"%.1f\">%s</text>%n",
                esc(Formats.number(l.value())), LEFT, yy, W - RIGHT, yy, esc(l.label()), LEFT + 4, yy - 3,
                esc(l.label())));
        }
        for (Alert a : old) {
            final double xx = x.applyAsDouble(a.sampleTimeMicros());
            h.append(String.format(Locale.ROOT, "<line class=\"before-marker\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
                + "y2=\"%d\"><title>%s</title></line>%n", xx, TOP, xx, H - BOTTOM, esc("compared set: " + a.rule()
                + " at " + Formats.instant(a.sampleTimeMicros()) + ", " + EvaluateCommand.withUnit(a.value(), a.unit()))));
        }
        for (Alert a : alerts) {
            final double xx = x.applyAsDouble(a.sampleTimeMicros());
            h.append(String.format(Locale.ROOT, "<g class=\"alert-marker\"><line class=\"alert-marker\" x1=\"%.1f\" "
                + "y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/><path fill=\"#d00\" d=\"M%.1f %d l-5 -9 h10 z\"/><title>%s</title>"
                + "</g>%n", xx, TOP, xx, H - BOTTOM, xx, H - BOTTOM, esc(a.rule() + " " + a.trigger() + " at "
                + Formats.instant(a.sampleTimeMicros()) + ": " + a.reason())));
        }
        h.append("</svg>\n");
    }

    private static void polyline(final StringBuilder h, final String cls, final List<double[]> pts,
                                 final java.util.function.DoubleUnaryOperator x,
                                 final java.util.function.DoubleUnaryOperator y) {
        if (pts.isEmpty()) {
            return;
        }
        h.append("<polyline class=\"").append(cls).append("\" points=\"");
        for (double[] q : pts) {
            h.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(q[0]), y.applyAsDouble(q[1])));
        }
        h.setLength(h.length() - 1);
        h.append("\"/>\n");
    }

    /** A tick label with as many decimals as the span needs. */
    private static String tick(final double v, final double span) {
        final int decimals = span >= 50 ? 0 : span >= 5 ? 1 : span >= 0.5 ? 2 : span >= 0.05 ? 3 : 4;
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** One row per channel: its cell, samples, alerts and how they differ from the stored set. */
    private static void summary(final StringBuilder h, final EvaluationResult r, final Map<String, List<Alert>> alerts,
                                final Map<String, List<AlertDiff.Entry>> entries,
                                final EvaluationResult.StoredSet before) {
        h.append("<h2>Channels</h2>\n<table class=\"summary\">\n<tr><th>channel</th><th>rig</th><th>serial</th>"
            + "<th>lot</th><th>samples</th><th>alerts</th><th>difference from ")
            .append(before == null ? "-" : "<b>" + esc(before.label()) + "</b>").append("</th></tr>\n");
        for (EvaluationResult.Channel c : r.channels()) {
            h.append("<tr><td><a href=\"#").append(esc(anchor(c.channelId()))).append("\">").append(esc(c.channelId()))
                .append("</a></td><td>").append(esc(c.rigId())).append("</td><td>").append(esc(c.cellSerial()))
                .append("</td><td>").append(esc(c.lot())).append("</td><td class=\"num\">").append(c.samples())
                .append("</td><td class=\"num\">").append(alerts.getOrDefault(c.channelId(), List.of()).size())
                .append("</td><td>").append(before == null ? "-"
                    : esc(EvaluateCommand.counts(entries.getOrDefault(c.channelId(), List.of()))))
                .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** An id attribute for a channel's section: channel ids may hold any character. */
    static String anchor(final String channelId) {
        final StringBuilder sb = new StringBuilder("channel-");
        for (int i = 0; i < channelId.length(); i++) {
            final char c = channelId.charAt(i);
            sb.append(Character.isLetterOrDigit(c) && c < 128 ? String.valueOf(c) : "_" + Integer.toHexString(c));
        }
        return sb.toString();
    }

    private static void stops(final StringBuilder h, final EvaluationResult r, final List<Alert> stops,
                              final String tag, final String title) {
        h.append('<').append(tag).append('>').append(esc(title)).append("</").append(tag).append(">\n");
        if (stops.isEmpty()) {
            h.append("<p>No alerts: nothing would have stopped this run.</p>\n");
            return;
        }
        h.append("<table class=\"stops\">\n<tr><th>#</th><th>run time</th><th>sample time</th><th>channel</th>"
            + "<th>rule</th><th>trigger</th><th>value</th><th>reference</th><th>threshold</th><th>action</th>"
            + "<th>detection latency</th><th>reason</th></tr>\n");
        int n = 0;
        for (Alert a : stops) {
            final EvaluationResult.Channel c = r.channel(a.channelId());
            final boolean latencyKnown = c != null && c.arrivalKnown() && a.detectedAtMicros() > 0;
            h.append("<tr class=\"stop\"><td class=\"num\">").append(++n).append("</td><td class=\"num\">")
                .append(esc(EvaluateCommand.runTime(a, r))).append("</td><td>")
                .append(esc(Formats.instant(a.sampleTimeMicros()))).append("</td><td>").append(esc(a.channelId()))
                .append("</td><td>").append(esc(a.rule())).append("</td><td>").append(esc(a.trigger()))
                .append("</td><td class=\"num\">").append(esc(EvaluateCommand.withUnit(a.value(), a.unit())))
                .append("</td><td class=\"num\">").append(esc(EvaluateCommand.withUnit(a.reference(), a.unit())))
                .append("</td><td class=\"num\">").append(esc(EvaluateCommand.withUnit(a.threshold(), a.unit())))
                .append("</td><td>").append(esc(a.alertClass() + " " + a.action())).append("</td><td class=\"num\">")
                .append(latencyKnown ? esc(Formats.seconds(a.detectedAtMicros() - a.sampleTimeMicros()) + " s")
                    : "<span class=\"muted\">unknown (no arrival times)</span>")
                .append("</td><td class=\"reason\">").append(esc(a.reason())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void difference(final StringBuilder h, final EvaluationResult r,
                                   final EvaluationResult.StoredSet before, final List<AlertDiff.Entry> entries,
                                   final String tag) {
        h.append('<').append(tag).append(">Difference</").append(tag).append(">\n");
        if (before == null) {
            h.append("<p>No alert set stored in the file to compare with.</p>\n");
            return;
        }
        h.append("<p>Compared with alert set <b>").append(esc(before.label())).append("</b> (")
            .append(esc(before.origin() == null ? "origin unknown" : before.origin().name().toLowerCase(Locale.ROOT)))
            .append(esc(before.description().isEmpty() ? "" : ": " + before.description())).append(", ")
            .append(before.alerts().size()).append(" alerts): ");
        h.append(EvaluateCommand.counts(entries)).append(".</p>\n");
        if (entries.stream().allMatch(e -> e.kind() == AlertDiff.Kind.UNCHANGED)) {
            return;
        }
        h.append("<table class=\"diff\">\n<tr><th>change</th><th>rule</th><th>channel</th><th>before</th>"
            + "<th>after</th><th>shift</th><th>line</th></tr>\n");
        for (AlertDiff.Entry e : entries) {
            if (e.kind() == AlertDiff.Kind.UNCHANGED) {
                continue;
            }
            final String kind = e.kind().name().toLowerCase(Locale.ROOT);
            h.append("<tr class=\"").append(kind).append("\"><td>").append(kind).append("</td><td>")
                .append(esc(e.any().rule())).append("</td><td>").append(esc(e.any().channelId())).append("</td><td>")
                .append(e.before() == null ? "-" : esc(point(e.before(), r))).append("</td><td>")
                .append(e.after() == null ? "-" : esc(point(e.after(), r))).append("</td><td class=\"num\">")
                .append(e.before() == null || e.after() == null ? "-" : esc(Formats.seconds(e.shiftMicros()) + " s"))
                .append("</td><td class=\"line\"><code>").append(esc(EvaluateCommand.describe(e, r)))
                .append("</code></td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static String point(final Alert a, final EvaluationResult r) {
        final String rt = EvaluateCommand.runTime(a, r);
        return (rt.isEmpty() ? "" : rt + " ") + Formats.instant(a.sampleTimeMicros()) + " "
            + EvaluateCommand.withUnit(a.value(), a.unit());
    }

    private static void notes(final StringBuilder h, final EvaluationResult r) {
        if (r.notes().isEmpty()) {
            return;
        }
        h.append("<h2>Notes in the file</h2>\n");
        for (var n : r.notes()) {
            h.append("<details><summary>").append(esc(n.kind())).append("</summary><pre>").append(esc(n.text()))
                .append("</pre></details>\n");
        }
    }

    private static void row(final StringBuilder h, final String name, final String value) {
        h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }
}
