package io.cellwatch.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.rig.ReceivedCommand;
import io.cellwatch.rig.RigClient;
import io.cellwatch.rig.RigListener;
import io.cellwatch.rig.SampleBatch;

/**
 * A simulated charger rig for demonstrations: N channels at a fixed rate, all held at a constant-voltage charge of
 * 4.20 V except channel 2, whose charger "fails" and ramps the cell voltage by 20 mV/s from 4.15 V, so it crosses
 * the 4.25 V upper charge voltage about 5 s after start. When the rig receives the STOP command for a channel it
 * stops charging it (current 0, the voltage relaxes to 4.18 V), as a real rig would. Prints what it receives.
 */
final class RigSimulator implements AutoCloseable {
    static final String RIG_ID = "sim-rig";
    static final int RUNAWAY_CHANNEL = 2;

    private final RigClient client;
    private final int channels;
    private final int rateHz;
    private final PrintStream out;
    private final boolean[] stopped;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);

    RigSimulator(final String host, final int port, final int channels, final int rateHz, final PrintStream out)
        throws Exception {
        this.channels = channels;
        this.rateHz = rateHz;
        this.out = out;
        this.stopped = new boolean[channels + 1];
        this.client = RigClient.connect(host, port, RIG_ID, "", new RigListener() {
            @Override
            public void onCommand(final ReceivedCommand c) {
                final long latencyMs = (nowMicros() - c.sampleTimeMicros()) / 1000;
                out.printf("RIG  received %s for %s (rule %s, alert %s), %d ms after the sample: %s%n", c.action(),
                    c.channelId(), c.rule(), c.alertId(), latencyMs, c.reason());
                if (c.channelNo() >= 1 && c.channelNo() <= channels) {
                    stopped[c.channelNo()] = true;
                }
            }

            @Override
            public void onDisconnected(final Throwable cause) {
                if (running.get()) {
                    out.println("RIG  lost the gateway connection: " + cause);
                }
            }
        }, Duration.ofSeconds(10));
        for (int ch = 1; ch <= channels; ch++) {
            client.declareChannel(new ChannelDeclaration(ch, channelId(ch), "SIM-" + 1000 + ch, "LOT-SIM-1",
                "pse-app9/overcharge-protection", 1, CellForm.CYLINDRICAL, 3.0, Map.of()));
        }
        this.thread = new Thread(this::run, "rig-simulator");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    static String channelId(final int ch) {
        return String.format("%s/ch%02d", RIG_ID, ch);
    }

    private void run() {
        final long periodNanos = 1_000_000_000L / rateHz;
        final SampleBatch batch = new SampleBatch(1);
        long next = System.nanoTime();
        int tick = 0;
        try {
            while (running.get()) {
                final long now = nowMicros();
                final double seconds = (double) tick / rateHz;
                for (int ch = 1; ch <= channels; ch++) {
                    batch.clear();
                    final float v;
                    final float i;
                    if (stopped[ch]) {
                        v = 4.18f;
                        i = 0f;
                    } else if (ch == RUNAWAY_CHANNEL) {
                        v = (float) (4.15 + 0.02 * seconds);
                        i = 1.5f;
                    } else {
                        v = 4.20f;
                        i = (float) (1.5 * Math.exp(-seconds / 600));
                    }
                    batch.add(now, v, i, 25f + 0.1f * ch, Float.NaN, Float.NaN);
                    client.sendSamples(ch, batch);
                }
                tick++;
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
