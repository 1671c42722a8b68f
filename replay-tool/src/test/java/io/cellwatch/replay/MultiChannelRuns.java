package io.cellwatch.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.agrona.ExpandableArrayBuffer;

import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.replay.runfile.RunFileWriter;

/**
 * A run file with two channels of two rigs, as {@code record --lot} writes it: file channel 0 {@code rigA/ch01}
 * (lot L-1, serial SN-A) and 1 {@code rigB/ch01} (lot L-1, serial SN-B), both under pse-app9/overcharge-protection@1
 * (4.25 V), frames interleaved in arrival order, 10 Hz samples from {@link #T0}, 1 A charge.
 *
 * rigA/ch01 also has a PRESS_START mark before its sample 40.
 */
final class MultiChannelRuns {
    static final long T0 = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
    static final int SAMPLES_PER_CHANNEL = 60;
    static final int BATCH = 20;

    private MultiChannelRuns() {
    }

    /** Voltage of rigA/ch01 at sample {@code i}: 4.131 V + 2.5 mV per sample, above 4.25 V from sample 48 (4.251 V); peak 4.2785 V. */
    static double voltageA(final int i) {
        return 4.131 + 0.0025 * i;
    }

    /** Voltage of rigB/ch01 at sample {@code i}: 4.146 V + 2.5 mV per sample, above 4.25 V from sample 42, above 4.285 V from 56; peak 4.2935 V. */
    static double voltageB(final int i) {
        return 4.146 + 0.0025 * i;
    }

    /**
     * Writes the file. Arrival times are those a rig sending every {@link #BATCH} samples when the last is taken
     * would give (plus 5 ms), so the file has a live recording's clock; rigB's batches arrive 1 ms after rigA's.
     */
    static Path write(final Path file) throws IOException {
        return write(file, SAMPLES_PER_CHANNEL);
    }

    /** The same with {@code samples} samples per channel (a multiple of {@link #BATCH}); the mark stays at 40. */
    static Path write(final Path file, final int samples) throws IOException {
        final ExpandableArrayBuffer b = new ExpandableArrayBuffer(4096);
        try (RunFileWriter w = RunFileWriter.create(file, T0)) {
            w.note(T0, "record", "two channels written by MultiChannelRuns");
            w.channel(T0 - 1_000, "rigA", 1, declaration(0, "rigA/ch01", "SN-A"));
            w.channel(T0 - 500, "rigB", 1, declaration(1, "rigB/ch01", "SN-B"));
            long seqA = 2;
            long seqB = 2;
            for (int first = 0; first < samples; first += BATCH) {
                final long arrival = T0 + (first + BATCH - 1) * 100_000L + 5_000;
                if (first == 40) {
                    w.mark(arrival - 2_000, "rigA", seqA++, 0, MarkType.PRESS_START, T0 + 40 * 100_000L);
                }
                encode(b, seqA++, 0, first, true);
                w.frame(arrival, "rigA", b, 0, SamplesFlyweight.frameLength(BATCH));
                encode(b, seqB++, 1, first, false);
                w.frame(arrival + 1_000, "rigB", b, 0, SamplesFlyweight.frameLength(BATCH));
            }
        }
        return file;
    }

    private static void encode(final ExpandableArrayBuffer b, final long seq, final int channelNo, final int first,
                               final boolean a) {
        SamplesFlyweight.encodeHeader(b, 0, seq, channelNo, BATCH);
        for (int i = 0; i < BATCH; i++) {
            final int n = first + i;
            SamplesFlyweight.putSample(b, 0, i, T0 + n * 100_000L, (float) (a ? voltageA(n) : voltageB(n)), 1f,
                25f + 0.01f * n, 22f, Float.NaN);
        }
    }

    static ChannelDeclaration declaration(final int no, final String channelId, final String serial) {
        return new ChannelDeclaration(no, channelId, serial, "L-1", "pse-app9/overcharge-protection", 1,
            CellForm.CYLINDRICAL, 3.0, Map.of());
    }
}
