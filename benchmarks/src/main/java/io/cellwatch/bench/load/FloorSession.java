package io.cellwatch.bench.load;

import java.io.IOException;

import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.codec.AckFlyweight;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.CommandFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.HelloFlyweight;
import io.cellwatch.core.codec.HelloOkFlyweight;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.rules.Transition;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One rig connection of the floor pipeline: the least of rig protocol v1 that the load harness's rigs need, with no
 * Kafka and no Flink in between. It cuts the received bytes into frames, answers HELLO with HELLO_OK, runs the
 * upper-charge-voltage rule on every sample of every SAMPLES frame (decoded in place with the flyweight, per-channel
 * episode state in an array), writes a STOP COMMAND at once when a channel trips, and after each batch of bytes one
 * cumulative ACK for the highest sequence number seen (the protocol's ACKs are cumulative, so one per read is all a
 * rig needs). It validates only frame lengths: it is a floor, not a gateway.
 *
 * <p>Not thread-safe: the floor's single receiver thread owns it.
 */
final class FloorSession {
    /** The rule as the harness's procedure {@code cellwatch/monitor} declares it: 4.25 V, re-arm 0.05 V below. */
    private static final UpperChargeVoltageRule RULE = new UpperChargeVoltageRule(
        UpperChargeVoltageRule.DEFAULT_LIMIT_VOLTS, UpperChargeVoltageRule.DEFAULT_HYSTERESIS_VOLTS);
    private static final int HEARTBEAT_INTERVAL_MILLIS = 5_000;
    /**
     * More than one COMMAND with the longest strings a rig can declare (channel id up to 1,024 bytes, in the alert id
     * too). The harness's fleet trips at most once per frame.
     */
    private static final int MAX_COMMAND_BYTES = 4 * 1024;
    /** Room kept free in the reply buffer before a frame is handled: HELLO_OK or several COMMANDs, and the ACK. */
    static final int REPLY_ROOM_PER_FRAME = 4 * MAX_COMMAND_BYTES + AckFlyweight.LENGTH;

    private final SamplesFlyweight samples = new SamplesFlyweight();
    private final ChannelFlyweight channel = new ChannelFlyweight();
    private final HelloFlyweight hello = new HelloFlyweight();
    /** Episode state and channel ids by channel number (u16 on the wire). */
    private final boolean[] episodeActive = new boolean[65_536];
    private final String[] channelIds = new String[65_536];
    private String rigId = "?";
    private long highestSequence;
    private long ackedSequence;
    private long commandsSent;

    /**
     * Handles every whole frame in {@code in[from, to)} and appends the replies to {@code out} at {@code outAt}.
     *
     * @return {@code consumed << 32 | written}: bytes of whole frames consumed (a partial frame at the end is left
     *         for the next call, with more bytes; so are frames whose replies might not fit into {@code out}) and
     *         bytes appended to {@code out}
     * @throws IOException when a frame's length is impossible (the stream cannot be cut any further)
     */
    long onBytes(final DirectBuffer in, final int from, final int to, final MutableDirectBuffer out, final int outAt)
        throws IOException {
        int pos = from;
        int w = outAt;
        while (to - pos >= FrameDescriptor.HEADER_LENGTH) {
            final int length = in.getInt(pos + FrameDescriptor.LENGTH_OFFSET, FrameDescriptor.BYTE_ORDER);
            if (length < FrameDescriptor.HEADER_LENGTH || length > FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH) {
                throw new IOException("rig " + rigId + " sent a frame of length " + length);
            }
            if (to - pos < length || out.capacity() - w < REPLY_ROOM_PER_FRAME) {
                break; // the rest of the frame has not arrived, or the replies must be written out first
            }
            w += onFrame(in, pos, out, w);
            pos += length;
        }
        if (highestSequence > ackedSequence) {
            w += AckFlyweight.encode(out, w, highestSequence);
            ackedSequence = highestSequence;
        }
        return (long) (pos - from) << 32 | (w - outAt);
    }


    long commandsSent() {
        return commandsSent;
    }

    private int onFrame(final DirectBuffer in, final int at, final MutableDirectBuffer out, final int outAt) {
        switch (in.getByte(at + FrameDescriptor.TYPE_OFFSET) & 0xFF) {
            case FrameType.SAMPLES -> {
                samples.wrap(in, at);
                highestSequence = Math.max(highestSequence, samples.sequence());
                return evaluate(out, outAt);
            }
            case FrameType.HELLO -> {
                hello.wrap(in, at);
                rigId = hello.rigId();
                return HelloOkFlyweight.encode(out, outAt, HEARTBEAT_INTERVAL_MILLIS,
                    FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH, System.currentTimeMillis() * 1000L);
            }
            case FrameType.CHANNEL -> {
                channel.wrap(in, at);
                channelIds[channel.channelNo()] = channel.declaration().channelId();
                episodeActive[channel.channelNo()] = false;
                highestSequence = Math.max(highestSequence, channel.sequence());
                return 0;
            }
            case FrameType.MARK -> {
                highestSequence = Math.max(highestSequence,
                    in.getLong(at + MarkFlyweight.SEQUENCE_OFFSET, FrameDescriptor.BYTE_ORDER));
                return 0;
            }
            default -> {
                // HEARTBEAT, COMMAND_ACK: nothing to answer
                return 0;
            }
        }
    }

    private int evaluate(final MutableDirectBuffer out, final int outAt) {
        final int ch = samples.channelNo();
        final int n = samples.readableSamples();
        boolean active = episodeActive[ch];
        int w = outAt;
        for (int i = 0; i < n; i++) {
            final Transition t = RULE.evaluate(active, samples.voltage(i));
            if (t == Transition.FIRED) {
                if (out.capacity() - w < MAX_COMMAND_BYTES + AckFlyweight.LENGTH) {
                    // a floor for the harness's fleet, not a gateway: fail loudly rather than drop a command
                    throw new IllegalStateException("floor: more trips in one SAMPLES frame of " + rigId
                        + " than its reply buffer holds");
                }
                active = true;
                w += command(out, w, ch, samples.timestampMicros(i), samples.voltage(i));
            } else if (t == Transition.CLEARED) {
                active = false;
            }
        }
        episodeActive[ch] = active;
        return w - outAt;
    }

    private int command(final MutableDirectBuffer out, final int at, final int ch, final long sampleMicros,
                        final float volts) {
        commandsSent++;
        final String id = channelIds[ch] != null ? channelIds[ch] : rigId + "/" + ch;
        return CommandFlyweight.encode(out, at, ch, StopAction.STOP, sampleMicros, id + "@" + sampleMicros, id,
            UpperChargeVoltageRule.ID, "V " + volts + " > " + UpperChargeVoltageRule.DEFAULT_LIMIT_VOLTS);
    }
}
