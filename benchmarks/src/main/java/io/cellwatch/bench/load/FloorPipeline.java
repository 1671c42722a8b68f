package io.cellwatch.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Map;

import io.cellwatch.core.codec.FrameDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The physical floor (shared/BENCHMARKING.md): what any design must at least do on this box to take the fleet's
 * samples and stop a rig, with nothing else in between. One thread with a {@link Selector} (plain java.nio, no Netty)
 * receives every rig's bytes, and {@link FloorSession} decodes, runs the rule, ACKs and commands on the same socket.
 * No Kafka (so nothing is durable before the ACK), no Flink, no other thread: a lower bound for CPU per sample and
 * for both latencies, in the same harness and table as the real pipeline and the naive one.
 */
final class FloorPipeline implements PipelineUnderTest {
    private static final int IN_BYTES = 2 * FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH;
    private static final int OUT_BYTES = 256 * 1024;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread receiver;
    private volatile boolean running = true;
    private volatile Throwable failure;

    FloorPipeline(final PrintStream progress) throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        receiver = new Thread(this::receive, "floor-receiver");
        receiver.setDaemon(true);
        receiver.start();
        progress.println("floor receiver listening on " + server.getLocalAddress());
    }

    private void receive() {
        try {
            while (running) {
                selector.select(); // blocks: no spinning on a 2-core box
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    final SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        ((Connection) key.attachment()).onReady(key);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                failure = e;
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.register(selector, SelectionKey.OP_READ, new Connection(ch));
        }
    }

    /** One rig's socket: received bytes not yet cut into frames, replies not yet written. */
    private static final class Connection {
        private final SocketChannel channel;
        private final FloorSession session = new FloorSession();
        private final ByteBuffer in = ByteBuffer.allocateDirect(IN_BYTES);
        private final UnsafeBuffer inView = new UnsafeBuffer(in);
        private final ByteBuffer out = ByteBuffer.allocateDirect(OUT_BYTES);
        private final UnsafeBuffer outView = new UnsafeBuffer(out);
        private int held;
        private int pending;

        Connection(final SocketChannel channel) {
            this.channel = channel;
        }

        void onReady(final SelectionKey key) throws IOException {
            if (key.isWritable() && !writeOut()) {
                return;
            }
            if (key.isReadable()) {
                in.limit(in.capacity()).position(held);
                final int n = channel.read(in);
                if (n < 0) {
                    key.cancel();
                    channel.close();
                    return;
                }
                held = in.position();
            }
            // interest: read while every reply went out; otherwise stop reading (back-pressure) until it has
            key.interestOps(handleAndWrite() ? SelectionKey.OP_READ : SelectionKey.OP_WRITE);
        }

        /** Cuts and handles the held frames, writing replies as they fill up; false when the socket is full. */
        private boolean handleAndWrite() throws IOException {
            while (true) {
                final long r;
                try {
                    r = session.onBytes(inView, 0, held, outView, pending);
                } catch (IOException e) {
                    channel.close();
                    throw e;
                }
                final int consumed = (int) (r >>> 32);
                pending += (int) r;
                if (consumed > 0) {
                    inView.putBytes(0, inView, consumed, held - consumed);
                    held -= consumed;
                }
                if (!writeOut()) {
                    return false;
                }
                if (consumed == 0) {
                    return true;
                }
            }
        }

        /** Writes the pending replies; false when the socket took only part of them. */
        private boolean writeOut() throws IOException {
            if (pending == 0) {
                return true;
            }
            out.limit(pending).position(0);
            channel.write(out);
            final int left = out.remaining();
            if (left > 0) {
                outView.putBytes(0, outView, out.position(), left);
            }
            pending = left;
            return left == 0;
        }
    }

    @Override
    public InetSocketAddress rigAddress() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, Long> jvmPids() {
        return Map.of("harness JVM (rigs + floor receiver thread)", ProcessHandle.current().pid());
    }

    @Override
    public String describe() {
        if (failure != null) {
            return "floor receiver FAILED: " + failure;
        }
        return "floor: one java.nio selector thread decodes SAMPLES in place (SamplesFlyweight), runs "
            + "UpperChargeVoltageRule, writes the STOP COMMAND and a cumulative ACK per read on the rig's socket "
            + "(no Kafka, no Flink, nothing durable)";
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            receiver.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (SelectionKey k : selector.keys()) {
                k.channel().close();
            }
            selector.close();
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
