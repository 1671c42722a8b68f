package io.cellwatch.replay.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The importers on small hand-written files: each quirk, each unit, and every way a line can be bad. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ImportersTest {

    /** What an importer handed on. */
    static final class Collected implements ImportSink {
        final List<String> samples = new ArrayList<>();
        final List<String> unparseable = new ArrayList<>();
        final Map<String, Long> skipped = new LinkedHashMap<>();
        final FileFacts facts = new FileFacts();

        @Override
        public void sample(final long line, final boolean absolute, final long micros, final double voltage,
                           final double current, final double cellTemperature, final double ambient,
                           final double force) {
            samples.add(line + (absolute ? " abs " : " el ") + micros + " " + voltage + " " + current + " "
                + cellTemperature + (Double.isNaN(ambient) ? "" : " ta " + ambient)
                + (Double.isNaN(force) ? "" : " f " + force));
        }

        @Override
        public void unparseable(final long line, final String text, final String reason) {
            unparseable.add(line + ": " + reason);
        }

        @Override
        public void skipped(final long line, final String what) {
            skipped.merge(what, 1L, Long::sum);
        }
    }

    static Collected read(final CyclerFormat format, final String text) throws Exception {
        return read(format, text, ImportOptions.defaults(null));
    }

    static Collected read(final CyclerFormat format, final String text, final ImportOptions options)
        throws Exception {
        final Collected c = new Collected();
        format.importer().read(TextInput.of("test." + format.label(), text), options, c.facts, c);
        return c;
    }

    static ImportOptions csv(final String map) {
        return new ImportOptions(null, java.time.ZoneOffset.UTC, null, map == null ? null
            : ColumnMapping.parse(List.of(map)), null, null, null, null, false, 0);
    }

    @Test
    void shouldReportEveryBadLineWithItsNumberAndKeepTheGoodOnesWhenAnArbinFileIsDamaged() throws Exception {
        // A byte-order mark before the header, CRLF, a bad number, a short line, a blank line, a blank temperature.
        final Collected c = read(CyclerFormat.ARBIN, "\uFEFFDateTime,Test_Time,Current,Voltage,Temperature\r\n"
            + "1494377253.17,0.0,6.6,3.30,25.1\r\n"
            + "1494377253.87,0.7,6.6,not-a-number,25.1\r\n"
            + "1494377254.60,1.4\r\n"
            + "\r\n"
            + "1494377255.40,2.2,6.6,3.33,\r\n");
        assertEquals(List.of("2 abs 1494377253170000 3.3 6.6 25.1", "6 abs 1494377255400000 3.33 6.6 NaN"), c.samples);
        assertEquals(List.of("3: voltage 'not-a-number' is not a number", "4: no voltage cell (the line has 2 cells)"),
            c.unparseable);
    }

    @Test
    void shouldReadArbinTestTimeAsElapsedAndMilliampsWhenThereIsNoDateTimeColumn() throws Exception {
        final Collected c = read(CyclerFormat.ARBIN, "Data_Point,Test_Time(s),Current(mA),Voltage(V),"
            + "Aux_Temperature_1(C)\n0,0.5,1500,3.70,24.5\n1,1.5,-250,3.69,\n");
        assertEquals(List.of("2 el 500000 3.7 1.5 24.5", "3 el 1500000 3.69 -0.25 NaN"), c.samples);
    }

    @Test
    void shouldNegateMaccorCurrentsOnDischargeRowsWhenTheExportWritesMagnitudes() throws Exception {
        final Collected c = read(CyclerFormat.MACCOR, "Today's Date 01/02/2026  Procedure: x\r\n"
            + "Rec#\tCyc#\tTest (Sec)\tAmps\tVolts\tState\tDPt Time\r\n"
            + "1\t0\t0.0000\t0.0000\t3.70\tR\t1/2/2026 9:00:00 AM\r\n"
            + "2\t0\t1.5000\t2.0000\t3.90\tC\t1/2/2026 9:00:01 AM\r\n"
            + "3\t0\t3.0000\t2.0000\t3.60\tD\t1/2/2026 9:00:03 AM\r\n"
            + "4\t0\t4.0000\t-2.0000\t3.55\tD\t1/2/2026 9:00:04 AM\r\n");
        assertEquals(List.of("3 el 0 3.7 0.0 NaN", "4 el 1500000 3.9 2.0 NaN", "5 el 3000000 3.6 -2.0 NaN",
            "6 el 4000000 3.55 -2.0 NaN"), c.samples);
        assertEquals(1_767_344_400_000_000L, c.facts.startMicros()); // 2026-01-02T09:00:00Z, AM/PM form
        assertTrue(c.facts.afterwards().get(0).contains("2 discharge rows (State D), 1 of them written with a "
            + "positive current and negated"), c.facts.afterwards().toString());
        assertEquals(List.of("Today's Date 01/02/2026 Procedure: x"), c.facts.about());
    }

    @Test
    void shouldReadTheStartInTheGivenZoneWhenDatesHaveNone() throws Exception {
        final ImportOptions tokyo = new ImportOptions(null, ZoneId.of("Asia/Tokyo"), null, null, null, null, null,
            null, false, 0);
        final Collected c = read(CyclerFormat.MACCOR, "Rec#\tTest (Sec)\tAmps\tVolts\tDPt Time\n"
            + "1\t10.0\t0\t3.7\t01/02/2026 09:00:10\n", tokyo);
        assertEquals(1_767_312_000_000_000L, c.facts.startMicros()); // 2026-01-02T00:00:00Z = 09:00 in Tokyo - 10 s
    }

    @Test
    void shouldReadTheEcLabHeaderBlockDecimalCommasAndTheAcquisitionStart() throws Exception {
        final Collected c = read(CyclerFormat.BIOLOGIC, "EC-Lab ASCII FILE\n"
            + "Nb header lines : 5\n"
            + "\n"
            + "Acquisition started on : 05/05/2021 15:36:22.757\n"
            + "mode\ttime/s\tEwe/V\t<I>/mA\n"
            + "1\t0,000\t3,815\t0,0\n"
            + "1\t1,250\t3,900\t1500,5\n"
            + "1\tabc\t3,9\t1\n");
        assertEquals(List.of("6 el 0 3.815 0.0 NaN", "7 el 1250000 3.9 1.5005 NaN"), c.samples);
        assertEquals(List.of("8: 'abc' is not a number"), c.unparseable);
        assertEquals(1_620_228_982_757_000L, c.facts.startMicros());
    }

    @Test
    void shouldReadAFlatNewareExportAndElapsedTimesPast24Hours() throws Exception {
        final Collected c = read(CyclerFormat.NEWARE, "DataPoint,Time,Total Time,Current(mA),Voltage(V),"
            + "Date,T1(?)\n"
            + "1,00:00:00,23:59:59.5,500,4.1,2026-03-06 12:00:00,26.6\n"
            + "2,00:00:01,27:55:43,-250,4.0,2026-03-07 16:00:00,\n"
            + "3,00:00:02,24:00:0x,0,4.0,2026-03-07 16:00:01,26.7\n");
        assertEquals(List.of("2 el 86399500000 4.1 0.5 26.6", "3 el 100543000000 4.0 -0.25 NaN"), c.samples);
        assertEquals(List.of("4: '24:00:0x' is not h:mm:ss"), c.unparseable);
        assertEquals(1_772_798_400_000_000L - 86_399_500_000L, c.facts.startMicros()); // the Date minus Total Time
    }

    @Test
    void shouldSkipNewareCycleAndStepRowsWithoutCallingThemUnparseable() throws Exception {
        final Collected c = read(CyclerFormat.NEWARE, "Cycle Index,x\n,Step Index,y\n"
            + ",,DataPoint,Time,Total Time,Current(A),Voltage(V),T1(?)\n"
            + "1,0.1\n,1,Rest\n,,1,00:00:00,00:00:00,0,4.1,26.6\n,2,CC Chg\n,,2,00:00:00,00:00:00,0.5,4.1,26.6\n");
        assertEquals(2, c.samples.size());
        assertEquals(Map.of("cycle and step summary rows", 3L), c.skipped);
        assertEquals(List.of(), c.unparseable);
    }

    @Test
    void shouldReadANovonixFileWithoutSectionsWhenTheHeaderIsOnLineOne() throws Exception {
        final Collected c = read(CyclerFormat.NOVONIX, "Date and Time,Run Time (h),Current (A),Potential (V),"
            + "Temperature (°C),Circuit Temperature (°C)\n2025-07-19 15:26:20,0.0003556,0.5,3.8,24.6,25.2\n"
            + "2025-07-19 15:26:21,0.0003557,0.5,,24.6,25.2\n");
        assertEquals(List.of("2 el 1280160 3.8 0.5 24.6"), c.samples);
        assertEquals(List.of("3: voltage is empty"), c.unparseable);
    }

    @Test
    void shouldReadTheToolsOwnCsvColumnsWhenNoMappingIsGiven() throws Exception {
        final Collected c = read(CyclerFormat.CSV, "# comment\ntime_s,voltage_v,current_a,cell_temp_c,ambient_temp_c,"
            + "force_n\n0.0,4.13,1.0,25.0,24.0,\n0.1,4.14,1.0,,,812.5\n", csv(null));
        assertEquals(List.of("3 el 0 4.13 1.0 25.0 ta 24.0", "4 el 100000 4.14 1.0 NaN f 812.5"), c.samples);
    }

    @Test
    void shouldApplyHeaderUnitsAndTimeFormsWhenAGenericCsvIsMapped() throws Exception {
        final ImportOptions o = csv("time=t,voltage=U [mV],current=I (uA),temp=T (K),ambient=Amb (F)");
        final Collected c = read(CyclerFormat.CSV, "t;U [mV];I (uA);T (K);Amb (F)\n"
            + "\"01:00:00.5\";4100;-2000000;298.15;77\n"
            + "27:55:43;4100;1000000;298.15;77\n", new ImportOptions(null, o.zone(), null, o.mapping(), null, null,
            null, null, false, 0));
        assertEquals(2, c.samples.size());
        final String[] first = c.samples.get(0).split(" ");
        assertEquals("el", first[1]);
        assertEquals("3600500000", first[2]);
        assertEquals(4.1, Double.parseDouble(first[3]), 1e-12);
        assertEquals(-2.0, Double.parseDouble(first[4]), 1e-12);
        assertEquals(25.0, Double.parseDouble(first[5]), 1e-9);
        assertEquals(25.0, Double.parseDouble(first[7]), 1e-9); // 77 F
        assertTrue(c.samples.get(1).startsWith("3 el 100543000000 "));
    }

    @Test
    void shouldReadEpochMillisecondsAndDatesWhenTheTimeUnitSaysSo() throws Exception {
        final ColumnMapping m = ColumnMapping.parse(List.of("time=ts", "voltage=v,current=i"));
        final Collected epoch = read(CyclerFormat.CSV, "ts,v,i\n1767225600123,4.1,1\n",
            new ImportOptions(null, java.time.ZoneOffset.UTC, null, m, TimeUnitSpec.EPOCH_MS, null, null, null, false,
                0));
        assertEquals(List.of("2 abs 1767225600123000 4.1 1.0 NaN"), epoch.samples);
        final Collected dates = read(CyclerFormat.CSV, "ts,v,i\n2026-01-01T00:00:00.5+01:00,4.1,1\n"
            + "06.03.2026 12:37:25,4.1,1\n", new ImportOptions(null, java.time.ZoneOffset.UTC, null, m, null, null,
            null, null, false, 0));
        assertEquals(List.of("2 abs 1767222000500000 4.1 1.0 NaN", "3 abs 1772800645000000 4.1 1.0 NaN"),
            dates.samples);
    }

    @Test
    void shouldNameTheMissingColumnAndTheColumnsThereAreWhenTheMappingDoesNotFit() {
        final ImportException e = assertThrows(ImportException.class, () -> read(CyclerFormat.CSV,
            "time,volts,amps\n0,4.1,1\n", csv("time=time,voltage=volts,current=Current(A)")));
        assertEquals("test.csv line 1: no column 'Current(A)' for current; the header has: 'time', 'volts', 'amps'",
            e.getMessage());
        final ImportException noHeader = assertThrows(ImportException.class, () -> read(CyclerFormat.CSV,
            "a,b\n1,2\n", csv(null)));
        assertTrue(noHeader.getMessage().contains("no header line naming the time column 'time_s'"),
            noHeader.getMessage());
        final ImportException maccor = assertThrows(ImportException.class, () -> read(CyclerFormat.MACCOR,
            "Rec#\tTest (Sec)\tVolts\n"));
        assertTrue(maccor.getMessage().contains("no current column (looked for 'Amps', 'Current', 'Current (A)'); "
            + "the header has: 'Rec#', 'Test (Sec)', 'Volts'"), maccor.getMessage());
    }

    @Test
    void shouldRejectMappingsWithoutTheRequiredRolesOrWithUnknownOnes() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ColumnMapping.parse(List.of("time=a,voltage=b")))
            .getMessage().contains("no column for 'current'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ColumnMapping.parse(List.of("tiem=a")))
            .getMessage().contains("unknown role 'tiem'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ColumnMapping.parse(List.of("time")))
            .getMessage().contains("is not ROLE=COLUMN"));
    }

    @Test
    void shouldSplitQuotedCellsWithSeparatorsInsideWhenACellIsQuoted() {
        final List<String> cells = new ArrayList<>();
        Cells.split("0,\"ArbinResult_6,\", \"say \"\"hi\"\"\" ,x", ',', cells);
        assertEquals(List.of("0", "ArbinResult_6,", "say \"hi\"", "x"), cells);
        assertEquals('\t', Cells.guessSeparator("a\tb\tc,d"));
        assertEquals(';', Cells.guessSeparator(";mode;ox;time/s"));
    }

    @Test
    void shouldReadNumbersStrictly() {
        assertEquals(1.5e-3, Numbers.parse(" 1.5e-3 ", false));
        assertEquals(4.12, Numbers.parse("4,12", true));
        assertThrows(NumberFormatException.class, () -> Numbers.parse("4,12", false));
        assertThrows(NumberFormatException.class, () -> Numbers.parse("NaN", false));
        assertThrows(NumberFormatException.class, () -> Numbers.parse("0x1p3", false));
        assertThrows(NumberFormatException.class, () -> Numbers.parse("1.2.3", false));
        assertEquals(1_469_170_000L, Numbers.micros("1469.17", 1_000_000L, false));
        assertEquals(12_287_480_040L, Numbers.micros("3.4131889", 3_600_000_000L, false));
        assertEquals(100_543_000_000L, Times.elapsedHms("27:55:43"));
        assertThrows(NumberFormatException.class, () -> Times.elapsedHms("1:60:00"));
        assertThrows(NumberFormatException.class, () -> Times.elapsedHms("1:00:60"));
    }
}
