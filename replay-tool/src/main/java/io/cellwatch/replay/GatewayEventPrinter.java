package io.cellwatch.replay;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

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
    /** Guarded by itself; its monitor also wakes {@link #awaitCommands} on a command or a closed connection. */
    private final List<ReceivedCommand> commands = new ArrayList<>();
    private boolean disconnected;

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
        // Printed before it is counted, so a caller woken by the count finds the line already written.
        out.println(formatCommand(command, startMicros));
        synchronized (commands) {
            commands.add(command);
            commands.notifyAll();
        }
    }

    @Override
    public void onError(final int code, final String message) {
        final ErrorCode known = ErrorCode.ofCode(code);
        err.println("gateway ERROR " + code + (known == null ? "" : " " + known.name()) + ": " + message);
    }

    @Override
    public void onDisconnected(final Throwable cause) {
        err.println("connection to the gateway closed" + (cause == null ? "" : ": " + cause));
        synchronized (commands) {
            disconnected = true;
            commands.notifyAll();
        }
    }

    @Override
    public void onReconnected(final int attempt, final int resentFrames) {
        synchronized (commands) {
            disconnected = false;
        }
        err.println("reconnected (attempt " + attempt + "), resent " + resentFrames + " unacknowledged frames");
    }

    /**
     * Waits until {@code expected} commands have arrived in all (0: no such early end), a connection closed, or
     * {@code timeout} has passed, whichever is first: the job raises its alerts after the gateway acknowledged the
     * samples (Kafka first, then the job, then the alerts topic), so the last COMMANDs follow the last ACK.
     *
     * @return the number of commands received so far
     */
    int awaitCommands(final int expected, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (commands) {
            while (!disconnected && (expected <= 0 || commands.size() < expected)) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(commands, left);
            }
            return commands.size();
        }
    }

    @Override
    public void onConnectionLost(final Throwable cause) {
        err.println("connection lost" + (cause == null ? "" : ": " + cause.getMessage()));
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
