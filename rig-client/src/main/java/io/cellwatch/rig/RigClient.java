package io.cellwatch.rig;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.cellwatch.core.codec.AckFlyweight;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.CommandAckFlyweight;
import io.cellwatch.core.codec.CommandFlyweight;
import io.cellwatch.core.codec.ErrorFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.FrameValidator;
import io.cellwatch.core.codec.HeartbeatFlyweight;
import io.cellwatch.core.codec.HelloFlyweight;
import io.cellwatch.core.codec.HelloOkFlyweight;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.ChannelDeclaration;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A rig's connection to a CellWatch gateway, done right: every sequenced frame (CHANNEL, SAMPLES, MARK) is kept
 * until the gateway ACKs it, and {@link #reconnect()} re-declares the channels and resends what is unacknowledged,
 * in sequence order, with the original sequence numbers (the job drops what it already has). COMMANDs are
 * delivered to the {@link RigListener} and answered with COMMAND_ACK; heartbeats are sent at the interval the
 * gateway asks for.
 *
 * <p>Plain TCP, or TLS with an {@link javax.net.ssl.SSLContext} from {@link RigTls} (the gateway's certificate is
 * checked against the CA and the host name).
 *
 * <p>Sequence numbers start at the clock in microseconds when the client is created, so they keep rising across
 * restarts of the rig program. Thread-safe for senders; callbacks run on the client's reader thread.
 */
public final class RigClient implements AutoCloseable {
    private final String host;
    private final int port;
    private final String rigId;
    private final String token;
    private final RigListener listener;
    private final SSLContext tls;
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(64 * 1024);
    /** Unacknowledged sequenced frames, by sequence. */
    private final ConcurrentSkipListMap<Long, byte[]> unacked = new ConcurrentSkipListMap<>();
    /** Every channel declared, by the sequence of its CHANNEL frame (re-sent on reconnect). */
    private final Map<Long, byte[]> declarations = new TreeMap<>();
    private final Object ackMonitor = new Object();
    private long nextSequence;
    private volatile long ackedSequence = Long.MIN_VALUE;
    private volatile Connection connection;
    private volatile boolean closed;

    /** One TCP connection with its reader and heartbeat threads. */
    private final class Connection {
        final Socket socket;
        final OutputStream out;
        final CountDownLatch helloAnswered = new CountDownLatch(1);
        volatile int heartbeatMillis;
        volatile String refusal;
        final Thread reader;
        volatile Thread heartbeat;

        Connection(final Duration timeout) throws IOException {
            socket = dial(timeout);
            out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            reader = new Thread(this::readLoop, "rig-" + rigId + "-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private Socket dial(final Duration timeout) throws IOException {
            final Socket plain = new Socket();
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            if (tls == null) {
                return plain;
            }
            final SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
            final SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the gateway's certificate must name the host dialled
            s.setSSLParameters(p);
            try {
                s.setSoTimeout((int) timeout.toMillis());
                s.startHandshake();
                s.setSoTimeout(0);
            } catch (IOException e) {
                s.close();
                throw new IOException("TLS handshake with " + host + ":" + port + " failed: " + e.getMessage(), e);
            }
            return s;
        }

        void readLoop() {
            Throwable cause = null;
            try {
                final DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] frame = new byte[256];
                final UnsafeBuffer view = new UnsafeBuffer(frame);
                while (true) {
                    in.readFully(frame, 0, FrameDescriptor.HEADER_LENGTH);
                    view.wrap(frame);
                    final int length = FrameValidator.checkHeader(view, 0, FrameDescriptor.HEADER_LENGTH,
                        FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);
                    if (length < 0) {
                        throw new IOException("gateway sent an invalid frame header (error code " + -length + ")");
                    }
                    if (frame.length < length) {
                        frame = Arrays.copyOf(frame, Math.max(length, frame.length * 2));
                        view.wrap(frame);
                    }
                    in.readFully(frame, FrameDescriptor.HEADER_LENGTH, length - FrameDescriptor.HEADER_LENGTH);
                    if (FrameValidator.check(view, 0, length, FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH) != length) {
                        throw new IOException("gateway sent an invalid " + FrameType.name(frame[4] & 0xFF) + " frame");
                    }
                    dispatch(this, view);
                }
            } catch (EOFException e) {
                cause = closed ? null : e;
            } catch (IOException e) {
                cause = closed || socket.isClosed() ? null : e;
            } catch (RuntimeException e) {
                cause = e;
            } finally {
                helloAnswered.countDown();
                closeQuietly();
                if (!closed) {
                    listener.onDisconnected(cause);
                }
            }
        }

        void startHeartbeat() {
            final Thread t = new Thread(() -> {
                final ExpandableArrayBuffer hb = new ExpandableArrayBuffer(16);
                try {
                    while (!socket.isClosed()) {
                        Thread.sleep(heartbeatMillis);
                        final int len = HeartbeatFlyweight.encode(hb, 0, nowMicros());
                        write(this, hb.byteArray(), len);
                    }
                } catch (InterruptedException | IOException e) {
                    // connection ended
                }
            }, "rig-" + rigId + "-heartbeat");
            t.setDaemon(true);
            heartbeat = t;
            t.start();
        }

        void closeQuietly() {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
            final Thread t = heartbeat;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    private RigClient(final String host, final int port, final String rigId, final String token,
                      final RigListener listener, final SSLContext tls) {
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.rigId = rigId;
        this.token = token;
        this.listener = listener;
        this.nextSequence = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    /**
     * Connects and completes the HELLO handshake.
     *
     * @throws IOException when the connection fails or the gateway refuses the HELLO (the message says why)
     */
    public static RigClient connect(final String host, final int port, final String rigId, final String token,
                                    final RigListener listener, final Duration timeout)
        throws IOException, InterruptedException, TimeoutException {
        return connect(host, port, rigId, token, listener, timeout, null);
    }

    /**
     * Connects over TLS when {@code tls} is not null (see {@link RigTls}; the gateway's certificate must be signed by
     * a CA it trusts and name {@code host}), then completes the HELLO handshake.
     *
     * @throws IOException when the connection or the TLS handshake fails or the gateway refuses the HELLO
     */
    public static RigClient connect(final String host, final int port, final String rigId, final String token,
                                    final RigListener listener, final Duration timeout, final SSLContext tls)
        throws IOException, InterruptedException, TimeoutException {
        final RigClient client = new RigClient(host, port, rigId, token, listener, tls);
        client.open(timeout);
        return client;
    }

    private void open(final Duration timeout) throws IOException, InterruptedException, TimeoutException {
        final Connection c = new Connection(timeout);
        final int len;
        synchronized (scratch) {
            len = HelloFlyweight.encode(scratch, 0, FrameDescriptor.PROTOCOL_VERSION, rigId, token);
            write(c, scratch.byteArray(), len);
        }
        if (!c.helloAnswered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            c.closeQuietly();
            throw new TimeoutException("no answer to HELLO from " + host + ":" + port + " within " + timeout);
        }
        if (c.heartbeatMillis == 0) {
            c.closeQuietly();
            throw new IOException("gateway " + host + ":" + port + " refused HELLO: "
                + (c.refusal == null ? "connection closed" : c.refusal));
        }
        connection = c;
        c.startHeartbeat();
    }

    /**
     * Opens a new connection after the old one broke: HELLO again, then every channel declaration and every
     * unacknowledged frame, in sequence order.
     */
    public synchronized void reconnect(final Duration timeout)
        throws IOException, InterruptedException, TimeoutException {
        final Connection old = connection;
        if (old != null) {
            old.closeQuietly();
        }
        open(timeout);
        final TreeMap<Long, byte[]> resend = new TreeMap<>(unacked);
        synchronized (declarations) {
            for (Map.Entry<Long, byte[]> e : declarations.entrySet()) {
                resend.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        for (byte[] frame : resend.values()) {
            write(connection, frame, frame.length);
        }
    }

    /** Declares a channel on this connection; returns the frame's sequence number. */
    public long declareChannel(final ChannelDeclaration declaration) throws IOException {
        synchronized (scratch) {
            final long seq = nextSequence++;
            final int len = ChannelFlyweight.encode(scratch, 0, seq, declaration);
            final byte[] frame = Arrays.copyOf(scratch.byteArray(), len);
            synchronized (declarations) {
                declarations.put(seq, frame);
            }
            sendSequenced(seq, frame);
            return seq;
        }
    }

    /** Sends a batch of samples as one SAMPLES frame; returns its sequence number. */
    public long sendSamples(final int channelNo, final SampleBatch batch) throws IOException {
        if (batch.size == 0) {
            throw new IllegalArgumentException("empty sample batch");
        }
        synchronized (scratch) {
            final long seq = nextSequence++;
            final int len = SamplesFlyweight.encodeHeader(scratch, 0, seq, channelNo, batch.size);
            for (int i = 0; i < batch.size; i++) {
                SamplesFlyweight.putSample(scratch, 0, i, batch.timestampMicros[i], batch.voltage[i],
                    batch.current[i], batch.cellTemperature[i], batch.ambientTemperature[i], batch.force[i]);
            }
            sendSequenced(seq, Arrays.copyOf(scratch.byteArray(), len));
            return seq;
        }
    }

    /** Sends a phase marker; returns its sequence number. */
    public long sendMark(final int channelNo, final int markType, final long timestampMicros) throws IOException {
        synchronized (scratch) {
            final long seq = nextSequence++;
            final int len = MarkFlyweight.encode(scratch, 0, seq, channelNo, markType, timestampMicros);
            sendSequenced(seq, Arrays.copyOf(scratch.byteArray(), len));
            return seq;
        }
    }

    private void sendSequenced(final long seq, final byte[] frame) throws IOException {
        unacked.put(seq, frame);
        final Connection c = connection;
        if (c == null) {
            throw new IOException("not connected");
        }
        // Kept in unacked even when the write fails: reconnect() resends it.
        write(c, frame, frame.length);
    }

    private static void write(final Connection c, final byte[] frame, final int length) throws IOException {
        synchronized (c.out) {
            c.out.write(frame, 0, length);
            c.out.flush();
        }
    }

    private void dispatch(final Connection c, final UnsafeBuffer view) throws IOException {
        switch (view.getByte(FrameDescriptor.TYPE_OFFSET) & 0xFF) {
            case FrameType.HELLO_OK -> {
                final HelloOkFlyweight ok = new HelloOkFlyweight();
                ok.wrap(view, 0);
                c.heartbeatMillis = Math.max(10, ok.heartbeatIntervalMillis());
                c.helloAnswered.countDown();
            }
            case FrameType.ACK -> {
                final AckFlyweight ack = new AckFlyweight();
                ack.wrap(view, 0);
                final long seq = ack.sequence();
                unacked.headMap(seq, true).clear();
                synchronized (ackMonitor) {
                    if (seq > ackedSequence) {
                        ackedSequence = seq;
                    }
                    ackMonitor.notifyAll();
                }
                listener.onAck(seq);
            }
            case FrameType.COMMAND -> {
                final CommandFlyweight cmd = new CommandFlyweight();
                cmd.wrap(view, 0);
                final ReceivedCommand rc = new ReceivedCommand(cmd.channelNo(), cmd.action(), cmd.sampleTimeMicros(),
                    cmd.alertId(), cmd.channelId(), cmd.rule(), cmd.reason(), System.nanoTime());
                listener.onCommand(rc);
                final ExpandableArrayBuffer ackBuf = new ExpandableArrayBuffer(64);
                final int len = CommandAckFlyweight.encode(ackBuf, 0, rc.alertId());
                write(c, ackBuf.byteArray(), len);
            }
            case FrameType.ERROR -> {
                final ErrorFlyweight err = new ErrorFlyweight();
                err.wrap(view, 0);
                c.refusal = err.code() + " " + err.message();
                listener.onError(err.code(), err.message());
            }
            default -> {
                // HEARTBEAT and anything newer: nothing to do
            }
        }
    }

    /** Waits until the gateway has acknowledged {@code sequence}; false on timeout. */
    public boolean awaitAcked(final long sequence, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (ackMonitor) {
            while (ackedSequence < sequence) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(ackMonitor, left);
            }
            return true;
        }
    }

    /** Highest sequence the gateway acknowledged so far. */
    public long ackedSequence() {
        return ackedSequence;
    }

    /** Number of sequenced frames not yet acknowledged. */
    public int unackedCount() {
        return unacked.size();
    }

    /** Sequence numbers of the frames not yet acknowledged, ascending. */
    public List<Long> unackedSequences() {
        return new ArrayList<>(unacked.keySet());
    }

    public boolean isConnected() {
        final Connection c = connection;
        return c != null && !c.socket.isClosed();
    }

    @Override
    public void close() {
        closed = true;
        final Connection c = connection;
        if (c != null) {
            c.closeQuietly();
        }
    }

    private static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
