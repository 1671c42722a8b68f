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

/**
 * A loopback TCP relay between a rig and the gateway that can swallow what the gateway sends back. The fault tests use
 * it to make a resend certain: while ACKs are held, frames the gateway stored in Kafka stay unacknowledged at the
 * rig, so after {@link #dropConnections()} the rig resends them (with the same sequence numbers) and the job must skip
 * them. Without it, which frames a crash leaves stored-but-unacknowledged is a matter of timing.
 * One thread per direction per connection: a test relays one rig.
 */
final class AckHoldingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean holdReplies;
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

    /** From now on, discard everything the gateway sends to the rig (ACKs, heartbeats, commands). */
    void holdReplies() {
        holdReplies = true;
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
        holdReplies = false;
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
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (replies && holdReplies) {
                        continue;
                    }
                    out.write(buf, 0, n);
                    out.flush();
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
