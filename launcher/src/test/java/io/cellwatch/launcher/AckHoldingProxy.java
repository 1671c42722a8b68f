package io.cellwatch.launcher;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.HeartbeatFlyweight;

/**
 * A loopback TCP relay between a rig and the gateway that can swallow what the gateway sends back. The fault tests use
 * it to make a resend certain: while ACKs are held, frames the gateway stored in Kafka stay unacknowledged at the
 * rig, so after {@link #dropConnections()} the rig resends them (with the same sequence numbers) and the job must skip
 * them. Without it, which frames a crash leaves stored-but-unacknowledged is a matter of timing.
 * One thread per direction per connection: a test relays one rig.
 *
 * <p>Only ACK frames are held, each replaced by a HEARTBEAT; HELLO_OK, HEARTBEAT and COMMAND frames still reach the
 * rig. Holding everything made the rig client drop the connection by itself (a gateway silent for three heartbeat
 * intervals counts as gone; a gateway busy sending ACKs sends no heartbeats) and then swallowed the HELLO_OK of its
 * reconnect, so the rig reconnected until the gateway closed each attempt as silent. The hold applies to the
 * connections open when it began.
 */
final class AckHoldingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    /** The rig-side sockets whose replies are being held. */
    private final java.util.Set<Socket> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Socket> rigSockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    AckHoldingProxy(final InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "ack-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port rigs connect to. */
    int port() {
        return server.getLocalPort();
    }

    /** From now on, discard the ACK frames the gateway sends to the rig on the connections open now. */
    void holdReplies() {
        held.addAll(rigSockets);
    }

    /**
     * Closes every relayed connection (the rig sees its connection break) and lets replies through again for the
     * connections that follow. The sockets close before the hold ends, so no held reply reaches the rig.
     */
    void dropConnections() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
        rigSockets.clear();
        held.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            final Socket rig;
            try {
                rig = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            final Socket gateway = new Socket();
            try {
                gateway.setTcpNoDelay(true);
                rig.setTcpNoDelay(true);
                gateway.connect(upstream, 5_000);
            } catch (IOException e) {
                // the gateway is down (e.g. being restarted): the rig sees a refused-like close and retries
                closeQuietly(rig);
                closeQuietly(gateway);
                continue;
            }
            sockets.add(rig);
            sockets.add(gateway);
            rigSockets.add(rig);
            pump(rig, gateway, false, "ack-proxy-up");
            pump(gateway, rig, true, "ack-proxy-down");
        }
    }

    private void pump(final Socket from, final Socket to, final boolean replies, final String name) {
        final Thread t = new Thread(() -> {
            final byte[] buf = new byte[64 * 1024];
            try {
                final InputStream in = from.getInputStream();
                final OutputStream out = to.getOutputStream();
                if (replies) {
                    relayFramesDroppingHeldAcks(in, out, to);
                } else {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // either side went away: end both, as a broken connection would
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    /** Relays whole frames from the gateway; an ACK frame is dropped while the rig's connection is held. */
    private void relayFramesDroppingHeldAcks(final InputStream in, final OutputStream out, final Socket rig)
        throws IOException {
        final java.io.DataInputStream frames = new java.io.DataInputStream(in);
        final byte[] header = new byte[FrameDescriptor.HEADER_LENGTH];
        while (true) {
            try {
                frames.readFully(header);
            } catch (java.io.EOFException e) {
                return;
            }
            final int length = java.nio.ByteBuffer.wrap(header).order(FrameDescriptor.BYTE_ORDER)
                .getInt(FrameDescriptor.LENGTH_OFFSET);
            final byte[] frame = java.util.Arrays.copyOf(header, Math.max(length, FrameDescriptor.HEADER_LENGTH));
            frames.readFully(frame, FrameDescriptor.HEADER_LENGTH, frame.length - FrameDescriptor.HEADER_LENGTH);
            if ((frame[FrameDescriptor.TYPE_OFFSET] & 0xFF) == FrameType.ACK && held.contains(rig)) {
                // acknowledges nothing, but tells the rig its gateway is alive
                final org.agrona.ExpandableArrayBuffer heartbeat = new org.agrona.ExpandableArrayBuffer(32);
                out.write(heartbeat.byteArray(), 0, HeartbeatFlyweight.encode(heartbeat, 0, 0L));
                out.flush();
                continue;
            }
            out.write(frame);
            out.flush();
        }
    }

    private static void closeQuietly(final Closeable s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        dropConnections();
    }
}
