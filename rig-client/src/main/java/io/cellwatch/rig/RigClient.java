package io.cellwatch.rig;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.cellwatch.core.codec.AckFlyweight;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.CommandAckFlyweight;
import io.cellwatch.core.codec.CommandFlyweight;
import io.cellwatch.core.codec.ErrorCode;
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
 * until the gateway ACKs it, and a reconnect re-declares the channels and resends what is unacknowledged, in
 * sequence order, with the original sequence numbers (the job drops what it already has), before any new frame.
 * COMMANDs are delivered to the {@link RigListener} once per alert id (the gateway resends a command until it is
 * acknowledged; a repeat is answered, not delivered again) and answered with COMMAND_ACK (at once, or when the rig
 * says so: {@link RigClientOptions#manualCommandAcks()}); samples can be grouped into frames by
 * {@link SampleBatcher}; heartbeats are sent at the interval the gateway asks for, and a
 * gateway silent for three intervals is reported ({@link RigListener#onGatewaySilent}) and the connection dropped.
 *
 * <p>Reconnecting: by hand with {@link #reconnect(Duration)}, or automatically with capped, jittered, doubling
 * back-off when {@link RigClientOptions#reconnect()} is set. While the automatic reconnect runs, senders keep
 * their frames (they go out with the resend) instead of failing.
 *
 * <p>Plain TCP, or TLS with an {@link javax.net.ssl.SSLContext} from {@link RigTls} (the gateway's certificate is
 * checked against the CA and the host name).
 *
 * <p>Sequence numbers start at the clock in microseconds when the client is created, so they keep rising across
 * restarts of the rig program. Thread-safe for senders; callbacks run on the client's reader thread (reconnect
 * callbacks on its reconnect thread).
 */
public final class RigClient implements AutoCloseable {
    /** Alert ids seen lately, TRUE once acknowledged: a resent COMMAND reaches the rig once. */
    private final Map<String, Boolean> recentCommands = Collections.synchronizedMap(
        new LinkedHashMap<>(64, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, Boolean> eldest) {
                return size() > RECENT_COMMANDS; // far more than a rig's commands within the resend deadline
            }
        });
    private static final int RECENT_COMMANDS = 1024;
    private final String host;
    private final int port;
    private final String rigId;
    private final String token;
    private final RigListener listener;
    private final RigClientOptions options;
    /**
     * The client state lock: sequence allocation, encoding, the write of a new frame, and the switch to a new
     * connection together with its resends. One lock for all of them, so a new frame can never reach a new
     * connection before the resends of older frames (the gateway refuses a sequence that does not rise).
     */
    private final Object sendLock = new Object();
    /** One reconnect at a time, by hand or automatic. Taken before {@link #sendLock}, never inside it. */
    private final Object reconnectLock = new Object();
    /** Notified when a connection ends, for the automatic reconnect. */
    private final Object connectionEnded = new Object();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(64 * 1024);
    /** Unacknowledged sequenced frames, by sequence. */
    private final ConcurrentSkipListMap<Long, byte[]> unacked = new ConcurrentSkipListMap<>();
    /** Channel declarations that a reconnect may have to send again, by the sequence of their CHANNEL frame. */
    private final TreeMap<Long, Declaration> declarations = new TreeMap<>();
    private final Object ackMonitor = new Object();
    private long nextSequence;
    private volatile long ackedSequence = Long.MIN_VALUE;
    private volatile Connection connection;
    private volatile boolean closed;
    private Thread reconnector;

    /** A CHANNEL frame as first sent, and the channel number it binds. */
    private record Declaration(int channelNo, byte[] frame) { }

    /** The gateway refused the HELLO with an ERROR. */
    private static final class RefusedException extends IOException {
        final int code;

        RefusedException(final String message, final int code) {
            super(message);
            this.code = code;
        }
    }

    /** One TCP connection with its reader and heartbeat threads. */
    private final class Connection {
        final Socket socket;
        final OutputStream out;
        final CountDownLatch helloAnswered = new CountDownLatch(1);
        volatile int heartbeatMillis;
        volatile String refusal;
        /** Code of the ERROR the gateway sent on this connection, or -1. */
        volatile int errorCode = -1;
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
            if (options.tls() == null) {
                return plain;
            }
            final SSLSocket s = (SSLSocket) options.tls().getSocketFactory().createSocket(plain, host, port, true);
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
            } catch (SocketTimeoutException e) {
                // only armed after HELLO_OK: three heartbeat intervals without a single frame from the gateway
                cause = e;
                if (!closed) {
                    listener.onGatewaySilent(silenceLimitMillis(heartbeatMillis));
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
                synchronized (connectionEnded) {
                    connectionEnded.notifyAll();
                }
                if (!closed) {
                    listener.onDisconnected(cause);
                }
            }
        }

        /** Arms the silent-gateway detection once HELLO_OK named the interval (reader thread). */
        void armSilenceTimeout() throws IOException {
            socket.setSoTimeout((int) silenceLimitMillis(heartbeatMillis));
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

        boolean isOpen() {
            return !socket.isClosed();
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
                      final RigListener listener, final RigClientOptions options) {
        this.host = host;
        this.port = port;
        this.rigId = rigId;
        this.token = token;
        this.listener = listener;
        this.options = options;
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
        return connect(host, port, rigId, token, listener, RigClientOptions.defaults().withConnectTimeout(timeout));
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
        return connect(host, port, rigId, token, listener,
            RigClientOptions.defaults().withConnectTimeout(timeout).withTls(tls));
    }

    /**
     * Connects with the given options and completes the HELLO handshake. The first connection is not retried: a
     * failure here is reported to the caller; with {@link RigClientOptions#reconnect()} set, every later break is
     * repaired automatically.
     *
     * @throws IOException when the connection or the TLS handshake fails or the gateway refuses the HELLO
     */
    public static RigClient connect(final String host, final int port, final String rigId, final String token,
                                    final RigListener listener, final RigClientOptions options)
        throws IOException, InterruptedException, TimeoutException {
        final RigClient client = new RigClient(host, port, rigId, token, listener, options);
        final Connection c = client.handshake(options.connectTimeout());
        client.connection = c;
        c.startHeartbeat();
        if (options.reconnect() != null) {
            client.startReconnector();
        }
        return client;
    }

    /** Dials and completes HELLO; the connection is not yet visible to senders. */
    private Connection handshake(final Duration timeout) throws IOException, InterruptedException, TimeoutException {
        final Connection c = new Connection(timeout);
        final ExpandableArrayBuffer helloBuffer = new ExpandableArrayBuffer(256);
        final int len = HelloFlyweight.encode(helloBuffer, 0, FrameDescriptor.PROTOCOL_VERSION, rigId, token);
        try {
            write(c, helloBuffer.byteArray(), len);
        } catch (IOException e) {
            c.closeQuietly();
            throw e;
        }
        if (!c.helloAnswered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            c.closeQuietly();
            throw new TimeoutException("no answer to HELLO from " + host + ":" + port + " within " + timeout);
        }
        if (c.heartbeatMillis == 0) {
            c.closeQuietly();
            final String why = "gateway " + host + ":" + port + " refused HELLO: "
                + (c.refusal == null ? "connection closed" : c.refusal);
            throw c.errorCode >= 0 ? new RefusedException(why, c.errorCode) : new IOException(why);
        }
        return c;
    }

    /**
     * Opens a new connection after the old one broke: HELLO again, then the channel declarations and every
     * unacknowledged frame, in sequence order, before any new frame of a concurrent sender.
     */
    public void reconnect(final Duration timeout) throws IOException, InterruptedException, TimeoutException {
        synchronized (reconnectLock) {
            replaceConnection(timeout);
        }
    }

    /** Returns the number of frames resent. Caller holds {@link #reconnectLock}. */
    private int replaceConnection(final Duration timeout) throws IOException, InterruptedException, TimeoutException {
        if (closed) {
            throw new IOException("client closed");
        }
        final Connection old = connection;
        if (old != null) {
            old.closeQuietly();
        }
        // Dial and HELLO outside the state lock (senders keep queueing meanwhile); the new connection becomes
        // visible only under the lock, after the resends are written.
        final Connection fresh = handshake(timeout);
        final int resent;
        synchronized (sendLock) {
            try {
                final List<byte[]> frames = framesToResend();
                for (byte[] frame : frames) {
                    write(fresh, frame, frame.length);
                }
                resent = frames.size();
            } catch (IOException e) {
                fresh.closeQuietly();
                throw e;
            }
            connection = fresh;
        }
        if (closed) { // close() ran during the handshake and may have seen the old connection only
            fresh.closeQuietly();
            throw new IOException("client closed");
        }
        fresh.startHeartbeat();
        return resent;
    }

    /**
     * The frames a new connection needs before any new frame, in sequence order (docs/protocol.md, section 4): the
     * newest declaration of each channel number, an older declaration while frames sent under it are still
     * unacknowledged, and every unacknowledged frame. Declarations nobody can need again are forgotten. Caller
     * holds {@link #sendLock}.
     */
    private List<byte[]> framesToResend() {
        final TreeMap<Long, byte[]> resend = new TreeMap<>(unacked);
        final Map<Integer, Long> newerDeclaration = new TreeMap<>();
        final Long oldestUnacked = unacked.isEmpty() ? null : unacked.firstKey();
        for (Long seq : new ArrayList<>(declarations.descendingKeySet())) { // newest first
            final Declaration d = declarations.get(seq);
            final Long supersededAt = newerDeclaration.put(d.channelNo(), seq);
            final boolean needed = supersededAt == null
                || (oldestUnacked != null && oldestUnacked < supersededAt);
            if (needed) {
                resend.putIfAbsent(seq, d.frame());
            } else {
                declarations.remove(seq); // sequences only rise: no frame sent under it will be unacked again
            }
        }
        return new ArrayList<>(resend.values());
    }

    /** Declares a channel on this connection; returns the frame's sequence number. */
    public long declareChannel(final ChannelDeclaration declaration) throws IOException {
        synchronized (sendLock) {
            final long seq = nextSequence++;
            final int len = ChannelFlyweight.encode(scratch, 0, seq, declaration);
            final byte[] frame = Arrays.copyOf(scratch.byteArray(), len);
            declarations.put(seq, new Declaration(declaration.channelNo(), frame));
            return sendSequenced(seq, frame);
        }
    }

    /** Sends a batch of samples as one SAMPLES frame; returns its sequence number. */
    public long sendSamples(final int channelNo, final SampleBatch batch) throws IOException {
        if (batch.size == 0) {
            throw new IllegalArgumentException("empty sample batch");
        }
        synchronized (sendLock) {
            final long seq = nextSequence++;
            final int len = SamplesFlyweight.encodeHeader(scratch, 0, seq, channelNo, batch.size);
            for (int i = 0; i < batch.size; i++) {
                SamplesFlyweight.putSample(scratch, 0, i, batch.timestampMicros[i], batch.voltage[i],
                    batch.current[i], batch.cellTemperature[i], batch.ambientTemperature[i], batch.force[i]);
            }
            return sendSequenced(seq, Arrays.copyOf(scratch.byteArray(), len));
        }
    }

    /** Sends a phase marker; returns its sequence number. */
    public long sendMark(final int channelNo, final int markType, final long timestampMicros) throws IOException {
        synchronized (sendLock) {
            final long seq = nextSequence++;
            final int len = MarkFlyweight.encode(scratch, 0, seq, channelNo, markType, timestampMicros);
            return sendSequenced(seq, Arrays.copyOf(scratch.byteArray(), len));
        }
    }

    /**
     * Keeps the frame until it is ACKed and writes it to the current connection. Caller holds {@link #sendLock}.
     * Without automatic reconnect a broken connection is the caller's to repair (IOException; the frame stays
     * queued and {@link #reconnect} resends it); with it, the frame simply waits for the resend.
     */
    private long sendSequenced(final long seq, final byte[] frame) throws IOException {
        unacked.put(seq, frame);
        final Connection c = connection;
        if (c == null) {
            throw new IOException("not connected");
        }
        if (options.reconnect() != null && !c.isOpen()) {
            return seq;
        }
        try {
            write(c, frame, frame.length);
        } catch (IOException e) {
            c.closeQuietly(); // the reader sees the break: onDisconnected, and the automatic reconnect if on
            if (options.reconnect() == null) {
                throw e;
            }
        }
        return seq;
    }

    /**
     * Answers a COMMAND with COMMAND_ACK, for a rig that acknowledges only once it has acted
     * ({@link RigClientOptions#manualCommandAcks()}). An ACK lost with a broken connection is harmless: the
     * gateway sends the command again after the reconnect and the rig acknowledges the repeat.
     *
     * @throws IOException when there is no open connection
     */
    public void acknowledgeCommand(final String alertId) throws IOException {
        recentCommands.put(alertId, Boolean.TRUE); // the rig acted: a repeat is answered even if this write fails
        final Connection c = connection;
        if (c == null || !c.isOpen()) {
            throw new IOException("not connected");
        }
        writeCommandAck(c, alertId);
    }

    private static void writeCommandAck(final Connection c, final String alertId) throws IOException {
        final ExpandableArrayBuffer ackBuf = new ExpandableArrayBuffer(64);
        final int len = CommandAckFlyweight.encode(ackBuf, 0, alertId);
        write(c, ackBuf.byteArray(), len);
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
                c.armSilenceTimeout();
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
                final Boolean acknowledged = recentCommands.get(rc.alertId());
                if (acknowledged != null) {
                    // a resend (the gateway did not get our COMMAND_ACK yet, or the rig has not given it): the rig
                    // acts once; a repeat of a command it already acknowledged is acknowledged again
                    listener.onCommandRepeated(rc);
                    if (acknowledged) {
                        writeCommandAck(c, rc.alertId());
                    }
                } else {
                    recentCommands.put(rc.alertId(), Boolean.FALSE);
                    listener.onCommand(rc);
                    if (!options.manualCommandAcks()) {
                        recentCommands.put(rc.alertId(), Boolean.TRUE);
                        writeCommandAck(c, rc.alertId());
                    }
                }
            }
            case FrameType.ERROR -> {
                final ErrorFlyweight err = new ErrorFlyweight();
                err.wrap(view, 0);
                c.refusal = err.code() + " " + err.message();
                c.errorCode = err.code();
                listener.onError(err.code(), err.message());
            }
            default -> {
                // HEARTBEAT and anything newer: nothing to do (any frame re-arms the silence timeout)
            }
        }
    }

    /**
     * Whether reconnecting and resending can help after an ERROR with this code (docs/protocol.md, section 7):
     * the gateway could not store the data, or another rig held a channel. Anything else would be refused again.
     */
    public static boolean reconnectCanHelp(final int code) {
        return code == ErrorCode.CHANNEL_CONFLICT.code() || code == ErrorCode.UNAVAILABLE.code()
            || code == ErrorCode.INTERNAL_ERROR.code();
    }

    private void startReconnector() {
        final Thread t = new Thread(this::reconnectWhileOpen, "rig-" + rigId + "-reconnect");
        t.setDaemon(true);
        reconnector = t;
        t.start();
    }

    /** The automatic reconnect: waits for a break, then retries with back-off until connected or closed. */
    private void reconnectWhileOpen() {
        final ReconnectPolicy policy = options.reconnect();
        try {
            while (!closed) {
                final Connection broken;
                synchronized (connectionEnded) {
                    while (!closed && connection.isOpen()) {
                        connectionEnded.wait();
                    }
                    broken = connection;
                }
                if (closed || !reconnectMayHelp(broken)) {
                    return;
                }
                int attempt = 1;
                long delay = policy.delayNanos(attempt, ThreadLocalRandom.current().nextDouble());
                while (!closed) {
                    TimeUnit.NANOSECONDS.sleep(delay);
                    try {
                        final int resent;
                        synchronized (reconnectLock) {
                            if (connection != broken) {
                                break; // repaired by hand meanwhile
                            }
                            resent = replaceConnection(options.connectTimeout());
                        }
                        listener.onConnectionRestored(attempt, resent);
                        break;
                    } catch (IOException | TimeoutException e) {
                        if (closed) {
                            return;
                        }
                        if (e instanceof RefusedException r && !reconnectCanHelp(r.code)) {
                            listener.onReconnectAbandoned(r.code, r.getMessage());
                            return;
                        }
                        attempt++;
                        delay = policy.delayNanos(attempt, ThreadLocalRandom.current().nextDouble());
                        listener.onReconnectAttemptFailed(attempt - 1, e, TimeUnit.NANOSECONDS.toMillis(delay));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() ends the reconnect
        }
    }

    /** False (and the listener told) when the gateway ended the connection with an ERROR a resend cannot fix. */
    private boolean reconnectMayHelp(final Connection broken) {
        final int code = broken.errorCode;
        if (code < 0 || reconnectCanHelp(code)) {
            return true;
        }
        listener.onReconnectAbandoned(code, broken.refusal);
        return false;
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
        return c != null && c.isOpen();
    }

    @Override
    public void close() {
        closed = true;
        final Thread t = reconnector;
        if (t != null) {
            t.interrupt();
        }
        synchronized (connectionEnded) {
            connectionEnded.notifyAll();
        }
        final Connection c = connection;
        if (c != null) {
            c.closeQuietly();
        }
    }

    /** The contract of docs/protocol.md, section 3: three heartbeat intervals without a frame. */
    private static long silenceLimitMillis(final int heartbeatMillis) {
        return 3L * heartbeatMillis;
    }

    private static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
