package io.cellwatch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.replay.evaluate.EvaluationResult;
import io.cellwatch.replay.evaluate.RunEvaluator;
import io.cellwatch.replay.runfile.RunFileContents;
import io.cellwatch.replay.runfile.RunFileReader;

/**
 * {@code evaluate} on the Maccor recording imported as a run file: the alerts of the overcharge-protection procedure,
 * the what-if with a 4.35 V limit and the difference, through the command line.
 *
 * <p>Expected figures, derived from the file without CellWatch (telemetry-core's RealRecordingVerdictTest and
 * {@code testdata/recordings/derive_expected.py}): 8 cycles charge to 4.30 V and each crosses 4.25 V once, first on
 * line 98 at Test (Sec) 1469.17 with 4.25429160 V, then at 9598.61, 17787.16, 25967.23, 34137.63, 42254.85, 50369.16
 * and 58444.81 s; the highest voltage of the file is 4.30014496 V, below 4.35 V.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EvaluateCommandTest {
    private static final String OVERCHARGE = "pse-app9/overcharge-protection@1";
    private static final long START = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse("2019-08-15T16:37:02Z"));
    private static final List<Double> CROSSINGS = List.of(1469.17, 9598.61, 17787.16, 25967.23, 34137.63, 42254.85,
        50369.16, 58444.81);

    @TempDir
    static Path shared;
    private static Path maccor;

    @TempDir
    Path dir;

    @BeforeAll
    static void importMaccor() {
        maccor = shared.resolve("maccor.cwrun");
        final CliRun run = CliRun.run("import", "--output", maccor.toString(),
            Recordings.file(Recordings.MACCOR).toString());
        assertEquals(ExitCode.OK, run.exit(), run.toString());
    }

    /** A copy of the imported file, so each test can append to its own. */
    private Path copy() throws Exception {
        final Path f = dir.resolve("maccor.cwrun");
        Files.copy(maccor, f);
        return f;
    }

    private static EvaluationResult evaluate(final Path file, final RunEvaluator.Settings settings) throws Exception {
        try (RunFileReader reader = RunFileReader.open(file)) {
            return new RunEvaluator(ProcedureLibrary.builtIn(), settings).evaluate(reader);
        }
    }

    @Test
    void shouldRaiseEightUpperChargeVoltageAlertsWhenTheMaccorImportIsEvaluatedWithOverchargeProtection()
        throws Exception {
        final EvaluationResult r = evaluate(maccor, new RunEvaluator.Settings("pse-app9/overcharge-protection", 1,
            java.util.Map.of(), 0));

        final List<Alert> upper = r.alerts().stream().filter(a -> a.rule().equals(UpperChargeVoltageRule.ID)).toList();
        assertEquals(8, upper.size());
        assertEquals(8, r.alerts().size(), "nothing else: no silence check on an import, voltages plausible");
        final Alert first = upper.get(0);
        assertEquals(1_469_170_000L, first.sampleTimeMicros() - r.channels().get(0).firstMicros(), "after the start");
        assertEquals(START + 1_469_170_000L, first.sampleTimeMicros());
        assertEquals(4.2542916, first.value(), 1e-6); // the f32 reading of 4.25429160, rounded to 1 uV
        assertEquals(4.25, first.threshold());
        assertEquals("over-limit", first.trigger());
        assertEquals(CROSSINGS, upper.stream().map(a -> (a.sampleTimeMicros() - START) / 1e6).toList());
    }

    @Test
    void shouldListEightRemovedAlertsWhenTheLimitIsRaisedTo435VAgainstTheWrittenEvaluation() throws Exception {
        final Path f = copy();
        final CliRun declared = CliRun.run("evaluate", "--procedure", OVERCHARGE, "--write-alerts", "as-declared",
            f.toString());
        assertEquals(ExitCode.OK, declared.exit(), declared.toString());
        assertTrue(declared.out().contains("alerts: 8\n"), declared.out());
        assertTrue(declared.out().contains("  +1469.170 s  2019-08-15T17:01:31.170Z  upper-charge-voltage  over-limit  "
            + "value 4.254292 V  reference -  threshold 4.25 V  [SAFETY STOP]  channel import/xTESLADIAG_000038con  "
            + "alert "), declared.out());
        assertTrue(declared.out().contains("      upper charge voltage exceeded: 4.254292 V > 4.25 V; stop charging"),
            declared.out());
        assertTrue(declared.out().contains("no alerts stored in the file to compare with"), declared.out());
        assertTrue(declared.out().contains("wrote alert set 'as-declared' (8 alerts)"), declared.out());

        final CliRun whatIf = CliRun.run("evaluate", "--procedure", OVERCHARGE, "--set",
            "upper-charge-voltage.limit=4.35", f.toString());

        assertEquals(ExitCode.OK, whatIf.exit(), whatIf.toString());
        assertTrue(whatIf.out().contains("parameters: upper-charge-voltage limit 4.35 V"), whatIf.out());
        assertTrue(whatIf.out().contains("alerts: 0\n"), whatIf.out());
        assertTrue(whatIf.out().contains("compared with alert set 'as-declared' (evaluation: procedure "
            + OVERCHARGE + ", 8 alerts): 0 added, 8 removed, 0 earlier, 0 later, 0 unchanged"), whatIf.out());
        final List<String> removed = Arrays.stream(whatIf.out().split("\n"))
            .filter(l -> l.startsWith("  removed  upper-charge-voltage  channel import/xTESLADIAG_000038con  ")).toList();
        assertEquals(8, removed.size(), whatIf.out());
        assertEquals("  removed  upper-charge-voltage  channel import/xTESLADIAG_000038con  +1469.170 s "
            + "2019-08-15T17:01:31.170Z 4.254292 V  (no longer raised)", removed.get(0));
        assertTrue(removed.get(7).contains("+58444.810 s"), removed.get(7));
        assertEquals("", whatIf.err());
    }

    @Test
    void shouldWriteTheSameAlertsWithTheSameIdsWhenEvaluatedTwice() throws Exception {
        final Path f = copy();
        final CliRun one = CliRun.run("evaluate", "--procedure", OVERCHARGE, "--write-alerts", "one", f.toString());
        final CliRun two = CliRun.run("evaluate", "--procedure", OVERCHARGE, "--write-alerts", "two", f.toString());
        assertEquals(ExitCode.OK, two.exit(), two.toString());
        assertTrue(two.out().contains("compared with alert set 'one' (evaluation: procedure " + OVERCHARGE
            + ", 8 alerts): 0 added, 0 removed, 0 earlier, 0 later, 8 unchanged"), two.out());

        final List<Alert> stored = RunFileContents.read(f).alerts();
        assertEquals(16, stored.size());
        assertEquals(stored.subList(0, 8), stored.subList(8, 16), "same alerts, ids and detection times");
        assertEquals(evaluate(f, new RunEvaluator.Settings("pse-app9/overcharge-protection", 1, java.util.Map.of(), 0))
            .alerts(), stored.subList(0, 8));
        assertTrue(one.out().replace("'one'", "'x'").contains("alerts: 8"));
    }

    @Test
    void shouldShowAlertsMovedLaterWhenTheLimitIsRaisedALittle() throws Exception {
        final Path f = copy();
        assertEquals(ExitCode.OK, CliRun.run("evaluate", "--procedure", OVERCHARGE, "--write-alerts", "base",
            f.toString()).exit());
        final CliRun later = CliRun.run("evaluate", "--procedure", OVERCHARGE, "--set",
            "upper-charge-voltage.limit=4.252", "--against", "base", f.toString());
        assertEquals(ExitCode.OK, later.exit(), later.toString());
        // derive_expected.upper(maccor(), 4.252): cycles 1, 2 and 5 crossed 4.25 V above 4.252 V already (lines 98,
        // 598, 2097: unchanged); the other five cross 4.252 V a sample later, e.g. line 1099 at 17813.84 s with
        // 4.25635157 V instead of line 1098 at 17787.16 s with 4.2512398 V.
        assertTrue(later.out().contains("(evaluation: procedure " + OVERCHARGE + ", 8 alerts): 0 added, 0 removed, "
            + "0 earlier, 5 later, 3 unchanged"), later.out());
        assertTrue(later.out().contains("  later    upper-charge-voltage  channel import/xTESLADIAG_000038con  "
            + "+17787.160 s 2019-08-15T21:33:29.160Z 4.25124 V -> +17813.840 s 2019-08-15T21:33:55.840Z 4.256351 V  "
            + "(26.680 s later)"), later.out());
    }

    @Test
    void shouldShowAlertsMovedEarlierWhenTheLimitIsLoweredAgainstAHigherOne() throws Exception {
        final Path f = copy();
        assertEquals(ExitCode.OK, CliRun.run("evaluate", "--procedure", OVERCHARGE, "--set",
            "upper-charge-voltage.limit=4.252", "--write-alerts", "high", f.toString()).exit());
        final CliRun earlier = CliRun.run("evaluate", "--procedure", OVERCHARGE, "--against", "high", f.toString());
        assertEquals(ExitCode.OK, earlier.exit(), earlier.toString());
        // The reverse of shouldShowAlertsMovedLaterWhenTheLimitIsRaisedALittle: the five cycles whose first sample
        // above 4.25 V is not above 4.252 V stop one sample earlier at 4.25 V.
        assertTrue(earlier.out().contains("compared with alert set 'high'"), earlier.out());
        assertTrue(earlier.out().contains(": 0 added, 0 removed, 5 earlier, 0 later, 3 unchanged"), earlier.out());
        assertTrue(earlier.out().contains("  earlier  upper-charge-voltage  channel import/xTESLADIAG_000038con  "
            + "+17813.840 s 2019-08-15T21:33:55.840Z 4.256351 V -> +17787.160 s 2019-08-15T21:33:29.160Z 4.25124 V  "
            + "(26.680 s earlier)"), earlier.out());
    }

    /*
     * Another version of one procedure: ort/cycling@2 differs from @1 only in the rest-drop window (60 s instead of
     * 1 s) and settle (120 s instead of 2 s). On the Neware export with a -100 mV step injected into the rest after
     * the first discharge (lines 400..423; telemetry-core's RealRecordingVerdictTest derives it: line 399 reads
     * 4.1455 V at 00:54:13, line 400 4.1460 V at 00:54:15, so 4.0460 V after the step), @1 cannot see the fall
     * between two samples 2 s apart and @2 stops the cell at line 400 (run time 3255 s). The upper-charge-voltage
     * part is the same in both versions: the 20 charges above 4.25 V are unchanged.
     */
    @Test
    void shouldShowTheRestDropAddedWhenTheNewerProcedureVersionIsEvaluatedAgainstTheOlder() throws Exception {
        final List<String> lines = Files.readAllLines(Recordings.file(Recordings.NEWARE), StandardCharsets.UTF_8);
        for (int line = 400; line <= 423; line++) {
            final String[] cells = lines.get(line - 1).split(",", -1);
            assertTrue(cells[0].isEmpty() && cells[1].isEmpty(), "a record row: " + lines.get(line - 1));
            cells[6] = String.format(Locale.ROOT, "%.4f", Double.parseDouble(cells[6]) - 0.100);
            lines.set(line - 1, String.join(",", cells));
        }
        final Path csv = dir.resolve("neware-step.csv");
        Files.write(csv, lines, StandardCharsets.UTF_8);
        final Path f = dir.resolve("neware-step.cwrun");
        final CliRun imported = CliRun.run("import", "--output", f.toString(), "--procedure", "ort/cycling@1",
            csv.toString());
        assertEquals(ExitCode.OK, imported.exit(), imported.toString());

        final CliRun v1 = CliRun.run("evaluate", "--write-alerts", "v1", f.toString());
        assertEquals(ExitCode.OK, v1.exit(), v1.toString());
        assertTrue(v1.out().contains("alerts: 20"), "20 upper-charge-voltage stops, no rest drop: " + v1.out());

        final CliRun v2 = CliRun.run("evaluate", "--procedure", "ort/cycling@2", "--against", "v1", f.toString());
        assertEquals(ExitCode.OK, v2.exit(), v2.toString());
        assertTrue(v2.out().contains("evaluated with ort/cycling@2"), v2.out());
        assertTrue(v2.out().contains("1 added, 0 removed, 0 earlier, 0 later, 20 unchanged"), v2.out());
        assertTrue(v2.out().contains("  added    voltage-drop  channel import/neware-step  +3255.000 s "), v2.out());
        assertTrue(v2.out().contains(" 4.046 V  (new)"), v2.out());
    }

    @Test
    void shouldExit2WhenTheLabelExistsTheSetIsUnknownOrAnOptionIsBad() throws Exception {
        final Path f = copy();
        assertEquals(ExitCode.OK, CliRun.run("evaluate", "--write-alerts", "x", f.toString()).exit());

        final CliRun twice = CliRun.run("evaluate", "--write-alerts", "x", f.toString());
        assertEquals(ExitCode.BAD_INPUT, twice.exit());
        assertTrue(twice.err().contains("the file already has an alert set 'x'; choose another label (it has: x)"),
            twice.err());

        final CliRun against = CliRun.run("evaluate", "--against", "live", f.toString());
        assertEquals(ExitCode.BAD_INPUT, against.exit());
        assertTrue(against.err().contains("the file has no alert set 'live' (it has: x)"), against.err());

        final CliRun set = CliRun.run("evaluate", "--set", "upper-charge-voltage.limt=4.3", f.toString());
        assertEquals(ExitCode.BAD_INPUT, set.exit());
        assertTrue(set.err().startsWith("evaluate: unknown rule parameter 'upper-charge-voltage.limt'; known: "),
            set.err());
        // The example 'drop.threshold' is no alias (the only alias is the protocol's upperChargeVoltage):
        // the message names the valid keys, the rule's full name among them.
        final CliRun shortName = CliRun.run("evaluate", "--set", "drop.threshold=0.040", f.toString());
        assertEquals(ExitCode.BAD_INPUT, shortName.exit());
        assertTrue(shortName.err().startsWith("evaluate: unknown rule parameter 'drop.threshold'; known: "),
            shortName.err());
        assertTrue(shortName.err().contains("voltage-drop.threshold"), shortName.err());
        final CliRun value = CliRun.run("evaluate", "--set", "upper-charge-voltage.limit=high", f.toString());
        assertTrue(value.err().contains("rule parameter 'upper-charge-voltage.limit' = 'high': not a number"),
            value.err());
        final CliRun procedure = CliRun.run("evaluate", "--procedure", "pse-app9/overcharge@1", f.toString());
        assertEquals(ExitCode.BAD_INPUT, procedure.exit());
        assertTrue(procedure.err().contains("unknown test procedure 'pse-app9/overcharge@1'; known: "),
            procedure.err());
        final CliRun invalid = CliRun.run("evaluate", "--set", "upper-charge-voltage.hysteresis=9", f.toString());
        assertEquals(ExitCode.BAD_INPUT, invalid.exit());
        assertTrue(invalid.err().contains("cannot be evaluated with"), invalid.err());

        final Path csv = dir.resolve("run.csv");
        Files.writeString(csv, "time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1,25\n");
        final CliRun notRunFile = CliRun.run("evaluate", csv.toString());
        assertEquals(ExitCode.BAD_INPUT, notRunFile.exit());
        assertTrue(notRunFile.err().contains("bad run file: run.csv: not a CellWatch run file"), notRunFile.err());
        assertEquals(ExitCode.BAD_INPUT, CliRun.run("evaluate", dir.resolve("none.cwrun").toString()).exit());
        assertEquals(ExitCode.BAD_INPUT, CliRun.run("evaluate").exit());
    }

    @Test
    void shouldEvaluateTheRecordsBeforeAndWarnWhenTheFileEndsInAnIncompleteRecord() throws Exception {
        final Path f = copy();
        final byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 100)); // into the last record: the import summary note

        final CliRun run = CliRun.run("evaluate", "--procedure", OVERCHARGE, "--write-alerts", "after-cut",
            f.toString());

        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.out().contains("alerts: 8"), run.out());
        assertTrue(run.err().contains("warning: maccor.cwrun: the last record is incomplete"), run.err());
        assertTrue(run.err().contains("removed the incomplete last record"), run.err());
        final RunFileContents after = RunFileContents.read(f);
        assertTrue(after.tail().isComplete());
        assertEquals(8, after.alerts().size());
    }

    @Test
    void shouldListEveryOptionAndParameterNameWhenHelpIsAsked() {
        final CliRun help = CliRun.run("evaluate", "--help");
        assertEquals(ExitCode.OK, help.exit());
        assertTrue(help.out().startsWith("usage: evaluate [OPTIONS] RUN.cwrun"), help.out());
        for (String option : EvaluateCommand.SPEC.names()) {
            assertTrue(help.out().contains("--" + option), "help lists --" + option);
        }
        assertTrue(help.out().contains("voltage-drop.threshold"), help.out());
        assertTrue(help.out().contains("--set NAME=VALUE"), help.out());
        assertTrue(help.out().contains("(repeatable)"), help.out());
    }
}
