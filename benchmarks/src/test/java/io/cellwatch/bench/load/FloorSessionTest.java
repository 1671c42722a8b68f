package io.cellwatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.codec.AckFlyweight;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.CommandFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.HeartbeatFlyweight;
import io.cellwatch.core.codec.HelloFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class FloorSessionTest {
    private static final long T0 = 1_700_000_000_000_000L;

    /** HELLO, CHANNEL 1 (seq 1), SAMPLES seq 2 with the third of 3 samples at 4.30 V, HEARTBEAT, SAMPLES seq 3 at 4.10 V. */
    private static byte[] rigStream() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[4096]);
        int pos = HelloFlyweight.encode(b, 0, FrameDescriptor.PROTOCOL_VERSION, "rig-a", "");
        pos += ChannelFlyweight.encode(b, pos, 1, new ChannelDeclaration(1, "rig-a/ch1", "SN-1", "LOT",
            Fleet.PROCEDURE, 1, CellForm.CYLINDRICAL, 3.0, Map.of()));
        pos += samples(b, pos, 2, new float[] {4.10f, 4.10f, 4.30f});
        pos += HeartbeatFlyweight.encode(b, pos, T0);
        pos += samples(b, pos, 3, new float[] {4.10f, 4.10f});
        final byte[] out = new byte[pos];
        b.getBytes(0, out);
        return out;
    }

    private static int samples(final UnsafeBuffer b, final int at, final long seq, final float[] volts) {
        SamplesFlyweight.encodeHeader(b, at, seq, 1, volts.length);
        for (int i = 0; i < volts.length; i++) {
            SamplesFlyweight.putSample(b, at, i, T0 + seq * 1000 + i, volts[i], 1.0f, 25f, Float.NaN, Float.NaN);
        }
        return SamplesFlyweight.frameLength(volts.length);
    }

    /** Feeds {@code stream} in two pieces split at {@code split}, as a socket might deliver it; returns the replies. */
    private static List<String> feed(final byte[] stream, final int split) throws IOException {
        final FloorSession session = new FloorSession();
        final UnsafeBuffer in = new UnsafeBuffer(new byte[stream.length]);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64 * 1024]);
        int held = 0;
        int written = 0;
        for (int[] piece : new int[][] {{0, split}, {split, stream.length}}) {
            in.putBytes(held, stream, piece[0], piece[1] - piece[0]);
            held += piece[1] - piece[0];
            final long r = session.onBytes(in, 0, held, out, written);
            final int consumed = (int) (r >>> 32);
            written += (int) r;
            in.putBytes(0, in, consumed, held - consumed);
            held -= consumed;
        }
        assertEquals(0, held, "every byte was cut into frames by the end (split at " + split + ")");
        return replies(out, written);
    }

    private static List<String> replies(final UnsafeBuffer out, final int length) {
        final List<String> frames = new ArrayList<>();
        int pos = 0;
        while (pos < length) {
            final int len = out.getInt(pos + FrameDescriptor.LENGTH_OFFSET, FrameDescriptor.BYTE_ORDER);
            switch (out.getByte(pos + FrameDescriptor.TYPE_OFFSET)) {
                case FrameType.HELLO_OK -> frames.add("HELLO_OK");
                case FrameType.ACK -> {
                    final AckFlyweight a = new AckFlyweight();
                    a.wrap(out, pos);
                    frames.add("ACK " + a.sequence());
                }
                case FrameType.COMMAND -> {
                    final CommandFlyweight c = new CommandFlyweight();
                    c.wrap(out, pos);
                    frames.add("COMMAND " + c.action() + " ch" + c.channelNo() + " " + c.channelId() + " "
                        + c.rule() + " t+" + (c.sampleTimeMicros() - T0));
                }
                default -> frames.add("type " + out.getByte(pos + FrameDescriptor.TYPE_OFFSET));
            }
            pos += len;
        }
        return frames;
    }

    @Test
    void shouldAnswerHelloCommandTheTripAndAckEverythingWhereverTheStreamIsSplit() throws IOException {
        final byte[] stream = rigStream();
        final String command = "COMMAND " + StopAction.STOP + " ch1 rig-a/ch1 " + UpperChargeVoltageRule.ID
            + " t+2002";
        for (int split = 0; split <= stream.length; split++) {
            final List<String> replies = feed(stream, split);
            assertEquals("HELLO_OK", replies.get(0), "split at " + split + ": " + replies);
            assertEquals(1, replies.stream().filter(command::equals).count(), "one STOP for the trip: " + replies);
            assertEquals("ACK 3", replies.get(replies.size() - 1), "split at " + split + ": " + replies);
            final long[] acks = replies.stream().filter(r -> r.startsWith("ACK ")).mapToLong(r -> Long.parseLong(r.substring(4)))
                .toArray();
            for (int i = 1; i < acks.length; i++) {
                assertEquals(true, acks[i] > acks[i - 1], "ACKs only move forward: " + replies);
            }
            assertEquals(replies.size(), 2 + acks.length, "nothing else was sent: " + replies);
        }
    }

    @Test
    void shouldRefuseFrameWhoseLengthIsShorterThanItsHeader() {
        final UnsafeBuffer in = new UnsafeBuffer(new byte[64]);
        in.putInt(FrameDescriptor.LENGTH_OFFSET, 3, FrameDescriptor.BYTE_ORDER);
        assertThrows(IOException.class, () -> new FloorSession().onBytes(in, 0, 64, new UnsafeBuffer(new byte[64 * 1024]), 0));
    }
}
