package io.cellwatch.replay.record;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.replay.runfile.RunFileFormat;
import io.cellwatch.replay.runfile.RunFileWriter;

/**
 * Decides, record by record of the samples topic (fed in arrival order), which frames belong to the run, and writes
 * them as FRAME records.
 *
 * <p><b>Channel numbers are renumbered.</b> A rig's channel numbers belong to its connection: two rigs both use 0,
 * and a rig may declare a channel under another number after a reconnect. A run file binds numbers to channel ids
 * for the whole file, so every channel id gets a file channel number of its own, 0, 1, 2 ... in order of its first
 * frame in the file, written into the copied CHANNEL, SAMPLES and MARK frames (the only bytes changed). With one
 * channel per file that is 0.
 *
 * <p><b>A time range keeps the declaration in force.</b> Frames received before {@code --from} are not copied, but
 * each channel's last matching CHANNEL declaration before it is written just before the channel's first frame in
 * the range, so that the run can be evaluated.
 */
public final class SamplesCopier {
    /** How many distinct channel ids, rigs and lots are remembered for the "nothing matched" message. */
    private static final int SEEN_LIMIT = 1000;

    private final RecordSelection selection;
    private final RunFileWriter writer;
    private final TelemetryRecordFlyweight envelope = new TelemetryRecordFlyweight();
    private final ChannelFlyweight channelFrame = new ChannelFlyweight();
    private final UnsafeBuffer in = new UnsafeBuffer(new byte[0]);
    private final ExpandableArrayBuffer copy = new ExpandableArrayBuffer(4096);
    private final Map<String, Track> tracks = new HashMap<>();
    /** Channel ids in file-number order. */
    private final Map<String, Track> recorded = new LinkedHashMap<>();
    private final Set<String> seenChannels = new TreeSet<>();
    private final Set<String> seenRigs = new TreeSet<>();
    private final Set<String> seenLots = new TreeSet<>();
    private long records;
    private long kept;
    private long invalid;
    private long withoutKey;
    private long undeclared;

    /** What is known of one channel id while the topic streams past. */
    private static final class Track {
        final String channelId;
        int fileNo = -1;
        boolean declared;
        boolean cellMatches;
        String lot = "";
        String serial = "";
        String rigId = "";
        byte[] pendingDeclaration;
        long frames;

        Track(final String channelId) {
            this.channelId = channelId;
        }
    }

    public SamplesCopier(final RecordSelection selection, final RunFileWriter writer) {
        this.selection = selection;
        this.writer = writer;
    }

    /**
     * The gateway's receive time of a samples-topic record value, by which the partitions are merged;
     * {@link Long#MIN_VALUE} for a value that is not a valid envelope (handed on at once, and counted as invalid).
     */
    public long arrival(final byte[] value) {
        if (value == null) {
            return Long.MIN_VALUE;
        }
        in.wrap(value);
        envelope.wrap(in, 0, value.length);
        return envelope.validate() == null ? envelope.receivedAtMicros() : Long.MIN_VALUE;
    }

    /** Takes one samples-topic record: key = channel id, value = envelope + frame. */
    public void accept(final String channelId, final byte[] value) throws IOException {
        records++;
        if (value == null) {
            invalid++;
            return;
        }
        in.wrap(value);
        envelope.wrap(in, 0, value.length);
        if (envelope.validate() != null) {
            invalid++;
            return;
        }
        if (channelId == null) {
            withoutKey++;
            return;
        }
        final String rigId = envelope.rigId();
        remember(seenChannels, channelId);
        remember(seenRigs, rigId);
        final Track t = tracks.computeIfAbsent(channelId, Track::new);
        final int frameOffset = envelope.frameOffset();
        final int frameType = in.getByte(frameOffset + FrameDescriptor.TYPE_OFFSET) & 0xFF;
        if (frameType == FrameType.CHANNEL) {
            final ChannelDeclaration d = ((ChannelFlyweight) channelFrame.wrap(in, frameOffset)).declaration();
            t.declared = true;
            t.lot = d.lot();
            t.serial = d.cellSerial();
            remember(seenLots, d.lot());
            t.cellMatches = selection.cell(d.lot(), d.cellSerial());
            t.pendingDeclaration = null; // a newer declaration replaces one held back
        }
        if (!selection.channelAndRig(channelId, rigId)) {
            return;
        }
        if (selection.byCell()) {
            if (!t.declared) {
                undeclared++;
                return;
            }
            if (!t.cellMatches) {
                return;
            }
        }
        final long at = envelope.receivedAtMicros();
        if (at < selection.fromMicros()) {
            if (frameType == FrameType.CHANNEL) {
                t.pendingDeclaration = value.clone(); // the declaration in force when the range starts
            }
            return;
        }
        if (at >= selection.toMicros()) {
            return;
        }
        if (t.pendingDeclaration != null) {
            final byte[] held = t.pendingDeclaration;
            t.pendingDeclaration = null;
            write(t, held);
            in.wrap(value);
            envelope.wrap(in, 0, value.length);
        }
        write(t, value);
    }

    private void write(final Track t, final byte[] value) throws IOException {
        in.wrap(value);
        envelope.wrap(in, 0, value.length);
        final int length = envelope.frameLength();
        copy.putBytes(0, in, envelope.frameOffset(), length);
        if (t.fileNo < 0) {
            t.fileNo = recorded.size();
            recorded.put(t.channelId, t);
        }
        // CHANNEL, SAMPLES and MARK all carry the channel number right after the sequence number.
        copy.putShort(ChannelFlyweight.CHANNEL_NO_OFFSET, (short) t.fileNo, RunFileFormat.BYTE_ORDER);
        try {
            writer.frame(envelope.receivedAtMicros(), envelope.rigId(), copy, 0, length);
            t.rigId = envelope.rigId();
            t.frames++;
            kept++;
        } catch (IllegalArgumentException e) {
            invalid++; // a HELLO or another frame that has no place in a run file
        }
    }

    private static void remember(final Set<String> seen, final String value) {
        if (seen.size() < SEEN_LIMIT) {
            seen.add(value);
        }
    }

    public long records() {
        return records;
    }

    /** Frames written. */
    public long kept() {
        return kept;
    }

    /** Records that are not a valid envelope with a CHANNEL, SAMPLES or MARK frame. */
    public long invalid() {
        return invalid;
    }

    public long withoutKey() {
        return withoutKey;
    }

    /** Frames of channels selected by channel and rig whose lot and serial could not be known (no declaration yet). */
    public long undeclared() {
        return undeclared;
    }

    /** The channel ids written, in file channel number order. */
    public List<String> recordedChannels() {
        return List.copyOf(recorded.keySet());
    }

    /** One line per file channel: number, id, rig, lot, serial, frames. */
    public List<String> channelTable() {
        final List<String> lines = new ArrayList<>();
        for (Track t : recorded.values()) {
            lines.add("file channel " + t.fileNo + ": " + t.channelId + " (rig " + t.rigId + ", lot '" + t.lot
                + "', serial '" + t.serial + "', " + t.frames + " frames)");
        }
        return lines;
    }

    public Set<String> seenChannels() {
        return seenChannels;
    }

    public Set<String> seenRigs() {
        return seenRigs;
    }

    public Set<String> seenLots() {
        return seenLots;
    }
}
