package io.cellwatch.replay.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A recorded test run of one channel, in memory: the channel's metadata and the samples as column arrays.
 *
 * <p>Times are microseconds since the run start, as the replay will send them: never decreasing. The file's own
 * times may go backwards (a restart at zero, a second file appended); {@link Builder#add} turns that into a
 * {@link TimeStepBack} note and shifts the following rows (see there). Equal times are kept as they are. Optional
 * values (ambient temperature, force, and cell temperature for formats that may lack it) are NaN when absent.
 */
public final class Run {
    private final String source;
    private final ChannelInfo channel;
    private final int size;
    private final long[] timeMicros;
    private final float[] voltage;
    private final float[] current;
    private final float[] cellTemperature;
    private final float[] ambientTemperature;
    private final float[] force;
    private final List<TimeStepBack> timeStepsBack;
    private final List<Mark> marks;

    private Run(final Builder b, final ChannelInfo channel) {
        this.source = b.source;
        this.channel = channel;
        this.size = b.size;
        this.timeMicros = Arrays.copyOf(b.timeMicros, b.size);
        this.voltage = Arrays.copyOf(b.voltage, b.size);
        this.current = Arrays.copyOf(b.current, b.size);
        this.cellTemperature = Arrays.copyOf(b.cellTemperature, b.size);
        this.ambientTemperature = Arrays.copyOf(b.ambientTemperature, b.size);
        this.force = Arrays.copyOf(b.force, b.size);
        this.timeStepsBack = List.copyOf(b.timeline.steps());
        this.marks = List.copyOf(b.marks);
    }

    private Run(final Run other, final ChannelInfo channel) {
        this.source = other.source;
        this.channel = channel;
        this.size = other.size;
        this.timeMicros = other.timeMicros;
        this.voltage = other.voltage;
        this.current = other.current;
        this.cellTemperature = other.cellTemperature;
        this.ambientTemperature = other.ambientTemperature;
        this.force = other.force;
        this.timeStepsBack = other.timeStepsBack;
        this.marks = other.marks;
    }

    /** Starts a run read from {@code source} (a file name, for messages). */
    public static Builder builder(final String source) {
        return new Builder(source);
    }

    /** The same samples declared with other metadata (an importer's metadata overridden by the command line). */
    public Run withChannel(final ChannelInfo newChannel) {
        return new Run(this, Objects.requireNonNull(newChannel, "channel"));
    }

    public String source() {
        return source;
    }

    public ChannelInfo channel() {
        return channel;
    }

    /** Number of samples. */
    public int size() {
        return size;
    }

    /** Time of sample {@code i} as replayed, microseconds since the run start; never less than that of i - 1. */
    public long timeMicros(final int i) {
        return timeMicros[i];
    }

    public float voltage(final int i) {
        return voltage[i];
    }

    public float current(final int i) {
        return current[i];
    }

    /** Cell temperature in C, NaN when absent. */
    public float cellTemperature(final int i) {
        return cellTemperature[i];
    }

    /** Ambient (chamber) temperature in C, NaN when absent. */
    public float ambientTemperature(final int i) {
        return ambientTemperature[i];
    }

    /** Force in N, NaN when absent. */
    public float force(final int i) {
        return force[i];
    }

    /** Rows whose file time went backwards, in file order. */
    public List<TimeStepBack> timeStepsBack() {
        return timeStepsBack;
    }

    /** The phase markers, in order; each names the sample it comes before. */
    public List<Mark> marks() {
        return marks;
    }

    /** Run time from the first to the last sample, microseconds. */
    public long durationMicros() {
        return size == 0 ? 0 : timeMicros[size - 1] - timeMicros[0];
    }

    /** Microseconds as seconds with three decimals, e.g. {@code 12.345}. */
    static String formatSeconds(final long micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1e6);
    }

    /** Collects the rows of a run in file order; shared by every reader so they all treat time the same way. */
    public static final class Builder {
        private final String source;
        private final ForwardTimeline timeline = new ForwardTimeline();
        private final List<Mark> marks = new ArrayList<>();
        private int size;
        private long[] timeMicros = new long[256];
        private float[] voltage = new float[256];
        private float[] current = new float[256];
        private float[] cellTemperature = new float[256];
        private float[] ambientTemperature = new float[256];
        private float[] force = new float[256];

        private Builder(final String source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        /**
         * Adds one row. When {@code fileMicros} is earlier than the previous row's file time, the row is sent at the
         * previous row's run time and every later row is shifted by the same amount, keeping its spacing; the step is
         * recorded as a {@link TimeStepBack} ({@link ForwardTimeline}). Equal times are kept as they are.
         *
         * @param line       the row's line in the source, for the notes
         * @param fileMicros the row's time in the file, microseconds since the run start
         */
        public Builder add(final long line, final long fileMicros, final float voltage, final float current,
                           final float cellTemperature, final float ambientTemperature, final float force) {
            if (size == timeMicros.length) {
                grow();
            }
            this.timeMicros[size] = timeline.place(line, fileMicros);
            this.voltage[size] = voltage;
            this.current[size] = current;
            this.cellTemperature[size] = cellTemperature;
            this.ambientTemperature[size] = ambientTemperature;
            this.force[size] = force;
            size++;
            return this;
        }

        public int size() {
            return size;
        }

        /**
         * Adds a phase marker before the next row added.
         *
         * @param runMicros the mark's time on the run's timeline (as the rows are placed)
         */
        public Builder mark(final int type, final long runMicros) {
            marks.add(new Mark(size, runMicros, type));
            return this;
        }

        private void grow() {
            final int c = timeMicros.length * 2;
            timeMicros = Arrays.copyOf(timeMicros, c);
            voltage = Arrays.copyOf(voltage, c);
            current = Arrays.copyOf(current, c);
            cellTemperature = Arrays.copyOf(cellTemperature, c);
            ambientTemperature = Arrays.copyOf(ambientTemperature, c);
            force = Arrays.copyOf(force, c);
        }

        /** The run, declared as {@code channel}. */
        public Run build(final ChannelInfo channel) {
            return new Run(this, Objects.requireNonNull(channel, "channel"));
        }
    }
}
