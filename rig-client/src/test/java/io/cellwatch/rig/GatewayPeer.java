package io.cellwatch.rig;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.codec.AckFlyweight;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.CommandAckFlyweight;
import io.cellwatch.core.codec.CommandFlyweight;
import io.cellwatch.core.codec.ErrorCode;
import io.cellwatch.core.codec.ErrorFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.HelloOkFlyweight;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A stand-in gateway for the client's tests (rig-client cannot depend on ingest-gateway: the gateway's tests depend
 * on this module). It speaks the rig protocol on a loopback socket and enforces the two rules the tests are about,
 * as the real gateway does: sequence numbers rise within a connection (else ERROR INVALID_VALUE), and SAMPLES or
 * MARK need a CHANNEL on the same connection (else ERROR UNKNOWN_CHANNEL). It records what each connection received,
 * heartbeats left out, as lines like {@code CHANNEL 17}, {@code SAMPLES 18}, {@code COMMAND_ACK a1}.
 */
final class GatewayPeer implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> live = new CopyOnWriteArrayList<>();
    /** Per connection that completed HELLO, in order: the frames it received. */
    final List<List<String>> sessions = new CopyOnWriteArrayList<>();
    final AtomicInteger errorsSent = new AtomicInteger();
    final AtomicInteger accepted = new AtomicInteger();
    /** Connections to close at once after accepting, before HELLO_OK. */
    final AtomicInteger refuseNext = new AtomicInteger();
    /** The interval HELLO_OK names. The peer itself sends no HEARTBEATs: long by default, so no test sees silence. */
    volatile int heartbeatMillis = 60_000;
    /** Acknowledge each data frame at once. */
    volatile boolean acking = true;
    /** After HELLO_OK, send nothing at all (no ACK, no HEARTBEAT, no COMMAND). */
    volatile boolean silentAfterHello;
    /** Alert ids to send as COMMANDs for channel 1 as soon as it is declared. */
    volatile List<String> commandsOnDeclare = List.of();

    GatewayPeer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "gateway-peer-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Closes every live connection, as a gateway that crashed or a cut cable would. */
    void dropConnections() throws IOException {
        for (Socket s : live) {
            s.close();
        }
    }

    List<String> lastSession() {
        return sessions.isEmpty() ? List.of() : List.copyOf(sessions.get(sessions.size() - 1));
    }

    private void acceptLoop() {
        try {
            while (true) {
                final Socket s = server.accept();
                accepted.incrementAndGet();
                if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    s.close();
                    continue;
                }
                live.add(s);
                final Thread t = new Thread(() -> serve(s), "gateway-peer-session");
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException e) {
            // server closed
        }
    }

    private void serve(final Socket socket) {
        final List<String> received = new CopyOnWriteArrayList<>();
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
        final boolean[] declared = new boolean[65536];
        long lastSequence = Long.MIN_VALUE;
        boolean hello = false;
        try (socket) {
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final OutputStream os = socket.getOutputStream();
            byte[] frame = new byte[1024];
            final UnsafeBuffer view = new UnsafeBuffer(frame);
            while (true) {
                in.readFully(frame, 0, FrameDescriptor.HEADER_LENGTH);
                view.wrap(frame);
                final int length = view.getInt(FrameDescriptor.LENGTH_OFFSET, FrameDescriptor.BYTE_ORDER);
                if (frame.length < length) {
                    frame = new byte[length];
                    System.arraycopy(view.byteArray(), 0, frame, 0, FrameDescriptor.HEADER_LENGTH);
                    view.wrap(frame);
                }
                in.readFully(frame, FrameDescriptor.HEADER_LENGTH, length - FrameDescriptor.HEADER_LENGTH);
                final int type = frame[FrameDescriptor.TYPE_OFFSET] & 0xFF;
                if (!hello) {
                    hello = type == FrameType.HELLO;
                    if (!hello) {
                        refuse(os, out, ErrorCode.HELLO_REQUIRED, "HELLO first");
                        return;
                    }
                    sessions.add(received);
                    write(os, out, HelloOkFlyweight.encode(out, 0, heartbeatMillis, 1 << 20, 0L));
                    continue;
                }
                final long sequence;
                final int channelNo;
                switch (type) {
                    case FrameType.CHANNEL -> {
                        final ChannelFlyweight c = new ChannelFlyweight();
                        c.wrap(view, 0);
                        sequence = c.sequence();
                        channelNo = -1;
                        declared[c.declaration().channelNo()] = true;
                        received.add("CHANNEL " + sequence);
                    }
                    case FrameType.SAMPLES -> {
                        final SamplesFlyweight s = new SamplesFlyweight();
                        s.wrap(view, 0);
                        sequence = s.sequence();
                        channelNo = s.channelNo();
                        received.add("SAMPLES " + sequence);
                    }
                    case FrameType.MARK -> {
                        final MarkFlyweight m = new MarkFlyweight();
                        m.wrap(view, 0);
                        sequence = m.sequence();
                        channelNo = m.channelNo();
                        received.add("MARK " + sequence);
                    }
                    case FrameType.COMMAND_ACK -> {
                        final CommandAckFlyweight a = new CommandAckFlyweight();
                        a.wrap(view, 0);
                        received.add("COMMAND_ACK " + a.alertId());
                        continue;
                    }
                    default -> {
                        continue; // HEARTBEAT
                    }
                }
                if (sequence <= lastSequence) {
                    refuse(os, out, ErrorCode.INVALID_VALUE, "sequence " + sequence + " not above " + lastSequence);
                    return;
                }
                if (channelNo >= 0 && !declared[channelNo]) {
                    refuse(os, out, ErrorCode.UNKNOWN_CHANNEL, "channel " + channelNo + " not declared");
                    return;
                }
                lastSequence = sequence;
                if (silentAfterHello) {
                    continue;
                }
                if (acking) {
                    write(os, out, AckFlyweight.encode(out, 0, sequence));
                }
                if (type == FrameType.CHANNEL) {
                    for (String alertId : commandsOnDeclare) {
                        write(os, out, CommandFlyweight.encode(out, 0, 1, StopAction.STOP, 1L, alertId, "rig/ch01",
                            "test-rule", "test"));
                    }
                }
            }
        } catch (EOFException e) {
            // the rig closed
        } catch (IOException e) {
            // dropped by the test or the rig
        } finally {
            live.remove(socket);
        }
    }

    private void refuse(final OutputStream os, final ExpandableArrayBuffer out, final ErrorCode code,
                        final String message) throws IOException {
        errorsSent.incrementAndGet();
        write(os, out, ErrorFlyweight.encode(out, 0, code, message));
    }

    private static void write(final OutputStream os, final ExpandableArrayBuffer out, final int length)
        throws IOException {
        os.write(out.byteArray(), 0, length);
        os.flush();
    }

    /** Every frame line any connection received, in order per connection. */
    List<String> everything() {
        final List<String> all = new ArrayList<>();
        sessions.forEach(all::addAll);
        return all;
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
    }
}
