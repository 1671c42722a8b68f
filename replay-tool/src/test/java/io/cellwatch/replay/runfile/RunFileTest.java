package io.cellwatch.replay.runfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.model.MarkType;

/** The run file format: write, read back, and the damaged or foreign files a reader must name clearly. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RunFileTest {
    static final long T0 = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
    static final ChannelDeclaration DECLARATION = new ChannelDeclaration(0, "rigX/ch01", "SN-1", "LOT-1",
        "pse-app9/overcharge-protection", 1, CellForm.PRISMATIC, 2.5, Map.of("upper-charge-voltage.limit", 4.3));
    static final Alert ALERT = new Alert("id-1", "rigX/ch01", "rigX", "SN-1", "LOT-1", "pse-app9/overcharge-protection",
        1, "upper-charge-voltage", AlertClass.SAFETY, StopAction.STOP, T0 + 200_000, 4.31, Double.NaN, 4.3, "V",
        T0 + 250_000, false, "upper charge voltage exceeded", "over-limit");

    @TempDir
    Path dir;

    /** Writes CHANNEL, 2 SAMPLES (3 + 2 samples), MARK, NOTE, ALERT_SET, ALERT. */
    static Path sample(final Path file) throws IOException {
        try (RunFileWriter w = RunFileWriter.create(file, T0)) {
            w.note(T0, "import", "written by a test\nsecond line");
            w.channel(T0 + 1, "rigX", 1, DECLARATION);
            w.frame(RunFileFormat.UNKNOWN_TIME, "rigX", samples(2, T0, 3), 0, SamplesFlyweight.frameLength(3));
            w.mark(T0 + 2, "rigX", 3, 0, MarkType.PRESS_START, T0 + 300_000);
            w.frame(T0 + 3, "rigX", samples(4, T0 + 300_000, 2), 0, SamplesFlyweight.frameLength(2));
            w.alertSet(T0 + 4, AlertOrigin.LIVE, "live", "copied from the alerts topic");
            w.alert("live", ALERT);
        }
        return file;
    }

    /** A SAMPLES frame of {@code n} samples 0.1 s apart; odd samples have no temperature, the first has force. */
    static ExpandableArrayBuffer samples(final long sequence, final long t, final int n) {
        final ExpandableArrayBuffer b = new ExpandableArrayBuffer(64);
        SamplesFlyweight.encodeHeader(b, 0, sequence, 0, n);
        for (int i = 0; i < n; i++) {
            SamplesFlyweight.putSample(b, 0, i, t + i * 100_000L, 4.1f + i * 0.01f, 1.5f, i % 2 == 0 ? 25f : Float.NaN,
                Float.NaN, i == 0 ? 10f : Float.NaN);
        }
        return b;
    }

    /** Everything a reader hands its visitor, as text. */
    static final class Recorder implements RunFileVisitor {
        final List<String> seen = new ArrayList<>();

        @Override
        public void frame(final FrameRecord r) {
            final String at = " rig=" + r.rigId() + " received=" + (r.arrivalKnown() ? r.receivedAtMicros() - T0 : "?");
            switch (r.frameType()) {
                case FrameType.CHANNEL -> seen.add("CHANNEL " + r.channel().declaration() + " seq=" + r.channel().sequence()
                    + at);
                case FrameType.SAMPLES -> {
                    final SamplesFlyweight f = r.samples();
                    final StringBuilder sb = new StringBuilder("SAMPLES seq=" + f.sequence() + at);
                    for (int i = 0; i < f.sampleCount(); i++) {
                        sb.append(" [").append(f.timestampMicros(i) - T0).append(' ').append(f.voltage(i)).append(' ')
                            .append(f.cellTemperature(i)).append(' ').append(f.force(i)).append(']');
                    }
                    seen.add(sb.toString());
                }
                default -> seen.add("MARK " + MarkType.name(r.mark().markType()) + " t=" + (r.mark().timestampMicros() - T0)
                    + at);
            }
        }

        @Override
        public void alertSet(final AlertSetRecord set) {
            seen.add("ALERT_SET " + set.label() + " " + set.origin() + " " + (set.createdAtMicros() - T0) + " "
                + set.description());
        }

        @Override
        public void alert(final long offset, final String label, final Alert alert) {
            seen.add("ALERT " + label + " " + alert);
        }

        @Override
        public void note(final NoteRecord note) {
            seen.add("NOTE " + note.kind() + " " + note.text());
        }

        @Override
        public void unknown(final long offset, final int type, final int length) {
            seen.add("UNKNOWN " + type + " " + length);
        }
    }

    static Recorder readAll(final Path file) throws Exception {
        final Recorder r = new Recorder();
        try (RunFileReader reader = RunFileReader.open(file)) {
            reader.readAll(r);
            r.seen.add("TAIL " + reader.tail().isComplete() + " " + reader.tail().usableLength() + " "
                + reader.tail().damagedBytes());
        }
        return r;
    }

    @Test
    void shouldReadBackEveryRecordWhenWrittenAndReadInOrder() throws Exception {
        final Path file = sample(dir.resolve("run.cwrun"));

        final List<String> seen = readAll(file).seen;

        final long size = Files.size(file);
        assertEquals(List.of(
            "NOTE import written by a test\nsecond line",
            "CHANNEL " + DECLARATION + " seq=1 rig=rigX received=1",
            "SAMPLES seq=2 rig=rigX received=? [0 4.1 25.0 10.0] [100000 4.11 NaN NaN] [200000 4.12 25.0 NaN]",
            "MARK PRESS_START t=300000 rig=rigX received=2",
            "SAMPLES seq=4 rig=rigX received=3 [300000 4.1 25.0 10.0] [400000 4.11 NaN NaN]",
            "ALERT_SET live LIVE 4 copied from the alerts topic",
            "ALERT live " + ALERT,
            "TAIL true " + size + " 0"), seen);
    }

    @Test
    void shouldStartWithMagicVersionAndHeaderLengthWhenCreated() throws Exception {
        final byte[] bytes = Files.readAllBytes(sample(dir.resolve("run.cwrun")));
        assertArrayEquals("CWRUN".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(bytes, 5));
        final ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, b.get(5));
        assertEquals(16, b.getShort(6));
        assertEquals(T0, b.getLong(8));
        // The first record: its length, type NOTE (4), layout version 1, and a CRC-32C over all but its last 4 bytes.
        final int length = b.getInt(16);
        assertEquals(RunFileFormat.NOTE, b.get(20));
        assertEquals(1, b.get(21));
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 16, length - 4);
        assertEquals((int) crc.getValue(), b.getInt(16 + length - 4));
    }

    @Test
    void shouldWriteTheSameBytesWhenTheSameRecordsAreWrittenTwice() throws Exception {
        assertArrayEquals(Files.readAllBytes(sample(dir.resolve("a.cwrun"))),
            Files.readAllBytes(sample(dir.resolve("b.cwrun"))));
    }

    @Test
    void shouldUseTheRecordsBeforeAndReportTheTailWhenTheLastRecordIsCutShort() throws Exception {
        final Path file = sample(dir.resolve("run.cwrun"));
        final long full = Files.size(file);
        final List<String> complete = readAll(file).seen;
        final long lastRecordStart = full - lastRecordLength(file);

        // Cut inside the last record's body, inside its header, and right after its first byte.
        for (long cut : new long[] {full - 1, full - 20, lastRecordStart + 5, lastRecordStart + 1}) {
            final Path copy = dir.resolve("cut-" + cut + ".cwrun");
            Files.write(copy, Arrays.copyOf(Files.readAllBytes(file), (int) cut));

            final List<String> seen = readAll(copy).seen;

            assertEquals(complete.subList(0, complete.size() - 2), seen.subList(0, seen.size() - 1), "cut at " + cut);
            assertEquals("TAIL false " + lastRecordStart + " " + (cut - lastRecordStart), seen.get(seen.size() - 1),
                "cut at " + cut);
        }
        final Path copy = dir.resolve("cut.cwrun");
        Files.write(copy, Arrays.copyOf(Files.readAllBytes(file), (int) full - 3));
        try (RunFileReader reader = RunFileReader.open(copy)) {
            reader.skipAll();
            final String text = reader.tail().describe();
            assertTrue(text.contains("the last record is incomplete (a ALERT record of"), text);
            assertTrue(text.contains("bytes from byte " + lastRecordStart + " to the end"), text);
            assertTrue(text.contains("interrupted recording"), text);
        }
    }

    @Test
    void shouldTreatAFailedCrcOnTheLastRecordAsADamagedTail() throws Exception {
        final Path file = sample(dir.resolve("run.cwrun"));
        final byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 10] ^= 0x55; // inside the alert JSON
        Files.write(file, bytes);

        try (RunFileReader reader = RunFileReader.open(file)) {
            reader.skipAll();
            assertFalse(reader.tail().isComplete());
            assertTrue(reader.tail().reason().contains("fails its CRC"), reader.tail().reason());
        }
    }

    @Test
    void shouldTreatZeroBytesAtTheEndAsADamagedTail() throws Exception {
        final Path file = sample(dir.resolve("run.cwrun"));
        final long size = Files.size(file);
        Files.write(file, new byte[100], StandardOpenOption.APPEND); // space allocated but never written

        try (RunFileReader reader = RunFileReader.open(file)) {
            reader.skipAll();
            assertEquals(size, reader.tail().usableLength());
            assertEquals(100, reader.tail().damagedBytes());
        }
    }

    @Test
    void shouldFailNamingTheOffsetWhenARecordBeforeTheLastIsCorrupt() throws Exception {
        final Path file = sample(dir.resolve("run.cwrun"));
        final byte[] bytes = Files.readAllBytes(file);
        final int noteLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(16);
        final int channelRecord = 16 + noteLength;
        bytes[channelRecord + 30] ^= 0x01; // inside the CHANNEL record
        Files.write(file, bytes);

        final RunFileException e = assertThrows(RunFileException.class, () -> readAll(file));
        assertEquals(channelRecord, e.offset());
        assertTrue(e.getMessage().startsWith("run.cwrun at byte " + channelRecord + ": corrupt FRAME record: CRC-32C"),
            e.getMessage());
        assertTrue(e.getMessage().contains("more bytes follow"), e.getMessage());
    }

    @Test
    void shouldSayItIsNotARunFileWhenTheMagicIsWrong() throws Exception {
        final Path csv = dir.resolve("run.csv");
        Files.writeString(csv, "time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1,25\n");
        final RunFileException e = assertThrows(RunFileException.class, () -> RunFileReader.open(csv));
        assertEquals("run.csv: not a CellWatch run file: it starts with 'time_' (74 69 6d 65 5f), not 'CWRUN' "
            + "(a text file: cycler exports are turned into run files with 'import')", e.getMessage());

        final Path empty = dir.resolve("empty.cwrun");
        Files.write(empty, new byte[0]);
        assertTrue(assertThrows(RunFileException.class, () -> RunFileReader.open(empty)).getMessage()
            .contains("it starts with nothing (the file is empty)"));

        final Path binary = dir.resolve("x.bin");
        Files.write(binary, new byte[] {0, 1, 2, (byte) 0xFF, 7, 9});
        assertTrue(assertThrows(RunFileException.class, () -> RunFileReader.open(binary)).getMessage()
            .contains("it starts with 00 01 02 ff 07, not 'CWRUN'"));
        assertFalse(RunFileReader.isRunFile(csv));
    }

    @Test
    void shouldRefuseANewerFormatVersionWithAClearMessage() throws Exception {
        final Path file = sample(dir.resolve("run.cwrun"));
        final byte[] bytes = Files.readAllBytes(file);
        bytes[5] = 2;
        Files.write(file, bytes);
        final RunFileException e = assertThrows(RunFileException.class, () -> RunFileReader.open(file));
        assertEquals("run.cwrun: run file format version 2 is newer than this tool reads (up to 1); use a newer "
            + "replay tool", e.getMessage());

        bytes[5] = 0;
        Files.write(file, bytes);
        assertTrue(assertThrows(RunFileException.class, () -> RunFileReader.open(file)).getMessage()
            .contains("format version 0 does not exist"));
    }

    @Test
    void shouldSkipAndCountRecordsOfAnUnknownTypeWhenANewerToolWroteThem() throws Exception {
        final Path file = sample(dir.resolve("run.cwrun"));
        appendRawRecord(file, 99, new byte[] {1, 2, 3});
        try (RunFileWriter w = RunFileWriter.append(file)) {
            w.note(T0, "after", "still read");
        }

        final List<String> seen = readAll(file).seen;

        assertEquals("UNKNOWN 99 15", seen.get(seen.size() - 3));
        assertEquals("NOTE after still read", seen.get(seen.size() - 2));
    }

    @Test
    void shouldIgnoreFieldsAfterTheKnownOnesWhenALaterLayoutVersionAddsThem() throws Exception {
        // A NOTE of layout version 2 with 4 more bytes after the text.
        final ByteBuffer body = ByteBuffer.allocate(8 + 2 + 4 + 4 + 2 + 4).order(ByteOrder.LITTLE_ENDIAN);
        body.putLong(T0).putShort((short) 4).put("kind".getBytes(StandardCharsets.UTF_8)).putInt(2)
            .put("hi".getBytes(StandardCharsets.UTF_8)).putInt(0x12345678);
        final Path file = dir.resolve("v2.cwrun");
        RunFileWriter.create(file, T0).close();
        appendRawRecord(file, RunFileFormat.NOTE, Arrays.copyOf(body.array(), body.position()), 2);

        assertEquals(List.of("NOTE kind hi", "TAIL true " + Files.size(file) + " 0"), readAll(file).seen);
    }

    @Test
    void shouldCutADamagedTailBeforeAppendingWhenOpenedForAppend() throws Exception {
        final Path file = sample(dir.resolve("run.cwrun"));
        final long full = Files.size(file);
        final long lastRecordStart = full - lastRecordLength(file);
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), (int) full - 7));

        try (RunFileWriter w = RunFileWriter.append(file)) {
            assertFalse(w.tailBeforeAppend().isComplete());
            assertEquals(lastRecordStart, w.tailBeforeAppend().usableLength());
            w.alert("live", ALERT);
        }

        assertEquals(readAll(sample(dir.resolve("again.cwrun"))).seen.subList(0, 7), readAll(file).seen.subList(0, 7));
        assertEquals(full, Files.size(file));
    }

    @Test
    void shouldRefuseFramesThatDoNotBelongInARunFile() throws Exception {
        try (RunFileWriter w = RunFileWriter.create(dir.resolve("x.cwrun"), T0)) {
            final ExpandableArrayBuffer ack = new ExpandableArrayBuffer(16);
            io.cellwatch.core.codec.AckFlyweight.encode(ack, 0, 7);
            assertThrows(IllegalArgumentException.class, () -> w.frame(T0, "r", ack, 0, 16));
            final ExpandableArrayBuffer bad = samples(1, T0, 2);
            assertThrows(IllegalArgumentException.class, () -> w.frame(T0, "r", bad, 0, 30));
        }
        assertThrows(java.nio.file.FileAlreadyExistsException.class,
            () -> RunFileWriter.create(dir.resolve("x.cwrun"), T0));
    }

    @Test
    void shouldListTheChannelsAndLoadOneWhenAFileHoldsSeveral() throws Exception {
        final Path file = dir.resolve("two.cwrun");
        try (RunFileWriter w = RunFileWriter.create(file, T0)) {
            w.channel(RunFileFormat.UNKNOWN_TIME, "rigX", 1, DECLARATION);
            w.channel(RunFileFormat.UNKNOWN_TIME, "rigX", 2, new ChannelDeclaration(1, "rigX/ch02", "SN-2", "", "cellwatch/monitor",
                1, CellForm.POUCH, 1.0, Map.of()));
            w.frame(RunFileFormat.UNKNOWN_TIME, "rigX", samples(3, T0, 3), 0, SamplesFlyweight.frameLength(3));
        }
        assertEquals(List.of("rigX/ch01", "rigX/ch02"), RunFileChannelLoader.channels(file));
        final RunFileException e = assertThrows(RunFileException.class, () -> RunFileChannelLoader.load(file, null));
        assertTrue(e.getMessage().contains("holds 2 channels (rigX/ch01, rigX/ch02); name the one to replay"),
            e.getMessage());
        assertEquals(3, RunFileChannelLoader.load(file, "rigX/ch01").run().size());
        assertTrue(assertThrows(RunFileException.class, () -> RunFileChannelLoader.load(file, "rigX/ch02")).getMessage()
            .contains("channel 'rigX/ch02' has no samples"));
        assertTrue(assertThrows(RunFileException.class, () -> RunFileChannelLoader.load(file, "nope")).getMessage()
            .contains("no channel 'nope' in the file; its channels: rigX/ch01, rigX/ch02"));
    }

    @Test
    void shouldPlaceMarksBetweenTheirSamplesAndSkipResendsWhenLoadingAChannel() throws Exception {
        final Path file = dir.resolve("run.cwrun");
        sample(file);
        try (RunFileWriter w = RunFileWriter.append(file)) {
            // A resend of SAMPLES 4 (same sequence): a recording may hold it; the job skips it.
            w.frame(T0 + 5, "rigX", samples(4, T0 + 300_000, 2), 0, SamplesFlyweight.frameLength(2));
        }

        final RunFileChannelLoader.Loaded loaded = RunFileChannelLoader.load(file, null);

        assertEquals(5, loaded.run().size());
        assertEquals(T0, loaded.startMicros());
        assertEquals("rigX", loaded.rigId());
        assertEquals(1, loaded.repeatsSkipped());
        assertEquals(1, loaded.run().marks().size());
        assertEquals(3, loaded.run().marks().get(0).beforeRow());
        assertEquals(300_000, loaded.run().marks().get(0).runMicros());
        assertEquals(MarkType.PRESS_START, loaded.run().marks().get(0).type());
        assertEquals("pse-app9/overcharge-protection", loaded.run().channel().procedureId());
        assertEquals(Map.of("upper-charge-voltage.limit", 4.3), loaded.run().channel().overrides());
        assertTrue(loaded.run().timeStepsBack().isEmpty());
        assertTrue(Float.isNaN(loaded.run().cellTemperature(1)));
        assertEquals(10f, loaded.run().force(0));
        assertTrue(loaded.tail().isComplete());
    }

    /** Length of the last record (the ALERT of {@link #sample}), from the record layout. */
    private static long lastRecordLength(final Path file) throws Exception {
        final long[] last = new long[1];
        try (RunFileReader reader = RunFileReader.open(file)) {
            long before = reader.position();
            while (reader.next(new RunFileVisitor() {
            })) {
                last[0] = reader.position() - before;
                before = reader.position();
            }
        }
        return last[0];
    }

    static void appendRawRecord(final Path file, final int type, final byte[] body) throws IOException {
        appendRawRecord(file, type, body, 1);
    }

    /** Appends a hand-made record with a correct length and CRC. */
    static void appendRawRecord(final Path file, final int type, final byte[] body, final int version)
        throws IOException {
        final int length = 8 + body.length + 4;
        final ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(length).put((byte) type).put((byte) version).putShort((short) 0).put(body);
        final CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, length - 4);
        b.putInt((int) crc.getValue()).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.APPEND)) {
            ch.write(b);
        }
    }
}
