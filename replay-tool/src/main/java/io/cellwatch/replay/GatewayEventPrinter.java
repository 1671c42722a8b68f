package io.cellwatch.replay;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.cellwatch.core.codec.ErrorCode;
import io.cellwatch.replay.send.ReplayEvents;
import io.cellwatch.rig.ReceivedCommand;
import io.cellwatch.rig.RigListener;

/**
 * Prints what the gateway tells the rig (COMMANDs, ERRORs, a closed connection) and the replayer's reconnects.
 * COMMAND callbacks run on the rig client's reader thread; the printed lines are whole lines either way.
 */
final class GatewayEventPrinter implements RigListener, ReplayEvents {
    private final PrintStream out;
    private final PrintStream err;
    private final long startMicros;
    private final List<ReceivedCommand> commands = new ArrayList<>();

    /**
     * @param startMicros rig time of run time 0, to show each command's sample time as run time too
     */
    GatewayEventPrinter(final PrintStream out, final PrintStream err, final long startMicros) {
        this.out = out;
        this.err = err;
        this.startMicros = startMicros;
    }

    @Override
    public void onCommand(final ReceivedCommand command) {
        synchronized (commands) {
            commands.add(command);
        }
        out.println(formatCommand(command, startMicros));
    }

    @Override
    public void onError(final int code, final String message) {
        final ErrorCode known = ErrorCode.ofCode(code);
        err.println("gateway ERROR " + code + (known == null ? "" : " " + known.name()) + ": " + message);
    }

    @Override
    public void onDisconnected(final Throwable cause) {
        err.println("connection to the gateway closed" + (cause == null ? "" : ": " + cause));
    }

    @Override
    public void onConnectionLost(final Throwable cause) {
        err.println("connection lost" + (cause == null ? "" : ": " + cause.getMessage()));
    }

    @Override
    public void onReconnected(final int attempt, final int resentFrames) {
        err.println("reconnected (attempt " + attempt + "), resent " + resentFrames + " unacknowledged frames");
    }

    @Override
    public void onReconnectFailed(final int attempt, final Throwable cause) {
        err.println("reconnect attempt " + attempt + " failed: " + cause.getMessage());
    }

    /** Commands received so far. */
    List<ReceivedCommand> commands() {
        synchronized (commands) {
            return List.copyOf(commands);
        }
    }

    /**
     * One line per command, e.g. {@code COMMAND STOP channel rigX/ch01 rule upper-charge-voltage alert 9f3a...
     * sample time 2026-01-01T00:00:12.300Z (run time 12.300 s): V 4.262 > 4.25}.
     */
    static String formatCommand(final ReceivedCommand c, final long startMicros) {
        final Instant sampleTime = Instant.EPOCH.plusNanos(c.sampleTimeMicros() * 1000L);
        return "COMMAND " + (c.action() == null ? "?" : c.action().name())
            + " channel " + c.channelId()
            + " rule " + c.rule()
            + " alert " + c.alertId()
            + " sample time " + sampleTime
            + String.format(Locale.ROOT, " (run time %.3f s)", (c.sampleTimeMicros() - startMicros) / 1e6)
            + ": " + c.reason();
    }
}
