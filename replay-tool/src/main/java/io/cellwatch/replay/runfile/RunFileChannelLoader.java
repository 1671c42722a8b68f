package io.cellwatch.replay.runfile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.replay.run.ChannelInfo;
import io.cellwatch.replay.run.Run;

/**
 * Loads one channel of a run file into a {@link Run} for {@code replay}: its first declaration, its samples and its
 * marks in file order. Run time 0 is the channel's first sample or mark; {@link Loaded#startMicros()} is its rig time.
 * Frames whose sequence number is not above the last one applied for the channel are rig resends that a recording
 * may hold; they are skipped, as the live job skips them.
 */
public final class RunFileChannelLoader {
    private RunFileChannelLoader() {
    }

    /**
     * One channel of a run file.
     *
     * @param run            the samples and marks, run time from {@code startMicros}
     * @param startMicros    rig time of run time 0, us since the epoch
     * @param rigId          the rig that declared the channel
     * @param tail           how the file ends
     * @param repeatsSkipped frames skipped as resends
     * @param redeclared     CHANNEL records after the first one for this channel (the first one is used)
     * @param unknownRecords records of a type this version does not know (skipped)
     */
    public record Loaded(Run run, long startMicros, String rigId, RunFileTail tail, int repeatsSkipped,
                         int redeclared, long unknownRecords) {
    }

    /**
     * Loads {@code channelId}, or the only channel of the file when it is null.
     *
     * @throws RunFileException the file cannot be read, has no such channel, or has several and none was named
     */
    public static Loaded load(final Path file, final String channelId) throws IOException, RunFileException {
        final String source = String.valueOf(file.getFileName());
        final String wanted = channelId != null ? channelId : onlyChannel(file, source);
        final Map<Integer, String> idOfNumber = new HashMap<>();
        final List<String> problems = new ArrayList<>();
        final Collector c = new Collector(source, wanted, idOfNumber, problems);
        final RunFileTail tail;
        final long unknown;
        try (RunFileReader reader = RunFileReader.open(file)) {
            reader.readAll(c);
            tail = reader.tail();
            unknown = reader.unknownRecords();
        }
        if (!problems.isEmpty()) {
            throw new RunFileException(source, -1, problems.get(0));
        }
        if (c.declaration == null) {
            throw new RunFileException(source, -1, "no channel '" + wanted + "' in the file; its channels: "
                + String.join(", ", channels(file)));
        }
        if (c.builder == null || c.builder.size() == 0) {
            throw new RunFileException(source, -1, "channel '" + wanted + "' has no samples");
        }
        final ChannelDeclaration d = c.declaration;
        final ChannelInfo info;
        try {
            info = new ChannelInfo(d.channelId(), d.cellSerial(), d.lot(), d.procedureId(), d.procedureVersion(),
                d.cellForm(), d.ratedCapacityAh(), d.overrides());
        } catch (IllegalArgumentException e) {
            throw new RunFileException(source, -1, "channel '" + wanted + "' has a declaration the rig protocol "
                + "cannot carry: " + e.getMessage());
        }
        return new Loaded(c.builder.build(info), c.base, c.rigId, tail, c.repeats, c.redeclared, unknown);
    }

    /** The channel ids declared in {@code file}, in order of first declaration. */
    public static List<String> channels(final Path file) throws IOException, RunFileException {
        final Map<String, Boolean> ids = new LinkedHashMap<>();
        try (RunFileReader reader = RunFileReader.open(file)) {
            reader.readAll(new RunFileVisitor() {
                @Override
                public void frame(final FrameRecord r) {
                    if (r.frameType() == FrameType.CHANNEL) {
                        ids.put(r.channel().declaration().channelId(), Boolean.TRUE);
                    }
                }
            });
        }
        return List.copyOf(ids.keySet());
    }

    private static String onlyChannel(final Path file, final String source) throws IOException, RunFileException {
        final List<String> ids = channels(file);
        if (ids.size() == 1) {
            return ids.get(0);
        }
        throw new RunFileException(source, -1, ids.isEmpty() ? "the file declares no channel"
            : "the file holds " + ids.size() + " channels (" + String.join(", ", ids) + "); name the one to replay");
    }

    private static final class Collector implements RunFileVisitor {
        private final String source;
        private final String wanted;
        private final Map<Integer, String> idOfNumber;
        private final List<String> problems;
        private ChannelDeclaration declaration;
        private String rigId;
        private Run.Builder builder;
        private long base;
        private long lastSequence = Long.MIN_VALUE;
        private int repeats;
        private int redeclared;
        private long sampleNo;

        Collector(final String source, final String wanted, final Map<Integer, String> idOfNumber,
                  final List<String> problems) {
            this.source = source;
            this.wanted = wanted;
            this.idOfNumber = idOfNumber;
            this.problems = problems;
        }

        @Override
        public void frame(final FrameRecord r) {
            switch (r.frameType()) {
                case FrameType.CHANNEL -> {
                    final ChannelDeclaration d = r.channel().declaration();
                    idOfNumber.put(d.channelNo(), d.channelId());
                    if (!wanted.equals(d.channelId()) || isRepeat(r.channel().sequence())) {
                        return;
                    }
                    if (declaration == null) {
                        declaration = d;
                        rigId = r.rigId();
                    } else {
                        redeclared++;
                    }
                }
                case FrameType.SAMPLES -> {
                    final SamplesFlyweight f = r.samples();
                    if (!wanted.equals(channelOf(f.channelNo(), r)) || isRepeat(f.sequence())) {
                        return;
                    }
                    for (int i = 0, n = f.sampleCount(); i < n; i++) {
                        final long t = f.timestampMicros(i);
                        start(t);
                        builder.add(++sampleNo, t - base, f.voltage(i), f.current(i), f.cellTemperature(i),
                            f.ambientTemperature(i), f.force(i));
                    }
                }
                default -> {
                    final MarkFlyweight m = r.mark();
                    if (!wanted.equals(channelOf(m.channelNo(), r)) || isRepeat(m.sequence())) {
                        return;
                    }
                    start(m.timestampMicros());
                    builder.mark(m.markType(), m.timestampMicros() - base);
                }
            }
        }

        private String channelOf(final int channelNo, final FrameRecord r) {
            final String id = idOfNumber.get(channelNo);
            if (id == null && problems.isEmpty()) {
                problems.add("the " + FrameType.name(r.frameType()) + " frame at byte " + r.offset()
                    + " names channel number " + channelNo + ", which no CHANNEL record before it declared");
            }
            return id;
        }

        private void start(final long t) {
            if (builder == null) {
                builder = Run.builder(source);
                base = t;
            }
        }

        private boolean isRepeat(final long sequence) {
            if (sequence <= lastSequence) {
                repeats++;
                return true;
            }
            lastSequence = sequence;
            return false;
        }
    }
}
