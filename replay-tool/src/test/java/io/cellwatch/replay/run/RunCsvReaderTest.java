package io.cellwatch.replay.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.model.CellForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RunCsvReaderTest {
    static final ChannelInfo CHANNEL = new ChannelInfo("rigX/ch01", "S1", "L1", "replay", 1, CellForm.CYLINDRICAL,
        2.5, Map.of());

    private final RunCsvReader reader = new RunCsvReader();

    private Run read(final String csv) throws IOException, RunFormatException {
        return reader.read(new StringReader(csv), "run.csv", CHANNEL);
    }

    private RunFormatException readFails(final String csv) {
        return assertThrows(RunFormatException.class, () -> read(csv));
    }

    @Test
    void shouldReadEveryColumnWhenFileIsGood() throws Exception {
        final Run run = read("time_s,voltage_v,current_a,cell_temp_c,ambient_temp_c,force_n\n"
            + "0,4.100,1.5,25.0,24.5,0\n"
            + "0.1,4.101,1.5,25.1,24.5,12.5\n"
            + "0.25,4.102,-2e-1,25.2,24.6,800\n");

        assertEquals(3, run.size());
        assertEquals("run.csv", run.source());
        assertEquals(CHANNEL, run.channel());
        assertEquals(0, run.timeMicros(0));
        assertEquals(100_000, run.timeMicros(1));
        assertEquals(250_000, run.timeMicros(2));
        assertEquals(4.102f, run.voltage(2));
        assertEquals(-0.2f, run.current(2));
        assertEquals(25.2f, run.cellTemperature(2));
        assertEquals(24.6f, run.ambientTemperature(2));
        assertEquals(800f, run.force(2));
        assertEquals(250_000, run.durationMicros());
        assertTrue(run.timeStepsBack().isEmpty());
    }

    @Test
    void shouldReadBundledSampleRunWhenLoadedFromTestResources() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/runs/cc-charge-250.csv")) {
            final Run run = reader.read(new InputStreamReader(in, StandardCharsets.UTF_8), "cc-charge-250.csv", CHANNEL);
            assertEquals(250, run.size());
            assertEquals(24_900_000, run.timeMicros(249));
            assertEquals(25.0f, run.ambientTemperature(0));
            assertTrue(Float.isNaN(run.ambientTemperature(1)));
            assertTrue(Float.isNaN(run.force(0)));
        }
    }

    @Test
    void shouldAcceptColumnsInAnyOrderWhenNamesDifferInCaseAndAreQuoted() throws Exception {
        final Run run = read("\"Cell_Temp_C\", CURRENT_A ,voltage_v,time_s\r\n"
            + "30.5,-1,3.7,2\r\n");

        assertEquals(2_000_000, run.timeMicros(0));
        assertEquals(3.7f, run.voltage(0));
        assertEquals(-1f, run.current(0));
        assertEquals(30.5f, run.cellTemperature(0));
        assertTrue(Float.isNaN(run.ambientTemperature(0)), "no ambient column = absent");
        assertTrue(Float.isNaN(run.force(0)), "no force column = absent");
    }

    @Test
    void shouldTreatOptionalCellAsAbsentWhenBlankOrNaN() throws Exception {
        final Run run = read("time_s,voltage_v,current_a,cell_temp_c,ambient_temp_c,force_n\n"
            + "0,4.1,1,25,,\n"
            + "1,4.1,1,25, NaN ,350\n"
            + "2,4.1,1,25,24.0,\n");

        assertTrue(Float.isNaN(run.ambientTemperature(0)));
        assertTrue(Float.isNaN(run.force(0)));
        assertTrue(Float.isNaN(run.ambientTemperature(1)));
        assertEquals(350f, run.force(1));
        assertEquals(24.0f, run.ambientTemperature(2));
        assertTrue(Float.isNaN(run.force(2)));
    }

    @Test
    void shouldSkipBlankAndCommentLinesWhenCountingLines() throws Exception {
        final RunFormatException e = readFails("# recorded on rig 7\n"
            + "\n"
            + "time_s,voltage_v,current_a,cell_temp_c\n"
            + "0,4.1,1,25\n"
            + "   \n"
            + "# pause\n"
            + "1,4.1,x1,25\n");

        assertEquals(7, e.line());
    }

    @Test
    void shouldReportLineAndColumnWhenNumberIsBad() {
        final RunFormatException e = readFails("time_s,voltage_v,current_a,cell_temp_c\n"
            + "0,4.1,1,25\n"
            + "0.1,4.1,1,25\n"
            + "0.2,4,12,1,25\n");
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());

        final RunFormatException bad = readFails("time_s,voltage_v,current_a,cell_temp_c\n"
            + "0,4.1,1,25\n"
            + "0.1,4.1O,1,25\n");
        assertEquals(3, bad.line());
        assertEquals("2 (voltage_v)", bad.column());
        assertEquals("run.csv line 3, column 2 (voltage_v): '4.1O' is not a number", bad.getMessage());
    }

    @Test
    void shouldRejectNaNAndEmptyCellWhenColumnIsRequired() {
        final RunFormatException nan = readFails("time_s,voltage_v,current_a,cell_temp_c\n0,NaN,1,25\n");
        assertEquals("2 (voltage_v)", nan.column());

        final RunFormatException empty = readFails("time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1,\n");
        assertEquals(2, empty.line());
        assertEquals("4 (cell_temp_c)", empty.column());
        assertTrue(empty.getMessage().contains("required"), empty.getMessage());
    }

    @Test
    void shouldRejectNegativeTimeWhenRowIsRead() {
        final RunFormatException e = readFails("time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1,25\n-1,4.1,1,25\n");
        assertEquals(3, e.line());
        assertEquals("1 (time_s)", e.column());
    }

    @Test
    void shouldRejectValueWhenItOverflowsFloat() {
        final RunFormatException e = readFails("time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1e39,25\n");
        assertEquals("3 (current_a)", e.column());
    }

    @Test
    void shouldNameMissingColumnWhenRequiredColumnIsAbsent() {
        final RunFormatException e = readFails("time_s,voltage_v,current_a\n0,4.1,1\n");
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("missing required column cell_temp_c"), e.getMessage());
    }

    @Test
    void shouldRejectHeaderWhenColumnIsUnknownOrRepeated() {
        final RunFormatException unknown = readFails("time_s,voltage_v,current_a,cell_temp_c,ambient_temp\n");
        assertEquals("5 ('ambient_temp')", unknown.column());
        assertTrue(unknown.getMessage().contains("unknown column"), unknown.getMessage());

        final RunFormatException twice = readFails("time_s,voltage_v,current_a,cell_temp_c,voltage_v\n");
        assertTrue(twice.getMessage().contains("column appears twice"), twice.getMessage());
    }

    @Test
    void shouldExplainHeaderWhenFirstLineIsData() {
        final RunFormatException e = readFails("0,4.1,1,25\n1,4.1,1,25\n");
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("must be a header"), e.getMessage());
    }

    @Test
    void shouldFailWhenFileHasNoHeaderOrNoSamples() {
        assertTrue(readFails("").getMessage().contains("no header"));
        assertTrue(readFails("# only a comment\n").getMessage().contains("no header"));
        assertTrue(readFails("time_s,voltage_v,current_a,cell_temp_c\n").getMessage().contains("no samples"));
    }

    @Test
    void shouldKeepDuplicateTimestampsWhenTimeRepeats() throws Exception {
        final Run run = read("time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1,25\n0.5,4.2,1,25\n0.5,4.3,1,25\n");

        assertEquals(500_000, run.timeMicros(1));
        assertEquals(500_000, run.timeMicros(2));
        assertEquals(4.3f, run.voltage(2));
        assertTrue(run.timeStepsBack().isEmpty());
    }

    @Test
    void shouldSendRowAtPreviousTimeAndKeepSpacingWhenTimeGoesBackwards() throws Exception {
        final Run run = read("time_s,voltage_v,current_a,cell_temp_c\n"
            + "0,4.1,1,25\n"
            + "10,4.1,1,25\n"
            + "20,4.1,1,25\n"      // line 4
            + "0,4.0,0,25\n"       // line 5: the recorder restarted at zero
            + "5,4.0,0,25\n"
            + "3,4.0,0,25\n");     // line 7: back again by 2 s

        assertEquals(6, run.size());
        assertEquals(20_000_000, run.timeMicros(2));
        assertEquals(20_000_000, run.timeMicros(3), "sent at the previous row's time");
        assertEquals(25_000_000, run.timeMicros(4), "later rows keep their spacing");
        assertEquals(25_000_000, run.timeMicros(5));
        assertEquals(2, run.timeStepsBack().size());
        final TimeStepBack first = run.timeStepsBack().get(0);
        assertEquals(new TimeStepBack(5, 20_000_000, 0, 20_000_000), first);
        assertEquals("line 5: time goes back from 20.000 s to 0.000 s; sent at run time 20.000 s, later rows keep "
            + "their spacing", first.describe());
        assertEquals(new TimeStepBack(7, 5_000_000, 3_000_000, 25_000_000), run.timeStepsBack().get(1));
    }

    @Test
    void shouldIgnoreByteOrderMarkWhenFileStartsWithOne(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("bom.csv");
        final byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        final byte[] text = "time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1,25\n".getBytes(StandardCharsets.UTF_8);
        final byte[] all = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, all, 0, bom.length);
        System.arraycopy(text, 0, all, bom.length, text.length);
        Files.write(file, all);

        final Run run = reader.read(file, CHANNEL);

        assertEquals(1, run.size());
        assertEquals("bom.csv", run.source());
        assertEquals(4.1f, run.voltage(0));
    }

    @Test
    void shouldReportLineWhenFileIsNotUtf8(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("latin1.csv");
        Files.write(file, "time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1,25 \u00b0C\n"
            .getBytes(StandardCharsets.ISO_8859_1));

        final RunFormatException e = assertThrows(RunFormatException.class, () -> reader.read(file, CHANNEL));
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }
}
