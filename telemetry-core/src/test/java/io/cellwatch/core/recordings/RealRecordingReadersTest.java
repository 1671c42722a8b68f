package io.cellwatch.core.recordings;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.cellwatch.core.recordings.Recording.Row;

/**
 * What the test readers make of the five recordings: row counts, first and last rows, the sign of the current, and
 * each quirk named in {@code testdata/recordings/SOURCES.md}. Every expected figure was read off the files by hand
 * (the awk lines below, run in {@code testdata/recordings/}), not taken from the readers.
 */
class RealRecordingReadersTest {

    private static final Recording ARBIN = RealRecordings.ARBIN;
    private static final Recording MACCOR = RealRecordings.MACCOR;
    private static final Recording BIOLOGIC = RealRecordings.BIOLOGIC;
    private static final Recording NEWARE = RealRecordings.NEWARE;
    private static final Recording NOVONIX = RealRecordings.NOVONIX;

    static long utcMicros(final String isoLocal) {
        final LocalDateTime t = LocalDateTime.parse(isoLocal);
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1_000;
    }

    private static void assertRow(final Row r, final int line, final long micros, final double volts,
                                  final double amps, final double celsius) {
        assertAll("line " + line,
            () -> assertEquals(line, r.line(), "line"),
            () -> assertEquals(micros, r.timeMicros(), "time"),
            () -> assertEquals(volts, r.voltage(), 0.0, "voltage"),
            () -> assertEquals(amps, r.current(), 0.0, "current"),
            () -> assertEquals(celsius, r.cellTemperature(), 0.0, "temperature"));
    }

    private static long duplicateTimestamps(final List<Row> rows) {
        long n = 0;
        for (int i = 1; i < rows.size(); i++) {
            if (rows.get(i).timeMicros() == rows.get(i - 1).timeMicros()) {
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- every line of every file parses

    @Test
    void shouldReadEveryDataLineWhenTheFilesAreTheUnchangedRecordings() {
        // Data lines: wc -l minus headers. Arbin 288 lines - 1 header = 287; Maccor 3875 - title - header = 3873;
        // BioLogic 10000 - 1 = 9999; Neware: awk '/^,,/' gives 9296 lines, one of them the record header = 9295;
        // Novonix: [Data] is line 20, its header line 21, rows on lines 22..228 = 207. None is unparseable.
        assertAll(
            () -> assertEquals(List.of(), ARBIN.unparseable()),
            () -> assertEquals(List.of(), MACCOR.unparseable()),
            () -> assertEquals(List.of(), BIOLOGIC.unparseable()),
            () -> assertEquals(List.of(), NEWARE.unparseable()),
            () -> assertEquals(List.of(), NOVONIX.unparseable()),
            () -> assertEquals(287, ARBIN.rows().size()),
            () -> assertEquals(3873, MACCOR.rows().size()),
            () -> assertEquals(9999, BIOLOGIC.rows().size()),
            () -> assertEquals(9295, NEWARE.rows().size()),
            () -> assertEquals(207, NOVONIX.rows().size()));
    }

    // ---------------------------------------------------------------- Arbin

    @Test
    void shouldReadArbinTimeAsEpochSecondsWhenTheDateTimeColumnHoldsANumber() {
        // Line 2: DateTime 1494377253.17, Current 6.600444793701172, Voltage 3.298668384552002, Temperature 25.17...
        assertRow(ARBIN.rows().get(0), 2, 1_494_377_253_170_000L, 3.298668384552002, 6.600444793701172,
            25.174373626708984);
        // Line 288 (last): DateTime 1494378276.0613 (17 min after the first: Test_Time 1022.8913 s).
        assertRow(ARBIN.rows().get(286), 288, 1_494_378_276_061_300L, 3.4119858741760254, 1.1000289916992188,
            25.446468353271484);
    }

    @Test
    void shouldKeepArbinCurrentPositiveWhenTheCellIsCharging() {
        // The file is one charge: 6.6 A until 3.6 V (lines 2..48), one 0.0002 A point (line 49), then 1.1 A.
        // awk -F, 'NR>1 && $7<0' gives nothing: no negative current; the voltage climbs 3.2987 -> 3.6000 under +6.6 A.
        assertTrue(ARBIN.rows().stream().allMatch(r -> r.current() >= 0));
        assertTrue(ARBIN.rowAtLine(48).voltage() > ARBIN.rowAtLine(2).voltage() + 0.3);
    }

    @Test
    void shouldKeepArbinRowsThatRepeatAReadingWhenTheyAreATenthOfAMillisecondApart() {
        // Arbin logs a point twice when only the auxiliary temperature changed: same Voltage and Current, DateTime
        // 0.0001 s later (e.g. lines 6 and 7: 1494377256.2453 / .2454). No two rows share a timestamp exactly.
        // awk -F, 'NR>2 && $3-t<0.00015 && $8==v {n++} {t=$3; v=$8} END {print n}' -> 78
        long repeats = 0;
        for (int i = 1; i < ARBIN.rows().size(); i++) {
            final Row a = ARBIN.rows().get(i - 1);
            final Row b = ARBIN.rows().get(i);
            if (b.timeMicros() - a.timeMicros() == 100 && a.voltage() == b.voltage() && a.current() == b.current()) {
                repeats++;
            }
        }
        assertEquals(78, repeats);
        assertEquals(0, duplicateTimestamps(ARBIN.rows()));
    }

    // ---------------------------------------------------------------- Maccor

    @Test
    void shouldReadMaccorAfterTheTitleLineWhenLineTwoIsTheHeader() {
        // Line 3: Rec# 1, Test (Sec) 0.0000, Amps 0, Volts 3.71076524 (rest); last line 3875: 63123.6000 s, 3.19478141 V.
        assertRow(MACCOR.rows().get(0), 3, 0L, 3.71076524, 0.0, Double.NaN);
        assertRow(MACCOR.rows().get(3872), 3875, 63_123_600_000L, 3.19478141, 0.0, Double.NaN);
    }

    @Test
    void shouldReadMaccorDischargeAsNegativeWhenStateIsD() {
        // awk -F'\t' 'NR>2 && $10=="C" && $8<0 || NR>2 && $10=="D" && $8>0' gives nothing: this export is signed.
        // Cycle 0: lines 5..139 are State C (+4.70 A CC to 4.30 V, then CV), lines 140..379 State D (-4.70 A).
        assertTrue(MACCOR.rows().stream().filter(r -> r.line() >= 5 && r.line() <= 139).allMatch(r -> r.current() > 0));
        assertTrue(MACCOR.rows().stream().filter(r -> r.line() >= 140 && r.line() <= 379).allMatch(r -> r.current() < 0));
        assertEquals(-4.7047379263, MACCOR.rowAtLine(3633).current(), 0.0);
    }

    // ---------------------------------------------------------------- BioLogic

    @Test
    void shouldReadBiologicDatesAndMilliampsWhenTimeSlashSHoldsADate() {
        // Line 2: 05/05/2021 15:36:22.757, Ecell 3.81503248214722 V, I 0.0 mA; line 5: 15:36:45.533, 4.256178855896 V,
        // 2496.01806640625 mA (the 2.5 A pulse); the T/°C column is empty on every line.
        assertRow(BIOLOGIC.rows().get(0), 2, utcMicros("2021-05-05T15:36:22.757"), 3.81503248214722, 0.0, Double.NaN);
        assertRow(BIOLOGIC.rowAtLine(5), 5, utcMicros("2021-05-05T15:36:45.533"), 4.256178855896, 2.49601806640625,
            Double.NaN);
        assertTrue(BIOLOGIC.rows().stream().allMatch(r -> Double.isNaN(r.cellTemperature())));
        // Discharge is negative: line 878 is -359.472290039063 mA at 3.76468086242676 V, in the 3.0 V discharge.
        assertEquals(-0.359472290039063, BIOLOGIC.rowAtLine(878).current(), 1e-15);
    }

    @Test
    void shouldSpanTwoMillisecondsToTwoMinutesWhenSamplingChangesWithinTheBiologicFile() {
        // Gaps between consecutive dates: smallest 2 ms (first between lines 490 and 491), largest 120.001 s
        // (lines 2677 -> 2678); nothing goes back and no two lines share a time.
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int maxAt = -1;
        for (int i = 1; i < BIOLOGIC.rows().size(); i++) {
            final long gap = BIOLOGIC.rows().get(i).timeMicros() - BIOLOGIC.rows().get(i - 1).timeMicros();
            min = Math.min(min, gap);
            if (gap > max) {
                max = gap;
                maxAt = BIOLOGIC.rows().get(i).line();
            }
        }
        assertEquals(2_000L, min);
        assertEquals(120_001_000L, max);
        assertEquals(2678, maxAt);
    }

    // ---------------------------------------------------------------- Neware

    @Test
    void shouldReadNewareTotalTimePast24HoursWhenHoursExceed23() {
        // First record line 5: Total Time 00:00:00, 0.00000 A, 4.3185 V, T1 26.61; last, line 9398: 27:55:43 = 100543 s.
        assertRow(NEWARE.rows().get(0), 5, 0L, 4.3185, 0.0, 26.61);
        assertRow(NEWARE.rows().get(9294), 9398, 100_543_000_000L, 4.1544, 0.0, 26.78);
        assertEquals(100_543_000_000L, NewareCsvReader.elapsedMicros("27:55:43"));
    }

    @Test
    void shouldKeepNewareDuplicateTimestampsWhenRecordsShareASecond() {
        // awk -F, '/^,,[0-9]/ {if ($5==t) n++; t=$5} END {print n}' -> 113: the last record of a step and the first of
        // the next share their second (line 15: rest ends at 00:00:20; line 16 is the CC Chg step row; line 17: the
        // first CC Chg record, also 00:00:20), and so do some records within a rest.
        assertEquals(113, duplicateTimestamps(NEWARE.rows()));
        assertEquals(20_000_000L, NEWARE.rowAtLine(15).timeMicros());
        assertEquals(20_000_000L, NEWARE.rowAtLine(17).timeMicros()); // line 16 is the CC Chg step row
    }

    @Test
    void shouldReadNewareT1WhenTheDegreeSignWasLostAsAQuestionMark() {
        // Header line 3 names it 'T1(?)'; its values run from 26.58 to 27.02 C.
        assertEquals(26.58, NEWARE.rows().stream().mapToDouble(Row::cellTemperature).min().orElseThrow(), 0.0);
        assertEquals(27.02, NEWARE.rows().stream().mapToDouble(Row::cellTemperature).max().orElseThrow(), 0.0);
    }

    @Test
    void shouldKeepNewareDischargeNegativeWhenTheStepIsCcDchg() {
        // Line 183 is in the first CC DChg step (-0.47417 A); line 17 is the first CC Chg record (+0.50000 A).
        assertTrue(NEWARE.rowAtLine(183).current() < 0);
        assertEquals(0.5, NEWARE.rowAtLine(17).current(), 0.0);
    }

    @Test
    void shouldRestartTheNewareClockAtEveryStepWhenTheStepTimeColumnIsUsed() {
        // The 'Time' column is the step time. 81 steps: the first (Rest) shares line 4 with the cycle-1 row, and
        // awk '/^,[0-9]/' counts 80 more step rows, so the step time goes back to 00:00:00 at 80 step starts; line 17
        // (first CC Chg record) has Time 00:00:00 after 00:00:20 on line 15.
        final Recording stepClock = NewareCsvReader.read(Recording.file(RealRecordings.NEWARE_FILE),
            NewareCsvReader.Clock.STEP_TIME);
        assertEquals(0L, stepClock.rowAtLine(17).timeMicros());
        assertEquals(20_000_000L, stepClock.rowAtLine(15).timeMicros());
    }

    // ---------------------------------------------------------------- Novonix

    @Test
    void shouldReadNovonixDataSectionWhenASummaryAndProtocolComeFirst() {
        // [Data] on line 20, header on 21; line 22: Run Time 0.0000000 h, 0.00000000 A, 3.84318331 V, 24.644 C
        // (Circuit Temperature 25.268 is the instrument, not read); line 228: 3.4131889 h = 12287.48004 s.
        assertRow(NOVONIX.rows().get(0), 22, 0L, 3.84318331, 0.0, 24.644);
        assertRow(NOVONIX.rows().get(206), 228, 12_287_480_040L, 4.12864581, 0.49999387, 24.792);
        assertTrue(NOVONIX.rows().stream().allMatch(r -> r.current() >= 0)); // one 3.4 h charge at +0.5 A
    }

    // ---------------------------------------------------------------- malformed input

    @Test
    void shouldReportUnparseableLinesWithTheirLineNumbersWhenAFileIsDamaged() {
        // A byte-order mark in front of the header's first cell (none of the five files has one: checked with
        // grep -c $'\xef\xbb\xbf'), CRLF line ends, a bad number, a short line, a blank line, a blank temperature.
        final String arbin = "\uFEFFDateTime,Test_Time,Current,Voltage,Temperature\r\n"
            + "1494377253.17,0.0,6.6,3.30,25.1\r\n"
            + "1494377253.87,0.7,6.6,not-a-number,25.1\r\n"
            + "1494377254.60,1.4\r\n"
            + "\r\n"
            + "1494377255.40,2.2,6.6,3.33,\r\n";
        final Recording r = ArbinCsvReader.parse("damaged.csv", arbin);
        assertEquals(List.of(3, 4), r.unparseable().stream().map(Recording.Unparseable::line).toList());
        assertEquals(List.of(2, 6), r.rows().stream().map(Row::line).toList());
        assertEquals(1_494_377_253_170_000L, r.rows().get(0).timeMicros()); // the BOM did not hide 'DateTime'
        assertTrue(Double.isNaN(r.rows().get(1).cellTemperature())); // blank temperature is NaN, not an error

        final String neware = "Cycle Index,x\n,Step Index,y\n,,DataPoint,Time,Total Time,Current(A),Voltage(V),T1(?)\n"
            + "1,0.1\n,2,CC Chg\n,,1,00:00:00,23:59:59,0.5,4.1,26.6\n,,2,00:00:01,24:00:0x,0.5,4.1,26.6\n"
            + ",,3,00:00:02,100:00:01,0.5,4.1,26.6\n";
        final Recording n = NewareCsvReader.parse("damaged-neware.csv", neware, NewareCsvReader.Clock.TOTAL_TIME);
        assertEquals(List.of(7), n.unparseable().stream().map(Recording.Unparseable::line).toList());
        assertEquals(List.of(86_399_000_000L, 360_001_000_000L), n.rows().stream().map(Row::timeMicros).toList());

        final String novonix = "[Summary]\nx: 1\n[End Summary]\n[Data]\n"
            + "Date and Time,Run Time (h),Current (A),Potential (V),Temperature (°C),Circuit Temperature (°C)\n"
            + "2025-07-19 15:26:20,0.0000000,0.0,3.8,24.6,25.2\n2025-07-19 15:26:21,0.0003556,0.5,,24.6,25.2\n";
        final Recording v = NovonixCsvReader.parse("damaged-novonix.csv", novonix);
        assertEquals(List.of(7), v.unparseable().stream().map(Recording.Unparseable::line).toList());
    }
}
