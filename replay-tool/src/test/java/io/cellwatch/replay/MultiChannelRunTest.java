package io.cellwatch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.replay.evaluate.EvaluationResult;
import io.cellwatch.replay.evaluate.RunEvaluator;
import io.cellwatch.replay.runfile.RunFileReader;

/** {@code evaluate} and {@code report} on a run file holding two channels of two rigs ({@link MultiChannelRuns}). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MultiChannelRunTest {
    @TempDir
    Path dir;

    private static EvaluationResult evaluate(final Path file) throws Exception {
        try (RunFileReader reader = RunFileReader.open(file)) {
            return new RunEvaluator(ProcedureLibrary.builtIn(), RunEvaluator.Settings.asDeclared()).evaluate(reader);
        }
    }

    @Test
    void shouldEvaluateEachChannelOnItsOwnWithTheAlertIdsOfASingleChannelFile() throws Exception {
        final Path file = MultiChannelRuns.write(dir.resolve("two.cwrun"));

        final EvaluationResult r = evaluate(file);

        assertEquals(List.of("rigA/ch01", "rigB/ch01"), r.channels().stream().map(c -> c.channelId()).toList());
        assertEquals(List.of(60L, 60L), r.channels().stream().map(c -> c.samples()).toList());
        final List<Alert> stops = r.alerts().stream().filter(a -> a.rule().equals("upper-charge-voltage")).toList();
        assertEquals(2, stops.size(), r.alerts().toString());
        final Alert a = stops.get(0); // both in the last batch; rigA's arrives first
        final Alert b = stops.get(1);
        assertEquals("rigB/ch01", b.channelId());
        assertEquals(MultiChannelRuns.T0 + 42 * 100_000L, b.sampleTimeMicros());
        assertEquals("SN-B", b.cellSerial());
        assertEquals("rigB", b.rigId());
        assertEquals("rigA/ch01", a.channelId());
        assertEquals(MultiChannelRuns.T0 + 48 * 100_000L, a.sampleTimeMicros());

        // rigB's channel alone (its frames only, as 'record --channel rigB/ch01' would write it): the same alert.
        final Path alone = dir.resolve("b.cwrun");
        try (var w = io.cellwatch.replay.runfile.RunFileWriter.create(alone, MultiChannelRuns.T0);
             RunFileReader reader = RunFileReader.open(file)) {
            reader.readAll(new io.cellwatch.replay.runfile.RunFileVisitor() {
                @Override
                public void frame(final io.cellwatch.replay.runfile.FrameRecord f) {
                    if (f.rigId().equals("rigB")) {
                        try {
                            w.frame(f.receivedAtMicros(), f.rigId(), f.buffer(), f.frameOffset(), f.frameLength());
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
            });
        }
        assertEquals(r.alerts().stream().filter(x -> x.channelId().equals("rigB/ch01")).toList(),
            evaluate(alone).alerts());
    }

    @Test
    void shouldPrintAlertsAndTheDifferencePerChannelWhenTheFileHoldsSeveral() throws Exception {
        final Path file = MultiChannelRuns.write(dir.resolve("two.cwrun"));
        assertEquals(ExitCode.OK, CliRun.run("evaluate", file.toString(), "--write-alerts", "base").exit());

        final CliRun run = CliRun.run("evaluate", file.toString(), "--set", "upper-charge-voltage.limit=4.285");

        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.out().contains("evaluate two.cwrun: 2 channels, 120 samples, 1 marks"), run.toString());
        assertTrue(run.out().contains("\n  channel rigA/ch01: 0 alerts\n  channel rigB/ch01: 1 alert\n"),
            run.toString());
        assertTrue(run.out().contains("compared with alert set 'base' (evaluation: declared procedures, 2 alerts): "
            + "0 added, 1 removed, 0 earlier, 1 later, 0 unchanged"), run.toString());
        assertTrue(run.out().contains("  channel rigA/ch01: 0 added, 1 removed, 0 earlier, 0 later, 0 unchanged\n"
            + "    removed  upper-charge-voltage  channel rigA/ch01  +4.800 s"), run.toString());
        assertTrue(run.out().contains("  channel rigB/ch01: 0 added, 0 removed, 0 earlier, 1 later, 0 unchanged\n"
            + "    later    upper-charge-voltage  channel rigB/ch01  +4.200 s"), run.toString());
        assertTrue(run.out().contains("(1.400 s later)"), run.toString());
    }

    @Test
    void shouldWriteOneSectionPerChannelWithItsStopsAndDifference() throws Exception {
        final Path file = MultiChannelRuns.write(dir.resolve("two.cwrun"));
        assertEquals(ExitCode.OK, CliRun.run("evaluate", file.toString(), "--write-alerts", "base").exit());
        final Path html = dir.resolve("two.html");

        final CliRun run = CliRun.run("report", file.toString(), "--output", html.toString(), "--set",
            "upper-charge-voltage.limit=4.285");

        assertEquals(ExitCode.OK, run.exit(), run.toString());
        final String page = Files.readString(html);
        assertTrue(page.contains("<h2>Channels</h2>"), "summary");
        assertTrue(page.contains("<td>0 added, 1 removed, 0 earlier, 0 later, 0 unchanged</td>"), "rigA's row");
        assertTrue(page.contains("<td>0 added, 0 removed, 0 earlier, 1 later, 0 unchanged</td>"), "rigB's row");
        final int a = page.indexOf("<h2 id=\"channel-rigA_2fch01\">Channel rigA/ch01</h2>");
        final int b = page.indexOf("<h2 id=\"channel-rigB_2fch01\">Channel rigB/ch01</h2>");
        assertTrue(a > 0 && b > a, "a section per channel in file order");
        final String sectionA = page.substring(a, b);
        final String sectionB = page.substring(b);
        assertTrue(sectionA.contains("<h3>Stops on rigA/ch01</h3>\n<p>No alerts"), sectionA);
        assertTrue(sectionA.contains("<h3>Difference</h3>"), sectionA);
        assertTrue(sectionA.contains("<tr class=\"removed\">"), sectionA);
        assertTrue(sectionB.contains("<h3>Stops on rigB/ch01</h3>"), "rigB's stops");
        assertEquals(1, count(sectionB, "<tr class=\"stop\">"), "one stop on rigB");
        assertTrue(sectionB.contains("<tr class=\"later\">"), "rigB's difference");
        assertEquals(6, count(page, "<svg"), "voltage, current and temperature charts of each channel");
    }

    @Test
    void shouldDescribeSeveralChannelsInTheHelpOfEveryCommandThatHandlesThem() {
        assertTrue(CliRun.run("evaluate", "--help").out().contains("A file with several channels (record --rig or "
            + "--lot)"));
        assertTrue(CliRun.run("report", "--help").out().contains("A file with several\nchannels gets a table"));
        final String replay = CliRun.run("replay", "--help").out();
        assertTrue(replay.contains("--retarget"), replay);
        assertTrue(replay.contains("A file with several channels (record --rig/--lot) is replayed whole"), replay);
        final String record = CliRun.run("record", "--help").out();
        assertTrue(record.contains("Selection: give at least one of --channel, --rig, --lot, --serial"), record);
    }

    private static int count(final String s, final String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
