package io.cellwatch.replay.send;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.cellwatch.core.codec.ErrorCode;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.rig.ReceivedCommand;
import io.cellwatch.rig.RigClient;
import io.cellwatch.rig.RigListener;
import io.cellwatch.rig.SampleBatch;

/**
 * A {@link RigLink} over a real {@link RigClient} connection. It sits between the client and the caller's listener to
 * remember the gateway's last ERROR, so that the replayer does not reconnect to resend a frame the gateway rejects.
 */
public final class RigClientLink implements RigLink {
    private final ErrorRecorder errors;
    private final RigClient client;

    private RigClientLink(final ErrorRecorder errors, final RigClient client) {
        this.errors = errors;
        this.client = client;
    }

    /** Passes every callback on, noting ERRORs on the way. */
    private static final class ErrorRecorder implements RigListener {
        private final RigListener next;
        private volatile String rejection;

        ErrorRecorder(final RigListener next) {
            this.next = next;
        }

        @Override
        public void onCommand(final ReceivedCommand command) {
            next.onCommand(command);
        }

        @Override
        public void onAck(final long sequence) {
            next.onAck(sequence);
        }

        @Override
        public void onError(final int code, final String message) {
            if (!retriable(code)) {
                final ErrorCode known = ErrorCode.ofCode(code);
                rejection = "ERROR " + code + (known == null ? "" : " " + known.name()) + ": " + message;
            }
            next.onError(code, message);
        }

        @Override
        public void onDisconnected(final Throwable cause) {
            next.onDisconnected(cause);
        }
    }

    /** Whether reconnecting and resending can help after an ERROR with this code (docs/protocol.md, section 7). */
    static boolean retriable(final int code) {
        return RigClient.reconnectCanHelp(code);
    }

    /**
     * Connects to a gateway and completes the HELLO handshake.
     *
     * @throws IOException      the connection failed or the gateway refused the HELLO (the message says why)
     * @throws TimeoutException no answer to HELLO within {@code timeout}
     */
    public static RigClientLink connect(final String host, final int port, final String rigId, final String token,
                                        final RigListener listener, final Duration timeout)
        throws IOException, InterruptedException, TimeoutException {
        final ErrorRecorder errors = new ErrorRecorder(listener);
        return new RigClientLink(errors, RigClient.connect(host, port, rigId, token, errors, timeout));
    }

    @Override
    public String rejection() {
        return errors.rejection;
    }

    @Override
    public long declareChannel(final ChannelDeclaration declaration) throws IOException {
        return client.declareChannel(declaration);
    }

    @Override
    public long sendSamples(final int channelNo, final SampleBatch batch) throws IOException {
        return client.sendSamples(channelNo, batch);
    }

    @Override
    public long sendMark(final int channelNo, final int markType, final long timestampMicros) throws IOException {
        return client.sendMark(channelNo, markType, timestampMicros);
    }

    @Override
    public int unackedCount() {
        return client.unackedCount();
    }

    @Override
    public long lastUnackedSequence() {
        final List<Long> unacked = client.unackedSequences();
        return unacked.isEmpty() ? -1 : unacked.get(unacked.size() - 1);
    }

    @Override
    public boolean awaitAcked(final long sequence, final Duration timeout) throws InterruptedException {
        return client.awaitAcked(sequence, timeout);
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void reconnect(final Duration timeout) throws IOException, InterruptedException, TimeoutException {
        client.reconnect(timeout);
    }

    @Override
    public void close() {
        client.close();
    }
}
