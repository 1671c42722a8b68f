package io.cellwatch.bench.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cellwatch.bench.codec.SampleSeries;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.ErrorFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameFlyweight;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.HelloFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.gateway.board.ChannelBoard;
import io.cellwatch.gateway.command.CommandRouter;
import io.cellwatch.gateway.kafka.RecordPublisher;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.cellwatch.gateway.tcp.RigFrameDecoder;
import io.cellwatch.gateway.tcp.RigSessionHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway thread's work for one socket read of {@code samples} samples (SAMPLES frames of
 * {@code samplesPerFrame} samples, about 64 KiB), from the bytes to one Kafka {@link ProducerRecord} per frame,
 * without a broker:
 * <ul>
 *   <li>{@link #ours}: the bytes copied into a pooled direct {@code ByteBuf} (where the socket read would have put
 *       them), then through the gateway's real pipeline on an {@link EmbeddedChannel}: {@link RigFrameDecoder} (cut
 *       and validate), {@link RigSessionHandler} (channel table, sequence check, live board, record value with
 *       envelope, pending-ACK bookkeeping), a publisher that builds the {@code ProducerRecord} as the Kafka
 *       publisher does and completes at once, then the ACK the session writes back (taken and released);</li>
 *   <li>{@link #rawFloor}: the least work that gives the same records: the bytes copied into a reused direct
 *       {@code ByteBuffer}, frames cut by their length field, checked (type, length = 24 + count x 32), each copied
 *       behind the same envelope into a {@code byte[]}, one {@code ProducerRecord} each.</li>
 * </ul>
 * The socket read itself (a system call and the kernel's copy) is in neither, so the ratio is the gateway's own
 * overhead over the floor. Both patch rising sequence numbers into the bytes first, since the session refuses a
 * sequence it has seen. {@link Path#setup} checks that both produce the same records, byte for byte.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
public class GatewayPathBenchmark {
    static final String RIG = "press-01";
    static final String CHANNEL_ID = SampleSeries.CHANNEL_ID;
    static final String TOPIC = "cellwatch.samples";

    /** Takes each record, as a Kafka producer's send() would, and completes it at once. */
    static final class ImmediatePublisher implements RecordPublisher {
        ProducerRecord<byte[], byte[]> last;
        long records;

        @Override
        public void publish(final String channelId, final byte[] value, final Completion completion) {
            publish(channelId, channelId.getBytes(StandardCharsets.UTF_8), value, completion);
        }

        @Override
        public void publish(final String channelId, final byte[] key, final byte[] value, final Completion completion) {
            last = new ProducerRecord<>(TOPIC, key, value);
            records++;
            completion.onComplete(null);
        }

        @Override
        public void close() {
        }
    }

    @State(Scope.Thread)
    public static class Path {
        @Param({"2048"})
        public int samples;
        @Param({"32", "256"})
        public int samplesPerFrame;

        int frames;
        byte[] bytes;
        int[] frameStarts;
        long sequence = 100;
        ByteBufAllocator alloc;
        ImmediatePublisher publisher;
        EmbeddedChannel channel;
        GatewayMetrics metrics;
        ByteBuffer floorBuffer;
        byte[] envelope;
        byte[] key;
        ProducerRecord<byte[], byte[]> floorLast;

        @Setup(Level.Trial)
        public void setup() {
            if (samples % samplesPerFrame != 0) {
                throw new IllegalArgumentException("samples (" + samples + ") must be a multiple of samplesPerFrame ("
                    + samplesPerFrame + ")");
            }
            frames = samples / samplesPerFrame;
            final SampleSeries series = SampleSeries.generate(samplesPerFrame, 42);
            final int frameLength = SamplesFlyweight.frameLength(samplesPerFrame);
            final UnsafeBuffer all = new UnsafeBuffer(new byte[frames * frameLength]);
            frameStarts = new int[frames];
            for (int f = 0; f < frames; f++) {
                frameStarts[f] = f * frameLength;
                series.encodeFrame(all, frameStarts[f]);
            }
            bytes = all.byteArray();

            alloc = PooledByteBufAllocator.DEFAULT;
            metrics = new GatewayMetrics();
            publisher = new ImmediatePublisher();
            final GatewayConfig config = GatewayConfig.from(Settings.of(Map.of(
                GatewayConfig.RIG_TOKENS, RIG + ":tok", GatewayConfig.MAX_UNACKED_FRAMES, "1024")));
            final ChannelBoard board = new ChannelBoard();
            channel = new EmbeddedChannel(new RigFrameDecoder(config.maxFrameLength(), metrics),
                new RigSessionHandler(config, publisher, new CommandRouter(metrics, board::alert), metrics, board));
            final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(1024);
            channel.writeInbound(Unpooled.wrappedBuffer(scratch.byteArray(), 0,
                HelloFlyweight.encode(scratch, 0, FrameDescriptor.PROTOCOL_VERSION, RIG, "tok")));
            expectOutbound(FrameType.HELLO_OK);
            channel.writeInbound(Unpooled.wrappedBuffer(scratch.byteArray(), 0, ChannelFlyweight.encode(scratch, 0,
                sequence++, new ChannelDeclaration(SampleSeries.CHANNEL_NO, CHANNEL_ID, "SN1", "LOT1",
                    "pse-app9/overcharge-protection", 1, CellForm.CYLINDRICAL, 3.0, Map.of()))));
            channel.runPendingTasks();
            expectOutbound(FrameType.ACK);

            floorBuffer = ByteBuffer.allocateDirect(bytes.length).order(FrameDescriptor.BYTE_ORDER);
            final UnsafeBuffer env = new UnsafeBuffer(new byte[TelemetryRecordFlyweight.envelopeLength(RIG)]);
            TelemetryRecordFlyweight.encodeEnvelope(env, 0, RIG, 0L);
            envelope = env.byteArray();
            key = CHANNEL_ID.getBytes(StandardCharsets.UTF_8);
            verify();
        }

        private void expectOutbound(final int type) {
            final ByteBuf out = channel.readOutbound();
            if (out == null) {
                throw new IllegalStateException("the session did not answer with " + FrameType.name(type));
            }
            final UnsafeBuffer frame = new UnsafeBuffer(ByteBufUtil.getBytes(out));
            out.release();
            if (FrameFlyweight.frameType(frame, 0) == FrameType.ERROR) {
                final ErrorFlyweight error = new ErrorFlyweight();
                error.wrap(frame, 0);
                throw new IllegalStateException("the session answered ERROR " + error.code() + " '" + error.message()
                    + "' instead of " + FrameType.name(type));
            }
            if (FrameFlyweight.frameType(frame, 0) != type) {
                throw new IllegalStateException("the session answered " + FrameType.name(FrameFlyweight.frameType(frame, 0))
                    + " instead of " + FrameType.name(type));
            }
        }

        /** Both paths give the same number of records, and the same last record but for the receive time. */
        private void verify() {
            final long before = publisher.records;
            final long firstSequence = sequence;
            final int acks = gateway(this);
            sequence = firstSequence; // the floor builds the same records: same sequence numbers
            final int floorRecords = floor(this);
            if (publisher.records - before != frames || floorRecords != frames || acks == 0) {
                throw new IllegalStateException("expected " + frames + " records from each path, got "
                    + (publisher.records - before) + " from the gateway (" + acks + " ACKs) and " + floorRecords
                    + " from the floor");
            }
            final byte[] a = publisher.last.value().clone();
            final byte[] b = floorLast.value().clone();
            // the receive time differs: blank it in both
            java.util.Arrays.fill(a, TelemetryRecordFlyweight.RECEIVED_AT_OFFSET, TelemetryRecordFlyweight.RECEIVED_AT_OFFSET + 8, (byte) 0);
            java.util.Arrays.fill(b, TelemetryRecordFlyweight.RECEIVED_AT_OFFSET, TelemetryRecordFlyweight.RECEIVED_AT_OFFSET + 8, (byte) 0);
            if (!java.util.Arrays.equals(a, b) || !java.util.Arrays.equals(publisher.last.key(), floorLast.key())) {
                throw new IllegalStateException("the gateway and the floor built different records");
            }
        }

        /** Rising sequence numbers, as a rig would send them. */
        void patchSequences() {
            for (int f = 0; f < frames; f++) {
                final long s = sequence++;
                final int at = frameStarts[f] + SamplesFlyweight.SEQUENCE_OFFSET;
                for (int k = 0; k < 8; k++) {
                    bytes[at + k] = (byte) (s >>> (8 * k)); // little-endian, the wire order
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            channel.finishAndReleaseAll();
        }
    }

    @Benchmark
    public int ours(final Path p) {
        return gateway(p);
    }

    @Benchmark
    public int rawFloor(final Path p) {
        return floor(p);
    }

    /** Returns the number of ACK frames written back (at least one per read). */
    static int gateway(final Path p) {
        p.patchSequences();
        final ByteBuf in = p.alloc.directBuffer(p.bytes.length);
        in.writeBytes(p.bytes);
        p.channel.writeInbound(in);
        p.channel.runPendingTasks(); // the send completions: the session ACKs what Kafka stored
        int acks = 0;
        for (ByteBuf out = p.channel.readOutbound(); out != null; out = p.channel.readOutbound()) {
            acks++;
            out.release();
        }
        return acks;
    }

    /** Returns the number of records built. */
    static int floor(final Path p) {
        p.patchSequences();
        final ByteBuffer buf = p.floorBuffer;
        buf.clear();
        buf.put(p.bytes);
        buf.flip();
        final byte[] envelope = p.envelope;
        int records = 0;
        while (buf.remaining() >= FrameDescriptor.HEADER_LENGTH) {
            final int start = buf.position();
            final int length = buf.getInt(start + FrameDescriptor.LENGTH_OFFSET);
            if (length < SamplesFlyweight.SAMPLES_OFFSET || length > buf.remaining()
                || (buf.get(start + FrameDescriptor.TYPE_OFFSET) & 0xFF) != FrameType.SAMPLES
                || length != SamplesFlyweight.SAMPLES_OFFSET
                    + (long) buf.getInt(start + SamplesFlyweight.SAMPLE_COUNT_OFFSET) * SamplesFlyweight.SAMPLE_LENGTH) {
                throw new IllegalStateException("bad frame at " + start);
            }
            final byte[] value = new byte[envelope.length + length];
            System.arraycopy(envelope, 0, value, 0, envelope.length);
            final long now = System.currentTimeMillis() * 1000;
            for (int k = 0; k < 8; k++) {
                value[TelemetryRecordFlyweight.RECEIVED_AT_OFFSET + k] = (byte) (now >>> (8 * k));
            }
            buf.get(value, envelope.length, length);
            p.floorLast = new ProducerRecord<>(TOPIC, p.key, value);
            records++;
        }
        return records;
    }
}
