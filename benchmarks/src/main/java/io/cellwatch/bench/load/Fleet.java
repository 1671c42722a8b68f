package io.cellwatch.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The simulated fleet: {@code channels} channels spread round-robin over {@code rigs} connections, and one sender
 * thread that sends every channel's frames on a fixed schedule (open loop: it never waits for an ACK, only for the
 * socket, and a frame's latency counts from when it was due, so falling behind shows up as latency).
 *
 * <p>Frame {@code j} of the whole fleet belongs to channel {@code j % channels} and is due at
 * {@code j x framePeriod / channels}: the channels' frames are spread evenly over each frame period. Its samples
 * are stamped one sample period of rig time apart (the wall period times {@code --rig-time-scale}), ending at the
 * due time's rig time. With {@code --cell=cycling} they carry a {@link CyclingCell}'s values instead of the flat
 * ones. Trip channels put 4.30 V into the last sample of
 * one frame every {@code tripEveryMs} (all other samples are 4.10 V, below the 4.20 V re-arm level), so each trip
 * is a new episode of the upper-charge-voltage rule and its COMMAND maps back to that frame's due time.
 */
final class Fleet {
    static final float NORMAL_VOLTS = 4.10f;
    static final float TRIP_VOLTS = 4.30f;
    /** The default procedure's id (see {@link LoadOptions#FLAT_PROCEDURE}). */
    static final String PROCEDURE = "cellwatch/monitor";
    /** Cycling channels start this far apart in their hourly cycle, so they are not all at rest at once. */
    static final long CYCLE_PHASE_STEP_MICROS = 7 * CyclingCell.MINUTE_MICROS;
    private static final long FLUSH_EVERY_NANOS = 200_000;
    private static final long HEARTBEAT_EVERY_NANOS = 500_000_000;

    private final LoadOptions o;
    private final LatencyClock clock;
    private final LeanRig[] rigs;
    private final UnsafeBuffer template;
    private final int frameLength;
    private final double frameIntervalMicros;
    private final long samplePeriodMicros;
    private final long tripEveryRounds;

    // written by the sender thread, read after it ends; by phase (LatencyClock.phaseOf), so that the sender's loop
    // takes the same path in the warm-up as in the window (see phaseOf)
    private final long[] samplesOfferedByPhase = new long[LatencyClock.PHASES];
    private final long[] tripsByPhase = new long[LatencyClock.PHASES];
    private final Histogram[] senderLagByPhase = new Histogram[LatencyClock.PHASES];
    long samplesOfferedInWindow;
    long tripsInWindow;
    long framesSent;
    /** How far behind its schedule the sender was at the frames due in the window. */
    final Histogram senderLag;
    private volatile Thread senderThread;
    /** Wall time (us since the schedule's origin) that the newest frame sent was due; read by the state sampler. */
    volatile long lastDueMicros;

    Fleet(final LoadOptions o, final InetSocketAddress gateway, final LatencyClock clock) throws IOException {
        this.o = o;
        this.clock = clock;
        this.rigs = new LeanRig[o.rigs()];
        for (int r = 0; r < o.rigs(); r++) {
            final int count = o.channels() / o.rigs() + (r < o.channels() % o.rigs() ? 1 : 0);
            final ChannelDeclaration[] decls = new ChannelDeclaration[count];
            for (int n = 1; n <= count; n++) {
                decls[n - 1] = new ChannelDeclaration(n, rigId(r) + "/ch" + n, "SN-" + r + "-" + n, "LOAD",
                    o.procedureId(), o.procedureVersion(), CellForm.CYLINDRICAL, 3.0, Map.of());
            }
            rigs[r] = new LeanRig(gateway, rigId(r), decls, clock);
        }
        frameLength = SamplesFlyweight.frameLength(o.samplesPerFrame());
        template = new UnsafeBuffer(new byte[frameLength]);
        SamplesFlyweight.encodeHeader(template, 0, 0, 0, o.samplesPerFrame());
        for (int i = 0; i < o.samplesPerFrame(); i++) {
            SamplesFlyweight.putSample(template, 0, i, 0, NORMAL_VOLTS, 1.0f, 25f, Float.NaN, Float.NaN);
        }
        samplePeriodMicros = o.rigSamplePeriodMicros();
        // the schedule is wall time; only the timestamps are rig time
        final long framePeriodMicros = 1_000_000L / o.rateHz() * o.samplesPerFrame();
        frameIntervalMicros = (double) framePeriodMicros / o.channels();
        // at least two frames apart, so the rule re-arms between trips even with one sample per frame
        tripEveryRounds = Math.max(2, Math.round(o.tripEveryMs() * 1000.0 / framePeriodMicros));
        for (int i = 0; i < LatencyClock.PHASES; i++) {
            senderLagByPhase[i] = new Histogram(3_600_000_000_000L, 2);
        }
        senderLag = senderLagByPhase[LatencyClock.WINDOW];
    }

    /**
     * CPU (ns) the sender thread has used so far, read from another thread (the harness reads it at the window's
     * edges, so the sender's own loop has no window check); -1 before {@link #run} started or after it ended.
     */
    long senderCpuNanos() {
        final Thread t = senderThread;
        return t == null ? -1 : ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
    }

    static String rigId(final int r) {
        return String.format("load-rig%03d", r);
    }

    LeanRig[] rigs() {
        return rigs;
    }

    /** Sends until the end of the window plus the drain time; runs on the calling thread. */
    void run() {
        senderThread = Thread.currentThread();
        final long endNanos = clock.windowEndNanos() + o.drainSeconds() * 1_000_000_000L;
        final int channels = o.channels();
        final int nRigs = rigs.length;
        final boolean cycling = "cycling".equals(o.cell());
        long lastFlush = System.nanoTime();
        long nextHeartbeat = lastFlush + HEARTBEAT_EVERY_NANOS;
        for (long j = 0; ; j++) {
            final long dueMicros = Math.round(j * frameIntervalMicros);
            final long due = clock.startNanos() + dueMicros * 1000L;
            if (due >= endNanos) {
                break;
            }
            long now = System.nanoTime();
            while (due > now) {
                // caught up: send what is buffered, then sleep until the next frame is due (never spin)
                flushAll();
                lastFlush = now;
                if (now >= nextHeartbeat) {
                    for (LeanRig r : rigs) {
                        r.appendHeartbeat();
                    }
                    nextHeartbeat = now + HEARTBEAT_EVERY_NANOS;
                    continue;
                }
                LockSupport.parkNanos(due - now);
                now = System.nanoTime();
            }
            final int phase = clock.phaseOf(due);
            senderLagByPhase[phase].recordValue(now - due);
            final int k = (int) (j % channels);
            final long round = j / channels;
            final boolean trip = k < o.tripChannels() && round > 0 && (round + k) % tripEveryRounds == 0;
            final long firstMicros = clock.rigMicrosAfter(dueMicros) - (o.samplesPerFrame() - 1) * samplePeriodMicros;
            rigs[k % nRigs].appendSamples(template, frameLength, k / nRigs + 1, o.samplesPerFrame(), firstMicros,
                samplePeriodMicros, trip, due, cycling,
                firstMicros - clock.epochMicrosAtStart() + k * CYCLE_PHASE_STEP_MICROS);
            framesSent++;
            lastDueMicros = dueMicros;
            samplesOfferedByPhase[phase] += o.samplesPerFrame();
            tripsByPhase[phase] += trip ? 1 : 0;
            if (now - lastFlush >= FLUSH_EVERY_NANOS) {
                flushAll();
                lastFlush = now;
            }
        }
        flushAll();
        samplesOfferedInWindow = samplesOfferedByPhase[LatencyClock.WINDOW];
        tripsInWindow = tripsByPhase[LatencyClock.WINDOW];
        senderThread = null;
    }

    private void flushAll() {
        for (LeanRig r : rigs) {
            r.flush();
        }
    }

    /** Samples ACKed so far by all rigs, whenever they were sent. */
    long allSamplesAcked() {
        long sum = 0;
        for (LeanRig r : rigs) {
            sum += r.allSamplesAcked;
        }
        return sum;
    }

    /** The first failure of any rig connection, or null. */
    Throwable failure() {
        for (LeanRig r : rigs) {
            if (r.failure() != null) {
                return r.failure();
            }
        }
        return null;
    }

    void close() throws InterruptedException {
        for (LeanRig r : rigs) {
            r.stopReader();
        }
    }
}
