package io.cellwatch.replay.imports;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.replay.CliRun;
import io.cellwatch.replay.Recordings;
import io.cellwatch.replay.runfile.RunFileContents;
import io.cellwatch.replay.runfile.RunFileContents.Sample;

/**
 * {@code import} on the five real recordings in {@code testdata/recordings/}, through the command line, format
 * recognised from the content. Every expected figure was read off the files by hand (the awk lines in
 * telemetry-core's {@code RealRecordingReadersTest} and {@code testdata/recordings/derive_expected.py}), not taken
 * from the importers. Values are compared as the f32 a SAMPLES frame carries.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RealRecordingImportTest {
    private static final String ARBIN = Recordings.ARBIN;
    private static final String MACCOR = Recordings.MACCOR;
    private static final String BIOLOGIC = Recordings.BIOLOGIC;
    private static final String NEWARE = Recordings.NEWARE;
    private static final String NOVONIX = Recordings.NOVONIX;

    @TempDir
    Path dir;

    private static Path recording(final String name) {
        return Recordings.file(name);
    }

    static long utc(final String isoLocal) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(isoLocal + "Z"));
    }

    private int imports;

    private RunFileContents importFile(final String name, final String... options) throws Exception {
        final Path out = dir.resolve(name + "-" + ++imports + ".cwrun");
        final String[] args = new String[options.length + 4];
        args[0] = "import";
        System.arraycopy(options, 0, args, 1, options.length);
        args[options.length + 1] = "--output";
        args[options.length + 2] = out.toString();
        args[options.length + 3] = recording(name).toString();
        final CliRun run = CliRun.run(args);
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("read "), run.toString());
        assertTrue(run.out().contains(", 0 unparseable lines"), "every line of the real file parses:\n" + run);
        assertEquals("", run.err(), run.toString());
        return RunFileContents.read(out);
    }

    private static void assertSample(final Sample s, final long micros, final double volts, final double amps,
                                     final double celsius) {
        assertAll(
            () -> assertEquals(micros, s.micros(), "time"),
            () -> assertEquals((float) volts, s.voltage(), "voltage"),
            () -> assertEquals((float) amps, s.current(), "current"),
            () -> assertEquals((float) celsius, s.cellTemperature(), "cell temperature"),
            () -> assertTrue(Float.isNaN(s.ambient()), "no ambient"),
            () -> assertTrue(Float.isNaN(s.force()), "no force"));
    }

    @Test
    void shouldImportArbinWithEpochSecondsAsRigTimeAndTheSerialFromTheMetadataFile() throws Exception {
        final RunFileContents r = importFile(ARBIN);

        // 288 lines - 1 header; line 2: DateTime 1494377253.17, Current 6.600444793701172, Voltage 3.298668384552002,
        // Temperature 25.174373626708984; line 288: 1494378276.0613 (17 min later).
        assertEquals(287, r.samples().size());
        assertSample(r.first(), 1_494_377_253_170_000L, 3.298668384552002, 6.600444793701172, 25.174373626708984);
        assertSample(r.last(), 1_494_378_276_061_300L, 3.4119858741760254, 1.1000289916992188, 25.446468353271484);
        // One charge: awk -F, 'NR>1 && $7<0' finds no negative current. Arbin repeats a point 0.1 ms later when only
        // the temperature changed; no two rows share a time exactly.
        assertTrue(r.samples().stream().allMatch(s -> s.current() >= 0));
        assertEquals(0, r.duplicateTimestamps());
        final ChannelDeclaration d = r.channels().get(0);
        assertEquals("EL150800460659", d.cellSerial(), "Item_ID of the _Metadata.csv next to the export");
        assertEquals("import/2017-05-09_test-TC-contact_CH33", d.channelId());
        assertEquals("cellwatch/monitor", d.procedureId());
        assertTrue(r.tail().isComplete());
        assertTrue(r.notes().get(0).startsWith("import: imported from " + ARBIN + " (54620 bytes) as arbin"),
            r.notes().toString());
        assertTrue(r.notes().get(1).contains("287 samples, 0 unparseable lines"), r.notes().toString());
    }

    @Test
    void shouldImportMaccorAfterItsTitleLineWithDischargeNegativeAndTheStartFromDptTime() throws Exception {
        final RunFileContents r = importFile(MACCOR, "--serial", "SN-0042", "--procedure",
            "pse-app9/overcharge-protection@1");

        // 3875 lines - title - header = 3873. Test (Sec) is elapsed time; the first DPt Time, 08/15/2019 16:37:02,
        // is the start. Line 3: 0 s, 3.71076524 V at rest; line 3875: 63123.6 s, 3.19478141 V.
        final long start = utc("2019-08-15T16:37:02");
        assertEquals(3873, r.samples().size());
        assertSample(r.first(), start, 3.71076524, 0.0, Double.NaN);
        assertSample(r.last(), start + 63_123_600_000L, 3.19478141, 0.0, Double.NaN);
        // Cycle 0: lines 5..139 are State C (+4.70 A), lines 140..379 State D (-4.70 A); sample index = line - 3.
        assertTrue(r.samples().subList(2, 137).stream().allMatch(s -> s.current() > 0));
        assertTrue(r.samples().subList(137, 377).stream().allMatch(s -> s.current() < 0));
        assertEquals((float) -4.7047379263, r.samples().get(3633 - 3).current());
        final ChannelDeclaration d = r.channels().get(0);
        assertEquals("SN-0042", d.cellSerial());
        assertEquals("pse-app9/overcharge-protection", d.procedureId());
        assertEquals(1, d.procedureVersion());
        assertEquals(List.of(1000, 1000, 1000, 873), r.framesPerRecord());
    }

    @Test
    void shouldImportBiologicDatesAndMilliampsWhenTimeSlashSHoldsADate() throws Exception {
        final RunFileContents r = importFile(BIOLOGIC);

        // Line 2: 05/05/2021 15:36:22.757, 3.81503248214722 V, 0 mA; line 5: 15:36:45.533, 4.256178855896 V,
        // 2496.01806640625 mA (the 2.5 A pulse); T/°C is empty on every line.
        assertEquals(9999, r.samples().size());
        assertSample(r.first(), utc("2021-05-05T15:36:22.757"), 3.81503248214722, 0.0, Double.NaN);
        assertSample(r.samples().get(5 - 2), utc("2021-05-05T15:36:45.533"), 4.256178855896, 2.49601806640625,
            Double.NaN);
        // Line 878: -359.472290039063 mA in the discharge to 3.0 V: negative, + = charge already.
        assertEquals((float) -0.359472290039063, r.samples().get(878 - 2).current());
        // Sampling from 2 ms to 120.001 s (lines 2677 -> 2678) in one file, never backwards.
        long min = Long.MAX_VALUE;
        long max = 0;
        int maxAt = -1;
        for (int i = 1; i < r.samples().size(); i++) {
            final long gap = r.samples().get(i).micros() - r.samples().get(i - 1).micros();
            min = Math.min(min, gap);
            if (gap > max) {
                max = gap;
                maxAt = i + 2;
            }
        }
        assertEquals(2_000L, min);
        assertEquals(120_001_000L, max);
        assertEquals(2678, maxAt);
    }

    @Test
    void shouldImportNewareRecordRowsWithTotalTimePast24HoursAndKeepDuplicateTimestamps() throws Exception {
        final RunFileContents r = importFile(NEWARE);

        // awk '/^,,/' gives 9296 lines, one of them the record header: 9295 records. Line 5: 00:00:00, 0 A,
        // 4.3185 V, T1 26.61 C, Date 2026-03-06 12:37:25 (the start); line 9398: 27:55:43 = 100543 s, 4.1544 V.
        final long start = utc("2026-03-06T12:37:25");
        assertEquals(9295, r.samples().size());
        assertSample(r.first(), start, 4.3185, 0.0, 26.61);
        assertSample(r.last(), start + 100_543_000_000L, 4.1544, 0.0, 26.78);
        // awk -F, '/^,,[0-9]/ {if ($5==t) n++; t=$5} END {print n}' -> 113, kept as they are.
        assertEquals(113, r.duplicateTimestamps());
        // The rest ends at 00:00:20 (line 15) and the first CC Chg record (line 17, +0.5 A) shares that second.
        final List<Sample> at20 = r.samples().stream().filter(s -> s.micros() == start + 20_000_000L).toList();
        assertEquals(2, at20.size());
        assertEquals(0.5f, at20.get(1).current());
        // T1(?) lost its degree sign; its values run from 26.58 to 27.02 C. Discharge is negative (CC DChg -0.47 A).
        assertEquals(26.58f, (float) r.samples().stream().mapToDouble(Sample::cellTemperature).min().orElseThrow());
        assertEquals(27.02f, (float) r.samples().stream().mapToDouble(Sample::cellTemperature).max().orElseThrow());
        assertTrue(r.samples().stream().anyMatch(s -> s.current() < -0.4f));
        assertTrue(r.notes().get(1).contains("9295 samples"), r.notes().toString());
    }

    @Test
    void shouldReportNewareSummaryRowsAsSkippedNotUnparseable() {
        final CliRun run = CliRun.run("import", "--output", dir.resolve("n.cwrun").toString(),
            recording(NEWARE).toString());
        // 9398 lines: 3 header lines, 9295 records, and 100 cycle and step rows.
        assertTrue(run.out().contains("read 9295 samples, 0 unparseable lines, 100 lines skipped by design "
            + "(100 cycle and step summary rows)"), run.toString());
        assertTrue(run.out().contains("113 duplicate timestamps kept; 0 times going backwards"), run.toString());
    }

    @Test
    void shouldImportNovonixDataSectionWithHoursAndTheCapacityFromTheSummary() throws Exception {
        final RunFileContents r = importFile(NOVONIX);

        // [Data] on line 20, header on 21; line 22: 0 h, 0 A, 3.84318331 V, 24.644 C (Circuit Temperature 25.268 is
        // the instrument's); line 228: 3.4131889 h = 12287.48004 s. Started: 2025-07-19 15:26:20; Capacity (Ah): 5.
        final long start = utc("2025-07-19T15:26:20");
        assertEquals(207, r.samples().size());
        assertSample(r.first(), start, 3.84318331, 0.0, 24.644);
        assertSample(r.last(), start + 12_287_480_040L, 4.12864581, 0.49999387, 24.792);
        assertTrue(r.samples().stream().allMatch(s -> s.current() >= 0)); // one 3.4 h charge at +0.5 A
        assertEquals(5.0, r.channels().get(0).ratedCapacityAh());
    }

    @Test
    void shouldGiveTheSameSamplesWhenTheArbinFileIsReadAsAGenericCsvWithAColumnMapping() throws Exception {
        final RunFileContents vendor = importFile(ARBIN);
        // Test_Time is elapsed seconds; DateTime - Test_Time = 1494377253.17 on every line.
        final RunFileContents generic = importFile(ARBIN, "--format", "csv", "--map",
            "time=Test_Time,voltage=Voltage,current=Current,temp=Temperature", "--time-unit", "s", "--start-time",
            "2017-05-10T00:47:33.17Z");
        assertEquals(vendor.samples(), generic.samples());
    }

    @Test
    void shouldGiveTheSameSamplesWhenTheBiologicFileIsReadAsAGenericCsvWithMilliampsInTheHeader() throws Exception {
        final RunFileContents vendor = importFile(BIOLOGIC);
        // I/mA: the header's unit gives the scale 0.001; time/s holds dates, read as such.
        final RunFileContents generic = importFile(BIOLOGIC, "--format", "csv", "--map",
            "time=time/s,voltage=Ecell/V,current=I/mA,temp=T/°C");
        assertEquals(vendor.samples(), generic.samples());
        // The same with the scale given instead of taken from the header.
        final RunFileContents scaled = importFile(BIOLOGIC, "--format", "csv", "--map",
            "time=time/s,voltage=Ecell/V,current=I/mA", "--current-scale", "0.001");
        assertEquals(vendor.samples().get(3).current(), scaled.samples().get(3).current());
    }

    @Test
    void shouldRecogniseEachRecordingsFormatFromItsFirstLines() throws Exception {
        assertEquals(CyclerFormat.ARBIN, CyclerFormat.detect(recording(ARBIN)));
        assertEquals(CyclerFormat.MACCOR, CyclerFormat.detect(recording(MACCOR)));
        assertEquals(CyclerFormat.BIOLOGIC, CyclerFormat.detect(recording(BIOLOGIC)));
        assertEquals(CyclerFormat.NEWARE, CyclerFormat.detect(recording(NEWARE)));
        assertEquals(CyclerFormat.NOVONIX, CyclerFormat.detect(recording(NOVONIX)));
        assertEquals(null, CyclerFormat.detect(recording("SOURCES.md")));
    }
}
