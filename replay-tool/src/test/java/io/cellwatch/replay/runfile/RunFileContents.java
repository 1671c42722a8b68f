package io.cellwatch.replay.runfile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.ChannelDeclaration;

/** A run file read into lists, for assertions. */
public record RunFileContents(List<ChannelDeclaration> channels, List<Sample> samples, List<long[]> marks,
                              List<Alert> alerts, List<String> notes, List<Integer> framesPerRecord,
                              RunFileTail tail) {

    /** One sample as stored (f32 values, NaN when absent). */
    public record Sample(long micros, float voltage, float current, float cellTemperature, float ambient,
                         float force) {
    }

    /** Reads the whole file. */
    public static RunFileContents read(final Path file) throws Exception {
        final List<ChannelDeclaration> channels = new ArrayList<>();
        final List<Sample> samples = new ArrayList<>();
        final List<long[]> marks = new ArrayList<>();
        final List<Alert> alerts = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<Integer> frames = new ArrayList<>();
        try (RunFileReader reader = RunFileReader.open(file)) {
            reader.readAll(new RunFileVisitor() {
                @Override
                public void frame(final FrameRecord r) {
                    if (r.frameType() == FrameType.CHANNEL) {
                        channels.add(r.channel().declaration());
                    } else if (r.frameType() == FrameType.SAMPLES) {
                        final SamplesFlyweight f = r.samples();
                        frames.add(f.sampleCount());
                        for (int i = 0; i < f.sampleCount(); i++) {
                            samples.add(new Sample(f.timestampMicros(i), f.voltage(i), f.current(i),
                                f.cellTemperature(i), f.ambientTemperature(i), f.force(i)));
                        }
                    } else {
                        marks.add(new long[] {r.mark().markType(), r.mark().timestampMicros(), samples.size()});
                    }
                }

                @Override
                public void alert(final long offset, final String label, final Alert alert) {
                    alerts.add(alert);
                }

                @Override
                public void note(final NoteRecord note) {
                    notes.add(note.kind() + ": " + note.text());
                }
            });
            return new RunFileContents(channels, samples, marks, alerts, notes, frames, reader.tail());
        }
    }

    /** Samples whose time equals that of the sample before. */
    public long duplicateTimestamps() {
        long n = 0;
        for (int i = 1; i < samples.size(); i++) {
            if (samples.get(i).micros() == samples.get(i - 1).micros()) {
                n++;
            }
        }
        return n;
    }

    public Sample first() {
        return samples.get(0);
    }

    public Sample last() {
        return samples.get(samples.size() - 1);
    }
}
