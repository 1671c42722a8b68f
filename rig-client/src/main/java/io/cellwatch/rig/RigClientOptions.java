package io.cellwatch.rig;

import java.time.Duration;

import javax.net.ssl.SSLContext;

/**
 * How a {@link RigClient} connects and behaves. Start from {@link #defaults()} and change what differs.
 *
 * @param connectTimeout    TCP connect, TLS handshake and the answer to HELLO, for each connection
 * @param tls               TLS context (see {@link RigTls}), or null for plain TCP
 * @param reconnect         automatic reconnect after the connection broke, or null to leave reconnecting to the
 *                          caller ({@link RigClient#reconnect})
 * @param manualCommandAcks true: COMMAND_ACK is sent only when the rig calls
 *                          {@link RigClient#acknowledgeCommand(String)} (after it really stopped); false: the client
 *                          answers each COMMAND as soon as {@link RigListener#onCommand} returns
 */
public record RigClientOptions(Duration connectTimeout, SSLContext tls, ReconnectPolicy reconnect,
                               boolean manualCommandAcks) {
    public RigClientOptions {
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
    }

    /** 10 s connect timeout, plain TCP, no automatic reconnect, automatic COMMAND_ACK. */
    public static RigClientOptions defaults() {
        return new RigClientOptions(Duration.ofSeconds(10), null, null, false);
    }

    public RigClientOptions withConnectTimeout(final Duration timeout) {
        return new RigClientOptions(timeout, tls, reconnect, manualCommandAcks);
    }

    public RigClientOptions withTls(final SSLContext context) {
        return new RigClientOptions(connectTimeout, context, reconnect, manualCommandAcks);
    }

    public RigClientOptions withReconnect(final ReconnectPolicy policy) {
        return new RigClientOptions(connectTimeout, tls, policy, manualCommandAcks);
    }

    public RigClientOptions withManualCommandAcks(final boolean manual) {
        return new RigClientOptions(connectTimeout, tls, reconnect, manual);
    }
}
