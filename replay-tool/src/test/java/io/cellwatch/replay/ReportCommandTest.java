package io.cellwatch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report} on the Maccor recording imported as a run file (see {@link EvaluateCommandTest} for the expected
 * figures: 8 crossings of 4.25 V under the overcharge-protection procedure, the highest voltage 4.30014496 V).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReportCommandTest {
    private static final String OVERCHARGE = "pse-app9/overcharge-protection@1";
    private static final String EVIL = "rig<script>alert('x')</script>/ch&1";

    @TempDir
    static Path shared;
    private static Path maccor;
    private static Path evil;

    @TempDir
    Path dir;

    @BeforeAll
    static void importMaccor() {
        maccor = shared.resolve("maccor.cwrun");
        CliRun run = CliRun.run("import", "--output", maccor.toString(), "--procedure", OVERCHARGE,
            Recordings.file(Recordings.MACCOR).toString());
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        evil = shared.resolve("evil.cwrun");
        run = CliRun.run("import", "--output", evil.toString(), "--procedure", OVERCHARGE, "--channel", EVIL,
            "--serial", "<b>SN</b>", "--lot", "\"lot\" & <i>", Recordings.file(Recordings.MACCOR).toString());
        assertEquals(ExitCode.OK, run.exit(), run.toString());
    }

    private String report(final Path file, final String... extra) throws Exception {
        final Path html = dir.resolve("run-" + System.nanoTime() + ".html");
        final String[] args = new String[extra.length + 4];
        args[0] = "report";
        args[1] = file.toString();
        args[2] = "--output";
        args[3] = html.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        final CliRun run = CliRun.run(args);
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.out().contains("wrote " + html), run.toString());
        return Files.readString(html, StandardCharsets.UTF_8);
    }

    private static int count(final String html, final String needle) {
        int n = 0;
        for (int i = html.indexOf(needle); i >= 0; i = html.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void shouldShowEightStopsTheThresholdLineAndAlertMarkersWhenTheMaccorImportIsReported() throws Exception {
        final String html = report(maccor);

        assertTrue(html.startsWith("<!DOCTYPE html>"), html.substring(0, 100));
        assertEquals(8, count(html, "<tr class=\"stop\">"), "one row per stop");
        assertTrue(html.contains("+1469.170 s"), "first crossing");
        assertTrue(html.contains("4.254292 V"), "its value");
        assertTrue(html.contains("+58444.810 s"), "last crossing");
        assertTrue(html.contains("import/xTESLADIAG_000038con"), "channel metadata");
        assertTrue(html.contains(OVERCHARGE), "procedure");
        assertTrue(html.contains("upper-charge-voltage limit 4.25 V (hysteresis 0.05 V)"), "resolved parameters");

        assertTrue(html.contains("<svg class=\"chart chart-v\""), "voltage chart");
        assertTrue(html.contains("<svg class=\"chart chart-i\""), "current chart");
        final Matcher threshold = Pattern.compile("<line class=\"threshold\" data-value=\"4.25\"").matcher(html);
        assertTrue(threshold.find(), "the 4.25 V line");
        final int voltageChart = html.indexOf("<svg class=\"chart chart-v\"");
        assertTrue(threshold.start() > voltageChart && threshold.start() < html.indexOf("</svg>", voltageChart),
            "the line is in the voltage chart");
        final int markers = count(html, "<g class=\"alert-marker\">");
        assertTrue(markers >= 16 && markers % 8 == 0, "a marker per alert on every chart: " + markers);

        // Decimation: at most 2000 points per series, and the highest voltage (4.30014496 V, a single sample) is
        // still the top of the voltage series.
        final Matcher polylines = Pattern.compile("<polyline class=\"series ([a-z]+)\" points=\"([^\"]*)\"")
            .matcher(html);
        int series = 0;
        while (polylines.find()) {
            series++;
            final int points = polylines.group(2).split(" ").length;
            assertTrue(points > 100 && points <= 2 * ChartData.BUCKETS, polylines.group(1) + ": " + points);
        }
        assertTrue(series >= 2, "voltage and current series");

        assertTrue(html.contains("No alert set stored in the file"), "nothing to compare with");
        assertNoExternalReference(html);
    }

    @Test
    void shouldShowTheDifferenceWhenTheFileHoldsAnotherAlertSet() throws Exception {
        final Path f = dir.resolve("maccor.cwrun");
        Files.copy(maccor, f);
        final CliRun write = CliRun.run("evaluate", f.toString(), "--write-alerts", "as-declared");
        assertEquals(ExitCode.OK, write.exit(), write.toString());

        final String html = report(f, "--set", "upper-charge-voltage.limit=4.252", "--against", "as-declared");

        assertTrue(html.contains("3 unchanged"), html);
        assertTrue(html.contains("5 later"), html);
        assertEquals(5, count(html, "<tr class=\"later\">"));
        assertTrue(html.contains("26.680 s later"), "the line evaluate prints");
        final int before = count(html, "<line class=\"before-marker\"");
        assertTrue(before >= 16 && before % 8 == 0, "the compared set on every chart: " + before);
        assertTrue(html.contains("data-value=\"4.252\""), "the what-if limit is drawn");
        assertNoExternalReference(html);

        final String none = report(f, "--set", "upper-charge-voltage.limit=4.35");
        assertEquals(0, count(none, "<tr class=\"stop\">"));
        assertTrue(none.contains("8 removed"), "default: the set written last");
    }

    /*
     * The Neware export has a cell probe (T1, 26.58 .. 27.02 C). Against a 26.5 C ambient with a 0.5 K arming rise,
     * the external-short procedure's temperature return fires once, derived independently of the tool:
     *   awk -F, '/^,,[0-9]/ { split($5,p,":"); t=p[1]*3600+p[2]*60+p[3]; r=$13-26.5; if (r>m) {m=r; pl=NR}
     *     if (m>=0.5 && r<=0.2*m) {print NR, $5, t, $13, r, m, pl; exit} }' nw_regular_export_ife_example.csv
     *   -> 3379 10:24:52 37492 26.58 0.08 0.52 2960
     * dT peak 0.52 K (line 2960), back to 0.08 K <= 0.2 x 0.52 = 0.104 K at run time 37492 s: the threshold line of
     * the temperature chart is at ambient + 0.104 K = 26.604 C.
     */
    @Test
    void shouldDrawTheTemperatureChartAndItsReturnLevelWhenTheNewareImportWithItsCellProbeIsReported()
        throws Exception {
        final Path neware = dir.resolve("neware.cwrun");
        final CliRun imported = CliRun.run("import", "--output", neware.toString(), "--procedure",
            "pse-app9/external-short-cell@1", Recordings.file(Recordings.NEWARE).toString());
        assertEquals(ExitCode.OK, imported.exit(), imported.toString());

        final String html = report(neware, "--set", "temperature-return.ambient=26.5", "--set",
            "temperature-return.min-rise=0.5");

        final int chart = html.indexOf("<svg class=\"chart chart-t\"");
        assertTrue(chart >= 0, "temperature chart");
        final int end = html.indexOf("</svg>", chart);
        final Matcher line = Pattern.compile("<line class=\"threshold\" data-value=\"26.604\"").matcher(html);
        assertTrue(line.find(), "the return level, ambient + 0.2 x dT peak");
        assertTrue(line.start() > chart && line.start() < end, "the level is drawn in the temperature chart");
        assertTrue(html.substring(chart, end).contains("20 % of dT peak 0.52 K above ambient 26.5 C"), "its label");
        assertTrue(Pattern.compile("<polyline class=\"series t\" points=\"[^\"]+\"").matcher(html.substring(chart,
            end)).find(), "the cell temperature series");
        assertEquals(1, count(html.substring(chart, end), "<g class=\"alert-marker\">"), "the alert on it");

        assertEquals(1, count(html, "<tr class=\"stop\">"), "one stop");
        assertTrue(html.contains("<td class=\"num\">+37492.000 s</td>"), "its run time");
        assertTrue(html.contains("<td class=\"num\">0.08 K</td><td class=\"num\">0.52 K</td><td class=\"num\">"
            + "0.104 K</td><td>PROCEDURE END</td>"), "value, reference (dT peak) and threshold of the stop");
        assertNoExternalReference(html);
    }

    @Test
    void shouldEscapeTextFromTheFileWhenTheChannelNameHoldsMarkup() throws Exception {
        final String html = report(evil);

        assertFalse(html.contains("<script"), "no script element");
        assertFalse(html.contains("<b>SN"), "serial escaped");
        assertFalse(html.contains("<i>"), "lot escaped");
        assertTrue(html.contains("rig&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;/ch&amp;1"), "channel shown");
        assertTrue(html.contains("&lt;b&gt;SN&lt;/b&gt;"));
        assertTrue(html.contains("&quot;lot&quot; &amp; &lt;i&gt;"));
        assertEquals(8, count(html, "<tr class=\"stop\">"));
    }

    @Test
    void shouldRefuseAMissingOutputAndAnExistingFileWithoutForce() throws Exception {
        CliRun run = CliRun.run("report", maccor.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exit());
        assertTrue(run.err().contains("--output"), run.toString());

        final Path html = dir.resolve("exists.html");
        Files.writeString(html, "keep");
        run = CliRun.run("report", maccor.toString(), "--output", html.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exit());
        assertEquals("keep", Files.readString(html));
        run = CliRun.run("report", maccor.toString(), "--output", html.toString(), "--force");
        assertEquals(ExitCode.OK, run.exit(), run.toString());

        run = CliRun.run("report", maccor.toString(), "--output", dir.resolve("x.html").toString(), "--against", "nope");
        assertEquals(ExitCode.BAD_INPUT, run.exit());
        assertTrue(run.err().contains("no alert set 'nope'"), run.toString());

        run = CliRun.run("report", "--help");
        assertEquals(ExitCode.OK, run.exit());
        for (String option : List.of("--output", "--procedure", "--set", "--against", "--force")) {
            assertTrue(run.out().contains(option), option);
        }
    }

    private static void assertNoExternalReference(final String html) {
        final String withoutXmlns = html.replaceAll("xmlns(:[a-z]+)?=\"[^\"]*\"", "");
        assertFalse(withoutXmlns.contains("http://"), "no http:// URL");
        assertFalse(withoutXmlns.contains("https://"), "no https:// URL");
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("<link"), "no stylesheet link");
        assertFalse(html.contains(" src="), "nothing loaded");
    }
}
