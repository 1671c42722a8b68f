package io.cellwatch.replay.imports;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.agrona.ExpandableArrayBuffer;

import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.replay.run.ChannelInfo;
import io.cellwatch.replay.run.ForwardTimeline;
import io.cellwatch.replay.run.TimeStepBack;
import io.cellwatch.replay.runfile.RunFileFormat;
import io.cellwatch.replay.runfile.RunFileWriter;

/**
 * The {@link ImportSink} that writes a run file, streaming: one CHANNEL record before the first sample, SAMPLES
 * frames of up to {@link Settings#frameSamples()} samples, MARK records where the requested marks fall, and the
 * counts for the summary. Nothing is held in memory per sample.
 *
 * <ul>
 *   <li>Time: the file's times become rig times. Elapsed times are added to the run's start ({@code --start-time},
 *       else the date the file gives, else 1970-01-01T00:00:00Z); dates and epoch times are kept, or shifted so that
 *       the first sample is at {@code --start-time} when it is given. Duplicate timestamps are kept; a time earlier
 *       than the row before follows the {@link ForwardTimeline} policy, so rig times never go back.</li>
 *   <li>Values are written as the protocol's f32; a required value outside the f32 range makes the line
 *       unparseable.</li>
 *   <li>Unparseable lines are counted, the first {@link Settings#keepUnparseable()} kept for the report; with
 *       {@link Settings#strict()} the first one ends the import.</li>
 * </ul>
 */
public final class RunFileImport implements ImportSink {
    /** The channel number of the imported channel in the run file. */
    public static final int CHANNEL_NO = 0;
    /** Lines between two progress callbacks. */
    private static final int PROGRESS_EVERY = 4096;

    /**
     * What to write besides the samples.
     *
     * @param source          the imported file's name, for messages
     * @param rigId           rig id recorded with every frame
     * @param channel         builds the declaration once the file's own metadata is known (command-line options
     *                        override the file; throws IllegalArgumentException when the result is invalid)
     * @param marks           phase markers to insert, by run time
     * @param startMicros     {@code --start-time}: the rig time of run time 0, or null
     * @param strict          the first unparseable line ends the import
     * @param frameSamples    samples per SAMPLES frame in the run file
     * @param keepUnparseable unparseable lines kept for the report
     */
    public record Settings(String source, String rigId, Function<FileFacts, ChannelInfo> channel,
                           List<MarkRequest> marks, Long startMicros, boolean strict, int frameSamples,
                           int keepUnparseable) {
        public Settings {
            marks = marks.stream().sorted(java.util.Comparator.comparingLong(MarkRequest::runMicros)).toList();
            if (frameSamples < 1 || frameSamples > SamplesFlyweight.MAX_SAMPLES_DEFAULT) {
                throw new IllegalArgumentException("frame samples must be 1.." + SamplesFlyweight.MAX_SAMPLES_DEFAULT);
            }
        }
    }

    /** A phase marker to insert at run time {@code runMicros} (before the first sample at or after it). */
    public record MarkRequest(int type, long runMicros) {
    }

    /** Called every few thousand lines, for progress lines. */
    public interface Progress {
        void update(long samples, long unparseable);
    }

    /** An unparseable line, for the report. */
    public record Unparseable(long line, String reason, String text) {
    }

    /** One sample as written, for the first/last lines of the summary. */
    public record Sample(long line, long rigMicros, float voltage, float current, float cellTemperature) {
    }

    /**
     * What was imported.
     *
     * @param channel          the declaration written
     * @param startMicros      rig time of run time 0
     * @param startFrom        where the start came from
     * @param absoluteTimes    whether the file's times were dates or epoch times
     * @param samples          samples written
     * @param frames           SAMPLES frames written
     * @param marks            MARK records written
     * @param unparseable      unparseable lines in all
     * @param firstUnparseable the first of them
     * @param skipped          lines that are not samples by design, by kind
     * @param duplicates       samples with the same time as the sample before (kept)
     * @param timeSteps        times going backwards (placed by the {@link ForwardTimeline} policy)
     * @param first            the first sample
     * @param last             the last sample
     * @param minVoltage       lowest voltage, V
     * @param maxVoltage       highest voltage, V
     * @param minCurrent       lowest current, A
     * @param maxCurrent       highest current, A
     * @param withTemperature  samples with a cell temperature
     * @param withAmbient      samples with an ambient temperature
     * @param withForce        samples with a force
     */
    public record Summary(ChannelInfo channel, long startMicros, String startFrom, boolean absoluteTimes, long samples,
                          long frames, int marks, long unparseable, List<Unparseable> firstUnparseable,
                          Map<String, Long> skipped, long duplicates, List<TimeStepBack> timeSteps, Sample first,
                          Sample last, float minVoltage, float maxVoltage, float minCurrent, float maxCurrent,
                          long withTemperature, long withAmbient, long withForce) {

        /** Run time from the first to the last sample, us. */
        public long durationMicros() {
            return last.rigMicros() - first.rigMicros();
        }
    }

    private final RunFileWriter writer;
    private final Settings settings;
    private final FileFacts facts;
    private final Progress progress;
    private final ForwardTimeline timeline = new ForwardTimeline();
    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(SamplesFlyweight.frameLength(256));
    private final List<Unparseable> firstUnparseable = new ArrayList<>();
    private final Map<String, Long> skipped = new LinkedHashMap<>();
    private ChannelInfo channel;
    private boolean started;
    private boolean absolute;
    private long firstFileMicros;
    private long startMicros;
    private String startFrom;
    private long sequence;
    private int inFrame;
    private long frames;
    private int nextMark;
    private int marks;
    private long samples;
    private long unparseable;
    private long lines;
    private long duplicates;
    private long previousPlaced;
    private Sample first;
    private Sample last;
    private float minV = Float.POSITIVE_INFINITY;
    private float maxV = Float.NEGATIVE_INFINITY;
    private float minI = Float.POSITIVE_INFINITY;
    private float maxI = Float.NEGATIVE_INFINITY;
    private long withTemperature;
    private long withAmbient;
    private long withForce;

    public RunFileImport(final RunFileWriter writer, final Settings settings, final FileFacts facts,
                         final Progress progress) {
        this.writer = writer;
        this.settings = settings;
        this.facts = facts;
        this.progress = progress;
    }

    @Override
    public void sample(final long line, final boolean absoluteTime, final long micros, final double voltage,
                       final double current, final double cellTemperature, final double ambient, final double force)
        throws ImportException, IOException {
        tick();
        final float v = (float) voltage;
        final float i = (float) current;
        if (Float.isInfinite(v) || Float.isInfinite(i) || Float.isNaN(v) || Float.isNaN(i)) {
            reject(line, null, "voltage " + voltage + " V or current " + current + " A is not a finite 32-bit "
                + "float");
            return;
        }
        if (!started) {
            begin(absoluteTime, micros);
        } else if (absoluteTime != absolute) {
            reject(line, null, absolute ? "an elapsed time, but the rows before had dates"
                : "a date, but the rows before had elapsed times");
            return;
        }
        final long placed;
        try {
            placed = timeline.place(line, absolute ? Math.subtractExact(micros, firstFileMicros) : micros);
        } catch (ArithmeticException e) {
            reject(line, null, "time out of range");
            return;
        }
        while (nextMark < settings.marks().size() && settings.marks().get(nextMark).runMicros() <= placed) {
            writeMark(settings.marks().get(nextMark++));
        }
        final long rig = startMicros + placed;
        SamplesFlyweight.putSample(frame, 0, inFrame++, rig, v, i, (float) cellTemperature, (float) ambient,
            (float) force);
        if (samples > 0 && placed == previousPlaced) {
            duplicates++;
        }
        previousPlaced = placed;
        samples++;
        final Sample s = new Sample(line, rig, v, i, (float) cellTemperature);
        if (first == null) {
            first = s;
        }
        last = s;
        minV = Math.min(minV, v);
        maxV = Math.max(maxV, v);
        minI = Math.min(minI, i);
        maxI = Math.max(maxI, i);
        withTemperature += Double.isNaN(cellTemperature) ? 0 : 1;
        withAmbient += Double.isNaN(ambient) ? 0 : 1;
        withForce += Double.isNaN(force) ? 0 : 1;
        if (inFrame == settings.frameSamples()) {
            flushFrame();
        }
    }

    /** Resolves the start and writes the CHANNEL record, at the first sample. */
    private void begin(final boolean absoluteTime, final long micros) throws ImportException, IOException {
        started = true;
        absolute = absoluteTime;
        firstFileMicros = micros;
        if (settings.startMicros() != null) {
            startMicros = settings.startMicros();
            startFrom = "--start-time" + (absolute ? " (the file's times shifted so that the first sample is there)"
                : "");
        } else if (absolute) {
            startMicros = micros;
            startFrom = "the first sample's own time";
        } else if (facts.startMicros != null) {
            startMicros = facts.startMicros;
            startFrom = facts.startFrom;
        } else {
            startMicros = 0;
            startFrom = "none in the file: 1970-01-01T00:00:00Z (give --start-time)";
        }
        try {
            channel = settings.channel().apply(facts);
        } catch (IllegalArgumentException e) {
            throw new ImportException(settings.source(), 0, "bad channel declaration: " + e.getMessage());
        }
        writer.channel(RunFileFormat.UNKNOWN_TIME, settings.rigId(), ++sequence, channel.toDeclaration(CHANNEL_NO));
    }

    @Override
    public void unparseable(final long line, final String text, final String reason) throws ImportException {
        tick();
        reject(line, text, reason);
    }

    private void reject(final long line, final String text, final String reason) throws ImportException {
        unparseable++;
        if (settings.strict()) {
            throw new ImportException(settings.source(), line, reason + " (--strict: stopped at the first "
                + "unparseable line)");
        }
        if (firstUnparseable.size() < settings.keepUnparseable()) {
            firstUnparseable.add(new Unparseable(line, reason, text == null ? null : Cells.preview(text)));
        }
    }

    @Override
    public void skipped(final long line, final String what) {
        tick();
        skipped.merge(what, 1L, Long::sum);
    }

    private void tick() {
        if (++lines % PROGRESS_EVERY == 0) {
            progress.update(samples, unparseable);
        }
    }

    private void writeMark(final MarkRequest m) throws IOException {
        flushFrame();
        writer.mark(RunFileFormat.UNKNOWN_TIME, settings.rigId(), ++sequence, CHANNEL_NO, m.type(),
            startMicros + m.runMicros());
        marks++;
    }

    private void flushFrame() throws IOException {
        if (inFrame == 0) {
            return;
        }
        final int length = SamplesFlyweight.encodeHeader(frame, 0, ++sequence, CHANNEL_NO, inFrame);
        writer.frame(RunFileFormat.UNKNOWN_TIME, settings.rigId(), frame, 0, length);
        frames++;
        inFrame = 0;
    }

    /**
     * Writes what is left (the last frame, marks after the last sample) and returns the summary.
     *
     * @throws ImportException when the file held no sample at all
     */
    public Summary finish() throws IOException, ImportException {
        if (!started) {
            throw new ImportException(settings.source(), 0, "no samples in the file" + (unparseable > 0
                ? " (" + unparseable + " unparseable lines" + (firstUnparseable.isEmpty() ? "" : ", the first at line "
                + firstUnparseable.get(0).line() + ": " + firstUnparseable.get(0).reason()) + ")" : ""));
        }
        flushFrame();
        while (nextMark < settings.marks().size()) {
            writeMark(settings.marks().get(nextMark++));
        }
        return new Summary(channel, startMicros, startFrom, absolute, samples, frames, marks, unparseable,
            List.copyOf(firstUnparseable), java.util.Collections.unmodifiableMap(new LinkedHashMap<>(skipped)), duplicates, List.copyOf(timeline.steps()), first, last,
            minV, maxV, minI, maxI, withTemperature, withAmbient, withForce);
    }
}
