package io.cellwatch.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.rig.ReceivedCommand;
import io.cellwatch.rig.RigClient;
import io.cellwatch.rig.RigListener;
import io.cellwatch.rig.SampleBatch;

/**
 * A simulated rig for demonstrations: N channels at a fixed rate, each running a {@link SimulatedCell} scenario
 * (ORT cycling, an overcharge, a press with a soft short, an external short), so every stop condition fires within
 * about 20 s. It reacts to STOP and END commands as a real rig would and prints what it receives with the
 * sample-to-command latency.
 */
final class RigSimulator implements AutoCloseable {
    static final String RIG_ID = "sim-rig";

    private final RigClient client;
    private final int rateHz;
    private final PrintStream out;
    private final List<SimulatedCell> cells = new ArrayList<>();
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);

    RigSimulator(final String host, final int port, final int channels, final int rateHz, final PrintStream out)
        throws Exception {
        this.rateHz = rateHz;
        this.out = out;
        for (int ch = 1; ch <= channels; ch++) {
            cells.add(SimulatedCell.forChannel(ch, channelId(ch)));
        }
        this.client = RigClient.connect(host, port, RIG_ID, "", new RigListener() {
            @Override
            public void onCommand(final ReceivedCommand c) {
                final long latencyMs = (nowMicros() - c.sampleTimeMicros()) / 1000;
                out.printf("RIG  received %s for %s (rule %s, alert %s), %d ms after the sample: %s%n", c.action(),
                    c.channelId(), c.rule(), c.alertId(), latencyMs, c.reason());
                if (c.action() != StopAction.NOTIFY && c.channelNo() >= 1 && c.channelNo() <= cells.size()) {
                    cells.get(c.channelNo() - 1).stopped = true;
                }
            }

            @Override
            public void onDisconnected(final Throwable cause) {
                if (running.get()) {
                    out.println("RIG  lost the gateway connection: " + cause);
                }
            }
        }, Duration.ofSeconds(10));
        for (SimulatedCell cell : cells) {
            client.declareChannel(cell.declaration());
        }
        this.thread = new Thread(this::run, "rig-simulator");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    static String channelId(final int ch) {
        return String.format("%s/ch%02d", RIG_ID, ch);
    }

    /** Describes the scenarios for the start-up banner. */
    String describe() {
        final StringBuilder b = new StringBuilder();
        for (SimulatedCell c : cells.subList(0, Math.min(4, cells.size()))) {
            b.append(String.format("%n      %s  %s", c.channelId, c.procedure()));
        }
        if (cells.size() > 4) {
            b.append(String.format("%n      ... and %d more ORT cycling channels", cells.size() - 4));
        }
        return b.toString();
    }

    private void run() {
        final long periodNanos = 1_000_000_000L / rateHz;
        final SampleBatch batch = new SampleBatch(1);
        final long start = System.nanoTime();
        long next = start;
        final boolean[] ended = new boolean[cells.size()];
        try {
            while (running.get()) {
                final long now = nowMicros();
                final double seconds = (System.nanoTime() - start) / 1e9;
                for (int k = 0; k < cells.size(); k++) {
                    final SimulatedCell cell = cells.get(k);
                    if (ended[k]) {
                        continue;
                    }
                    final int mark = cell.dueMark(seconds);
                    if (mark > 0) {
                        client.sendMark(cell.channelNo, mark, now);
                    }
                    final SimulatedCell.Reading r = cell.at(seconds);
                    batch.clear().add(now, r.voltage(), r.current(), r.cellTemperature(), r.ambientTemperature(), r.force());
                    client.sendSamples(cell.channelNo, batch);
                    if (cell.stopped && cell instanceof SimulatedCell.ExternalShort) {
                        client.sendMark(cell.channelNo, MarkType.TEST_END, now); // the test is over: silence expected
                        ended[k] = true;
                    }
                }
                next += periodNanos;
                final long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (running.get()) {
                out.println("RIG  simulator stopped: " + e);
            }
        }
    }

    private static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    @Override
    public void close() {
        running.set(false);
        thread.interrupt();
        client.close();
    }
}
