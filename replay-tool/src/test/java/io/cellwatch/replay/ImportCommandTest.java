package io.cellwatch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.cellwatch.core.model.MarkType;
import io.cellwatch.replay.runfile.RunFileContents;
import io.cellwatch.replay.send.ReplayClock;

/** {@code import} through the command line: options, reports, exit codes, and what ends up in the run file. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ImportCommandTest {
    private static final String HEADER = "time_s,voltage_v,current_a,cell_temp_c\n";

    @TempDir
    Path dir;

    private Path csv(final String name, final String text) throws Exception {
        final Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void shouldWriteNextToTheInputAndDescribeWhatWasReadWhenNoOutputIsGiven() throws Exception {
        final Path in = csv("cell-17.csv", HEADER + "0.0,4.10,1.0,25\n0.1,4.11,1.0,25\n0.1,4.12,1.0,25\n");

        final CliRun run = CliRun.run("import", "--start-time", "2026-01-01T00:00:00Z", "--lot", "L-1", in.toString());

        assertEquals(ExitCode.OK, run.exit(), run.toString());
        final Path out = dir.resolve("cell-17.cwrun");
        assertTrue(Files.exists(out));
        assertFalse(Files.exists(dir.resolve(".cell-17.cwrun.importing")), "the temporary file is renamed");
        assertTrue(run.out().startsWith("import cell-17.csv (csv, " + Files.size(in) + " bytes) -> " + out + "\n"),
            run.out());
        assertTrue(run.out().contains("  run start 2026-01-01T00:00:00Z: --start-time\n"), run.out());
        assertTrue(run.out().contains("  channel import/cell-17: serial 'cell-17', lot 'L-1', procedure "
            + "cellwatch/monitor@1, cylindrical, 1 Ah\n"), run.out());
        assertTrue(run.out().contains("read 3 samples, 0 unparseable lines\n"), run.out());
        assertTrue(run.out().contains("  first sample, line 2: 2026-01-01T00:00:00Z (run time 0.000 s)  4.1 V  1 A  "
            + "25 C\n"), run.out());
        assertTrue(run.out().contains("  1 duplicate timestamps kept; 0 times going backwards"), run.out());
        assertTrue(run.out().contains("wrote " + out + ": 1 CHANNEL, 1 SAMPLES, 0 MARK records, "), run.out());
        assertEquals("", run.err());
        final RunFileContents r = RunFileContents.read(out);
        assertEquals("L-1", r.channels().get(0).lot());
        assertEquals(3, r.samples().size());
    }

    @Test
    void shouldListUnparseableLinesWithTheirNumbersAndStillWriteTheRest() throws Exception {
        final StringBuilder text = new StringBuilder(HEADER);
        for (int i = 0; i < 14; i++) {
            text.append(i).append(i % 2 == 0 ? ",4.1,1,25\n" : ",four,1,25\n");
        }
        final Path in = csv("bad.csv", text.toString());

        final CliRun run = CliRun.run("import", "--output", dir.resolve("bad.cwrun").toString(), in.toString());

        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.out().contains("read 7 samples, 7 unparseable lines"), run.out());
        assertTrue(run.err().contains("warning: 7 lines of bad.csv could not be parsed and are not in the run file:\n"
            + "  line 3: voltage 'four' is not a number: 1,four,1,25\n"
            + "  line 5: voltage 'four' is not a number: 3,four,1,25\n"), run.err());
        assertEquals(7, RunFileContents.read(dir.resolve("bad.cwrun")).samples().size());
        assertTrue(RunFileContents.read(dir.resolve("bad.cwrun")).notes().get(1)
            .contains("7 unparseable lines (first at line 3: voltage 'four' is not a number)"));
    }

    @Test
    void shouldListTheFirstTenAndCountTheRestWhenManyLinesAreBad() throws Exception {
        final StringBuilder text = new StringBuilder(HEADER + "0,4.1,1,25\n");
        for (int i = 1; i <= 25; i++) {
            text.append(i).append(",4.1,x,25\n");
        }
        final CliRun run = CliRun.run("import", "--output", dir.resolve("many.cwrun").toString(),
            csv("many.csv", text.toString()).toString());
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.err().contains("warning: 25 lines of many.csv could not be parsed and are not in the run file; "
            + "the first 10:"), run.err());
        assertEquals(10, run.err().lines().filter(l -> l.startsWith("  line ")).count(), run.err());
    }

    @Test
    void shouldStopAtTheFirstBadLineAndWriteNothingWhenStrict() throws Exception {
        final Path in = csv("bad.csv", HEADER + "0,4.1,1,25\n1,4.1,1,warm\n2,4.1,1,25\n");
        final Path out = dir.resolve("bad.cwrun");

        final CliRun run = CliRun.run("import", "--strict", "--output", out.toString(), in.toString());

        assertEquals(ExitCode.BAD_INPUT, run.exit(), run.toString());
        assertTrue(run.err().contains("import failed: bad.csv line 3: 'warm' is not a number (--strict: stopped at the "
            + "first unparseable line)"), run.err());
        assertTrue(run.err().contains("nothing written"), run.err());
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(in), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void shouldInsertMarksBeforeTheFirstSampleAtOrAfterTheirTime() throws Exception {
        final Path in = csv("press.csv", HEADER + "0,4.0,0,25\n1,4.0,0,25\n2,3.99,0,25\n3,3.95,0,25\n");
        final Path out = dir.resolve("press.cwrun");

        final CliRun run = CliRun.run("import", "--output", out.toString(), "--start-time", "2026-01-01T00:00:00Z",
            "--mark", "PRESS_START@1.5", "--mark=test_end@99", "--mark", "3@0", "--procedure",
            "pse-app9/forced-internal-short@1", "--cell-form", "prismatic", in.toString());

        assertEquals(ExitCode.OK, run.exit(), run.toString());
        final RunFileContents r = RunFileContents.read(out);
        final long t0 = 1_767_225_600_000_000L;
        assertEquals(3, r.marks().size());
        assertEquals(List.of((long) MarkType.SHORT_APPLIED, t0, 0L), List.of(r.marks().get(0)[0], r.marks().get(0)[1],
            r.marks().get(0)[2]));
        assertEquals(List.of((long) MarkType.PRESS_START, t0 + 1_500_000L, 2L), List.of(r.marks().get(1)[0],
            r.marks().get(1)[1], r.marks().get(1)[2]), "before the sample at 2 s");
        assertEquals(List.of((long) MarkType.TEST_END, t0 + 99_000_000L, 4L), List.of(r.marks().get(2)[0],
            r.marks().get(2)[1], r.marks().get(2)[2]), "after the last sample");
        assertEquals(List.of(2, 2), r.framesPerRecord(), "frames are cut at the mark");
        assertTrue(run.out().contains("wrote " + out + ": 1 CHANNEL, 2 SAMPLES, 3 MARK records"), run.out());
    }

    @Test
    void shouldShiftRowsAfterARestartAndWarnWithTheLineWhenTimeGoesBackwards() throws Exception {
        final Path in = csv("restart.csv", HEADER + "0,4,1,25\n10,4,1,25\n0,4,1,25\n5,4,1,25\n");
        final CliRun run = CliRun.run("import", "--output", dir.resolve("r.cwrun").toString(), "--start-time",
            "2026-01-01T00:00:00Z", in.toString());
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.err().contains("warning: restart.csv line 4: time goes back from 10.000 s to 0.000 s; sent at "
            + "run time 10.000 s, later rows keep their spacing"), run.err());
        final RunFileContents r = RunFileContents.read(dir.resolve("r.cwrun"));
        assertEquals(List.of(0L, 10L, 10L, 15L), r.samples().stream()
            .map(s -> (s.micros() - 1_767_225_600_000_000L) / 1_000_000L).toList());
    }

    @Test
    void shouldRefuseToOverwriteUnlessForcedAndToImportARunFile() throws Exception {
        final Path in = csv("a.csv", HEADER + "0,4.1,1,25\n");
        final Path out = dir.resolve("a.cwrun");
        assertEquals(ExitCode.OK, CliRun.run("import", in.toString()).exit());

        final CliRun again = CliRun.run("import", in.toString());
        assertEquals(ExitCode.BAD_INPUT, again.exit());
        assertTrue(again.err().contains("the output " + out + " exists; give --force"), again.err());
        assertEquals(ExitCode.OK, CliRun.run("import", "--force", in.toString()).exit());

        final CliRun runFile = CliRun.run("import", "--output", dir.resolve("b.cwrun").toString(), out.toString());
        assertEquals(ExitCode.BAD_INPUT, runFile.exit());
        assertTrue(runFile.err().contains("is already a run file"), runFile.err());
    }

    @Test
    void shouldExit2WithAReasonWhenTheFormatOrAnOptionIsWrong() throws Exception {
        final Path notes = csv("notes.txt", "hello\nworld\n");
        final CliRun unknown = CliRun.run("import", notes.toString());
        assertEquals(ExitCode.BAD_INPUT, unknown.exit());
        assertTrue(unknown.err().contains("cannot tell the format of notes.txt from its first lines; give --format "
            + "arbin|maccor|biologic|neware|novonix|csv"), unknown.err());

        final Path maccor = Recordings.file(Recordings.MACCOR);
        assertTrue(CliRun.run("import", "--map", "time=a,voltage=b,current=c", "--format", "maccor",
            maccor.toString()).err().contains("--map only apply to --format csv, not maccor"));
        assertTrue(CliRun.run("import", "--time-unit", "h", "--output", dir.resolve("x.cwrun").toString(),
            maccor.toString()).err().contains("--time-unit only apply to --format csv, and xTESLADIAG_000038con.078 "
            + "was recognised as maccor"));
        assertTrue(CliRun.run("import", "--format", "excel", "x.csv").err().contains("--format 'excel': expected "));
        assertTrue(CliRun.run("import", "--mark", "PRESS@1", "x.csv").err().contains("--mark 'PRESS'"));
        assertTrue(CliRun.run("import", "--mark", "PRESS_START", "x.csv").err()
            .contains("--mark 'PRESS_START': expected TYPE@SECONDS"));
        assertTrue(CliRun.run("import", "--zone", "Mars/Base", "x.csv").err().contains("--zone 'Mars/Base'"));
        assertTrue(CliRun.run("import", "--map", "time=a", "x.csv").err().contains("--map: no column for 'voltage'"));
        assertTrue(CliRun.run("import", "--procedure", "pse-app9/nope@1", "x.csv").err()
            .contains("unknown test procedure 'pse-app9/nope@1'"));
        assertTrue(CliRun.run("import", "--override", "upper-charge-voltage.limit=abc", "x.csv").err()
            .contains("--override 'upper-charge-voltage.limit=abc': rule parameter"));
        assertTrue(CliRun.run("import", "--current-scale", "0", "x.csv").err()
            .contains("--current-scale must not be 0"));
        assertTrue(CliRun.run("import", dir.resolve("missing.csv").toString()).err().contains("no such file"));

        final CliRun empty = CliRun.run("import", "--output", dir.resolve("e.cwrun").toString(),
            csv("empty.csv", HEADER).toString());
        assertEquals(ExitCode.BAD_INPUT, empty.exit());
        assertTrue(empty.err().contains("import failed: empty.csv: no samples in the file"), empty.err());

        final CliRun missing = CliRun.run("import", "--format", "csv", "--map",
            "time=Test_Time(s),voltage=Voltage(V),current=Current(A)", "--output", dir.resolve("m.cwrun").toString(),
            Recordings.file(Recordings.ARBIN).toString());
        assertEquals(ExitCode.BAD_INPUT, missing.exit());
        assertTrue(missing.err().contains("no header line naming the time column 'Test_Time(s)' and the voltage column "
            + "'Voltage(V)'"), missing.err());
    }

    @Test
    void shouldDeclareTheOptionsOverridesAndAmbientWithTheChannel() throws Exception {
        final Path in = csv("o.csv", HEADER + "0,4.1,1,25\n");
        final CliRun run = CliRun.run("import", "--channel", "press-01/ch03", "--rig", "press-01", "--serial", "SN-9",
            "--procedure", "pse-app9/external-short-cell", "--capacity-ah", "2.5", "--ambient", "55",
            "--override", "temperature-return.fraction=0.8", "--override", "voltage-drop.enabled=true",
            in.toString());
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        final var d = RunFileContents.read(dir.resolve("o.cwrun")).channels().get(0);
        assertEquals("press-01/ch03", d.channelId());
        assertEquals("SN-9", d.cellSerial());
        assertEquals("pse-app9/external-short-cell", d.procedureId());
        assertEquals(1, d.procedureVersion());
        assertEquals(2.5, d.ratedCapacityAh());
        assertEquals(java.util.Map.of("temperature-return.ambient", 55.0, "temperature-return.fraction", 0.8,
            "voltage-drop.enabled", 1.0), d.overrides());
    }

    @Test
    void shouldPrintProgressWhileALongFileIsRead() {
        // Each look at the clock moves it 3 s on: every progress check prints (one per 4096 lines).
        final ReplayClock clock = new ReplayClock() {
            private long now;

            @Override
            public long nanoTime() {
                now += 3_000_000_000L;
                return now;
            }

            @Override
            public void sleepNanos(final long nanos) {
                now += nanos;
            }
        };
        final CliRun run = CliRun.run(clock, "import", "--output", dir.resolve("b.cwrun").toString(),
            Recordings.file(Recordings.BIOLOGIC).toString());
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        final List<String> progress = run.out().lines().filter(l -> l.startsWith("progress ")).toList();
        assertEquals(2, progress.size(), run.out());
        assertTrue(progress.get(0).matches("progress 3\\.0 s: \\d+% of 2914\\.6 kB read, line 4097, 4095 samples, "
            + "0 unparseable lines, \\d+ samples/s"), progress.get(0));
    }

    @Test
    void shouldListEveryOptionWhenHelpIsAsked() {
        final CliRun help = CliRun.run("import", "--help");
        assertEquals(ExitCode.OK, help.exit());
        assertTrue(help.out().startsWith("usage: import [OPTIONS] FILE"), help.out());
        for (String option : ImportArguments.SPEC.names()) {
            assertTrue(help.out().contains("--" + option), "help lists --" + option);
        }
    }
}
