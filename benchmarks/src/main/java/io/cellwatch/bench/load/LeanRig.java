package io.cellwatch.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;

import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.codec.AckFlyweight;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.CommandAckFlyweight;
import io.cellwatch.core.codec.CommandFlyweight;
import io.cellwatch.core.codec.ErrorFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.HeartbeatFlyweight;
import io.cellwatch.core.codec.HelloFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One simulated rig: a single TCP connection speaking rig protocol v1, leaner than {@code RigClient} so that the
 * load generator is not the bottleneck. {@code RigClient} copies every frame into a map until it is ACKed and
 * flushes one write per frame; here the fleet's sender thread encodes frames into one direct buffer per rig and
 * writes whatever is due in one call, and frames are never resent (a broken connection ends the run as a failure).
 *
 * <p>The sender thread is the only writer of the socket: COMMAND_ACKs and heartbeats are queued or written by it.
 * The reader thread records latencies: it owns the histograms until {@link #stopReader()} returns. Every frame and
 * COMMAND is recorded, into the histogram of its phase ({@link LatencyClock#phaseOf}), so that the code path of the
 * window is the one the warm-up compiled; only the window's histograms are reported.
 */
final class LeanRig {
    private static final int RING = 1 << 20;

    final String rigId;
    private final SocketChannel socket;
    private final ByteBuffer out = ByteBuffer.allocateDirect(4 << 20);
    private final UnsafeBuffer outView = new UnsafeBuffer(out);
    private final Thread reader;
    private final LatencyClock clock;
    /** Intended send time (ns) of each SAMPLES frame, by sequence - 1 modulo the ring; 0 = not a SAMPLES frame. */
    private final AtomicLongArray intended = new AtomicLongArray(RING);
    private final int[] samplesOfFrame = new int[RING];
    private final ConcurrentLinkedQueue<String> commandAcks = new ConcurrentLinkedQueue<>();
    private long nextSequence = 1;
    private volatile long lastSentSequence;
    private volatile long ackedSequence;
    private volatile boolean closing;
    private volatile Throwable failure;

    private final Histogram[] ackLatencyByPhase = histograms();
    private final Histogram[] commandLatencyByPhase = histograms();
    private final long[] samplesAckedByPhase = new long[LatencyClock.PHASES];
    private final long[] tripCommandsByPhase = new long[LatencyClock.PHASES];
    /** Sample -> ACK of the frames due in the window. */
    final Histogram ackLatency = ackLatencyByPhase[LatencyClock.WINDOW];
    /** Tripping sample -> COMMAND of the trips due in the window. */
    final Histogram commandLatency = commandLatencyByPhase[LatencyClock.WINDOW];
    private final Set<String> commandsSeen = new HashSet<>();
    /** Samples of the window's frames ACKed so far. */
    volatile long samplesAcked;
    /** Samples of every frame ACKed so far, warm-up and drain included: read at the window's edges. */
    volatile long allSamplesAcked;
    /** COMMANDs for the window's trips so far. */
    volatile long tripCommands;
    volatile long otherCommands;
    volatile long duplicateCommands;

    private static Histogram[] histograms() {
        final Histogram[] h = new Histogram[LatencyClock.PHASES];
        for (int i = 0; i < h.length; i++) {
            h[i] = new Histogram(3_600_000_000_000L, 3);
        }
        return h;
    }

    /** Connects, says HELLO, waits for HELLO_OK, declares the channels; then starts the reader. */
    LeanRig(final InetSocketAddress gateway, final String rigId, final ChannelDeclaration[] channels,
            final LatencyClock clock) throws IOException {
        this.rigId = rigId;
        this.clock = clock;
        socket = SocketChannel.open();
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        socket.connect(gateway);
        int len = HelloFlyweight.encode(outView, 0, FrameDescriptor.PROTOCOL_VERSION, rigId, "");
        writeFully(len);
        final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        final UnsafeBuffer inView = new UnsafeBuffer(in);
        readFrame(in, inView);
        if ((inView.getByte(FrameDescriptor.TYPE_OFFSET) & 0xFF) != FrameType.HELLO_OK) {
            final ErrorFlyweight e = new ErrorFlyweight();
            e.wrap(inView, 0);
            socket.close();
            throw new IOException("gateway refused HELLO of " + rigId + ": " + e.code() + " " + e.message());
        }
        int pos = 0;
        for (ChannelDeclaration d : channels) {
            pos += ChannelFlyweight.encode(outView, pos, nextSequence++, d);
        }
        writeFully(pos);
        lastSentSequence = nextSequence - 1;
        reader = new Thread(() -> readLoop(in, inView), "load-" + rigId + "-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readFrame(final ByteBuffer in, final UnsafeBuffer view) throws IOException {
        in.clear().limit(FrameDescriptor.HEADER_LENGTH);
        while (in.hasRemaining()) {
            if (socket.read(in) < 0) {
                throw new IOException("gateway closed the connection of " + rigId);
            }
        }
        final int length = view.getInt(FrameDescriptor.LENGTH_OFFSET, FrameDescriptor.BYTE_ORDER);
        if (length < FrameDescriptor.HEADER_LENGTH || length > in.capacity()) {
            throw new IOException("gateway answered HELLO of " + rigId + " with a frame of length " + length);
        }
        in.limit(length);
        while (in.hasRemaining()) {
            if (socket.read(in) < 0) {
                throw new IOException("gateway closed the connection of " + rigId);
            }
        }
    }

    // ---------------------------------------------------------------- sender side (fleet's sender thread only)

    /**
     * Appends one SAMPLES frame copied from {@code template}; returns its sequence. With {@code cycling}, each sample
     * gets the values of a {@link CyclingCell} at {@code firstCellMicros} plus its offset in rig time.
     */
    long appendSamples(final UnsafeBuffer template, final int frameLength, final int channelNo, final int samples,
                       final long firstTimestampMicros, final long samplePeriodMicros, final boolean tripLast,
                       final long intendedNanos, final boolean cycling,
                       final long firstCellMicros) {
        if (out.capacity() - out.position() < frameLength) {
            flush();
        }
        final int at = out.position();
        outView.putBytes(at, template, 0, frameLength);
        final long seq = nextSequence++;
        outView.putLong(at + SamplesFlyweight.SEQUENCE_OFFSET, seq, FrameDescriptor.BYTE_ORDER);
        outView.putShort(at + SamplesFlyweight.CHANNEL_NO_OFFSET, (short) channelNo, FrameDescriptor.BYTE_ORDER);
        int base = at + SamplesFlyweight.SAMPLES_OFFSET + SamplesFlyweight.TIMESTAMP_OFFSET;
        long t = firstTimestampMicros;
        for (int i = 0; i < samples; i++) {
            outView.putLong(base, t, FrameDescriptor.BYTE_ORDER);
            if (cycling) {
                CyclingCell.write(outView, base - SamplesFlyweight.TIMESTAMP_OFFSET,
                    firstCellMicros + (t - firstTimestampMicros));
            }
            base += SamplesFlyweight.SAMPLE_LENGTH;
            t += samplePeriodMicros;
        }
        if (tripLast) {
            outView.putFloat(at + SamplesFlyweight.SAMPLES_OFFSET + (samples - 1) * SamplesFlyweight.SAMPLE_LENGTH
                + SamplesFlyweight.VOLTAGE_OFFSET, Fleet.TRIP_VOLTS, FrameDescriptor.BYTE_ORDER);
        }
        out.position(at + frameLength);
        final int slot = (int) ((seq - 1) & (RING - 1));
        samplesOfFrame[slot] = samples;
        intended.set(slot, intendedNanos);
        return seq;
    }

    /** Queues a heartbeat (keeps the connection alive when a rig sends little). */
    void appendHeartbeat() {
        if (out.capacity() - out.position() < 64) {
            flush();
        }
        final int len = HeartbeatFlyweight.encode(outView, out.position(), clock.nowMicros());
        out.position(out.position() + len);
    }

    /** Writes everything appended so far, plus pending COMMAND_ACKs; blocks while the gateway pushes back. */
    void flush() {
        String id;
        while ((id = commandAcks.poll()) != null) {
            if (out.capacity() - out.position() < 4096) {
                break;
            }
            final int len = CommandAckFlyweight.encode(outView, out.position(), id);
            out.position(out.position() + len);
        }
        if (out.position() == 0) {
            return;
        }
        out.flip();
        try {
            while (out.hasRemaining()) {
                socket.write(out);
            }
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        out.clear();
        lastSentSequence = nextSequence - 1;
    }

    private void writeFully(final int length) throws IOException {
        out.clear().limit(length);
        while (out.hasRemaining()) {
            socket.write(out);
        }
        out.clear();
    }

    // ---------------------------------------------------------------- reader side

    private void readLoop(final ByteBuffer in, final UnsafeBuffer view) {
        final AckFlyweight ack = new AckFlyweight();
        final CommandFlyweight cmd = new CommandFlyweight();
        in.clear();
        try {
            while (true) {
                if (socket.read(in) < 0) {
                    throw new IOException("gateway closed the connection of " + rigId);
                }
                int pos = 0;
                while (in.position() - pos >= FrameDescriptor.HEADER_LENGTH) {
                    final int length = view.getInt(pos + FrameDescriptor.LENGTH_OFFSET, FrameDescriptor.BYTE_ORDER);
                    if (length < FrameDescriptor.HEADER_LENGTH || length > in.capacity()) {
                        throw new IOException("gateway sent a frame of length " + length + " to " + rigId);
                    }
                    if (in.position() - pos < length) {
                        break;
                    }
                    final long now = System.nanoTime();
                    switch (view.getByte(pos + FrameDescriptor.TYPE_OFFSET) & 0xFF) {
                        case FrameType.ACK -> {
                            ack.wrap(view, pos);
                            onAck(ack.sequence(), now);
                        }
                        case FrameType.COMMAND -> {
                            cmd.wrap(view, pos);
                            onCommand(cmd, now);
                        }
                        case FrameType.ERROR -> {
                            final ErrorFlyweight e = new ErrorFlyweight();
                            e.wrap(view, pos);
                            throw new IOException("gateway sent ERROR " + e.code() + " " + e.message() + " to " + rigId);
                        }
                        default -> {
                            // heartbeats: nothing to do
                        }
                    }
                    pos += length;
                }
                // keep the partial frame at the start of the buffer
                final int rest = in.position() - pos;
                if (pos > 0) {
                    view.putBytes(0, view, pos, rest);
                    in.position(rest);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closing && failure == null) {
                failure = e;
            }
        }
    }

    private void onAck(final long seq, final long now) {
        long s = ackedSequence + 1;
        long all = 0;
        for (; s <= seq; s++) {
            final int slot = (int) ((s - 1) & (RING - 1));
            final long t = intended.getAndSet(slot, 0L);
            final int samples = samplesOfFrame[slot];
            all += samples;
            if (t != 0L) { // not a CHANNEL declaration
                final int phase = clock.phaseOf(t);
                ackLatencyByPhase[phase].recordValueWithCount(Math.max(0, now - t), samples);
                samplesAckedByPhase[phase] += samples;
            }
        }
        samplesAcked = samplesAckedByPhase[LatencyClock.WINDOW];
        allSamplesAcked += all;
        if (seq > ackedSequence) {
            ackedSequence = seq;
        }
    }

    private void onCommand(final CommandFlyweight cmd, final long now) {
        final String alertId = cmd.alertId();
        commandAcks.add(alertId);
        if (!commandsSeen.add(alertId)) {
            duplicateCommands++;
            return;
        }
        if (cmd.action() != StopAction.STOP || !UpperChargeVoltageRule.ID.equals(cmd.rule())) {
            otherCommands++;
            return;
        }
        final long intendedNanos = clock.nanosOf(cmd.sampleTimeMicros());
        final int phase = clock.phaseOf(intendedNanos);
        commandLatencyByPhase[phase].recordValue(Math.max(0, now - intendedNanos));
        tripCommandsByPhase[phase]++;
        tripCommands = tripCommandsByPhase[LatencyClock.WINDOW];
    }

    long lastSentSequence() {
        return lastSentSequence;
    }

    long ackedSequence() {
        return ackedSequence;
    }

    Throwable failure() {
        return failure;
    }

    void stopReader() throws InterruptedException {
        closing = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        reader.join(5_000);
    }
}
