package io.cellwatch.replay.runfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.replay.CliRun;
import io.cellwatch.replay.ExitCode;

/**
 * Schema evolution: a run file written by the format-1 writer as it was before multi-channel files
 * ({@code runfiles/v1-cc-charge-250.cwrun}, committed, never regenerated) must be read by today's reader with the
 * same samples, marks and alerts, and what a newer tool may write (a newer format version, a record type this
 * version does not know, a longer layout of a known record) must be refused by name or skipped and reported.
 *
 * <p>The fixture is {@code runs/cc-charge-250.csv} imported as {@code rigF/ch01} (serial SN-F1, lot LOT-F,
 * pse-app9/overcharge-protection@1, start 2026-01-01T00:00:00Z, marks RUN_START@0 and PRESS_START@10), then
 * evaluated twice with {@code --write-alerts}: {@code as-declared} (1 alert) and {@code limit-4.26} (none).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RunFileCompatibilityTest {
    static final long T0 = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z

    @TempDir
    Path dir;

    static Path fixture() throws Exception {
        return Path.of(RunFileCompatibilityTest.class.getResource("/runfiles/v1-cc-charge-250.cwrun").toURI());
    }

    @Test
    void shouldReadTheCommittedVersion1FileWithItsSamplesMarksAndAlerts() throws Exception {
        final RunFileContents c = RunFileContents.read(fixture());

        assertEquals(1, c.channels().size());
        final ChannelDeclaration d = c.channels().get(0);
        assertEquals("rigF/ch01", d.channelId());
        assertEquals("SN-F1", d.cellSerial());
        assertEquals("LOT-F", d.lot());
        assertEquals("pse-app9/overcharge-protection", d.procedureId());
        assertEquals(1, d.procedureVersion());
        assertEquals(250, c.samples().size());
        assertEquals(T0, c.first().micros());
        assertEquals(4.13f, c.first().voltage());
        assertEquals(1f, c.first().current());
        assertEquals(25f, c.first().cellTemperature());
        assertEquals(25f, c.first().ambient());
        assertTrue(Float.isNaN(c.first().force()));
        assertEquals(T0 + 24_900_000L, c.last().micros());
        assertEquals(4.2545f, c.last().voltage());
        assertEquals(2, c.marks().size());
        assertEquals(List.of((long) MarkType.RUN_START, T0, 0L), List.of(c.marks().get(0)[0], c.marks().get(0)[1],
            c.marks().get(0)[2]));
        assertEquals(List.of((long) MarkType.PRESS_START, T0 + 10_000_000L, 100L), List.of(c.marks().get(1)[0],
            c.marks().get(1)[1], c.marks().get(1)[2]));
        assertEquals(1, c.alerts().size());
        final Alert a = c.alerts().get(0);
        assertEquals("0493ff82-753b-345e-9627-dbe7c59ff3b9", a.alertId());
        assertEquals("upper-charge-voltage", a.rule());
        assertEquals(T0 + 24_100_000L, a.sampleTimeMicros());
        assertEquals(4.2505, a.value(), 1e-6);
        assertEquals(2, c.notes().size());
        assertTrue(c.notes().get(0).startsWith("import: "), c.notes().get(0));
        assertTrue(c.notes().get(1).startsWith("import-summary: "), c.notes().get(1));
        assertTrue(c.tail().isComplete());
    }

    @Test
    void shouldEvaluateTheCommittedFileToTheAlertItStores() throws Exception {
        final Path copy = Files.copy(fixture(), dir.resolve("v1.cwrun"));

        final CliRun run = CliRun.run("evaluate", copy.toString(), "--against", "as-declared");

        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.out().contains("alert 0493ff82-753b-345e-9627-dbe7c59ff3b9"), run.toString());
        assertTrue(run.out().contains("0 added, 0 removed, 0 earlier, 0 later, 1 unchanged"), run.toString());
    }

    @Test
    void shouldRefuseTheFileByNameWhenItsFormatVersionIsNewer() throws Exception {
        final byte[] bytes = Files.readAllBytes(fixture());
        bytes[RunFileFormat.FORMAT_VERSION_OFFSET] = (byte) (RunFileFormat.FORMAT_VERSION + 1);
        final Path newer = Files.write(dir.resolve("newer.cwrun"), bytes);

        final RunFileException e = assertThrows(RunFileException.class, () -> RunFileReader.open(newer));
        assertEquals("newer.cwrun: run file format version " + (RunFileFormat.FORMAT_VERSION + 1) + " is newer than "
            + "this tool reads (up to " + RunFileFormat.FORMAT_VERSION + "); use a newer replay tool", e.getMessage());
        final CliRun run = CliRun.run("evaluate", newer.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exit(), run.toString());
        assertTrue(run.err().contains("format version " + (RunFileFormat.FORMAT_VERSION + 1) + " is newer"),
            run.toString());
    }

    @Test
    void shouldSkipAnUnknownRecordTypeAndSaySoWhenANewerToolAddedOne() throws Exception {
        final Path file = Files.copy(fixture(), dir.resolve("unknown.cwrun"));
        RunFileTest.appendRawRecord(file, 200, "a record of a later tool".getBytes(StandardCharsets.UTF_8));

        final RunFileContents c = RunFileContents.read(file);
        assertEquals(250, c.samples().size());
        assertEquals(1, c.alerts().size());
        try (RunFileReader reader = RunFileReader.open(file)) {
            reader.skipAll();
            assertEquals(1, reader.unknownRecords());
        }
        for (String command : List.of("evaluate", "report")) {
            final CliRun run = command.equals("evaluate") ? CliRun.run("evaluate", file.toString())
                : CliRun.run("report", file.toString(), "--output", dir.resolve("unknown.html").toString());
            assertEquals(ExitCode.OK, run.exit(), run.toString());
            assertTrue(run.err().contains("1 records of a type this version does not know were skipped"),
                run.toString());
        }
    }

    @Test
    void shouldReadTheKnownFieldsOfAFrameRecordWhoseLayoutVersionIsNewer() throws Exception {
        // A FRAME record of layout version 2: the version 1 fields (a MARK frame), then 6 bytes a later tool added.
        final ByteBuffer frame = ByteBuffer.allocate(8 + 2 + 4 + 32 + 6).order(ByteOrder.LITTLE_ENDIAN);
        frame.putLong(T0 + 1).putShort((short) 4).put("rigF".getBytes(StandardCharsets.US_ASCII));
        frame.putInt(32).put((byte) 5).put((byte) 1).putShort((short) 0).putLong(1000).putShort((short) 0)
            .putShort((short) MarkType.TEST_END).putInt(0).putLong(T0 + 30_000_000L);
        frame.put(new byte[] {1, 2, 3, 4, 5, 6});
        final Path file = Files.copy(fixture(), dir.resolve("layout2.cwrun"));
        RunFileTest.appendRawRecord(file, RunFileFormat.FRAME, frame.array(), 2);

        final RunFileContents c = RunFileContents.read(file);

        assertEquals(3, c.marks().size());
        assertEquals(MarkType.TEST_END, c.marks().get(2)[0]);
        assertEquals(T0 + 30_000_000L, c.marks().get(2)[1]);
        assertTrue(c.tail().isComplete());
    }
}
