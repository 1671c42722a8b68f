package io.cellwatch.replay;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.cellwatch.replay.send.ReplayProgress;

/**
 * Prints a progress line at a fixed interval from its own thread, so that it keeps printing while the replay sleeps
 * (slow speeds) or blocks on a socket the gateway stopped reading (back-pressure).
 */
final class ProgressPrinter implements AutoCloseable {
    private final PrintStream out;
    private final Supplier<ReplayProgress> source;
    private final Duration interval;
    private ScheduledExecutorService executor;
    private int lastRowsSent;
    private long lastElapsedNanos;

    ProgressPrinter(final PrintStream out, final Supplier<ReplayProgress> source, final Duration interval) {
        this.out = out;
        this.source = source;
        this.interval = interval;
    }

    void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "replay-progress");
            t.setDaemon(true);
            return t;
        });
        final long ms = interval.toMillis();
        executor.scheduleAtFixedRate(this::print, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void print() {
        final ReplayProgress p = source.get();
        final long dt = p.elapsedNanos() - lastElapsedNanos;
        final double rate = dt <= 0 ? 0 : (p.rowsSent() - lastRowsSent) * 1e9 / dt;
        lastRowsSent = p.rowsSent();
        lastElapsedNanos = p.elapsedNanos();
        out.println(format(p, rate));
    }

    /** E.g. {@code progress 12.0 s: 1200/5000 rows sent, 1100 acked (13 frames sent, 1 unacked), 600 rows/s}. */
    static String format(final ReplayProgress p, final double rowsPerSecond) {
        return String.format(Locale.ROOT,
            "progress %.1f s: %d/%d rows sent, %d acked (%d frames sent, %d unacked), %.0f rows/s",
            p.elapsedNanos() / 1e9, p.rowsSent(), p.rowsTotal(), p.rowsAcked(), p.framesSent(),
            p.framesSent() - p.framesAcked(), rowsPerSecond);
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
