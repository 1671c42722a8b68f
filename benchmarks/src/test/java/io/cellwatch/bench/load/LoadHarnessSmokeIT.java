package io.cellwatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the load harness working: a tiny load through the real embedded stack. It checks that the harness measures
 * something (every window sample ACKed, COMMAND latencies recorded for the injected trips, CPU of both JVMs read);
 * it asserts no speed, which belongs in the benchmark runs documented in benchmarks/README.md.
 */
class LoadHarnessSmokeIT {
    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void shouldAckEverySampleAndRecordCommandLatenciesOnTheRealStack() throws Exception {
        final LoadOptions o = LoadOptions.parse(new String[] {
            "--channels=8", "--rate-hz=1000", "--samples-per-frame=50", "--rigs=2", "--trip-channels=4",
            "--trip-every-ms=500", "--warmup-s=2", "--duration-s=3", "--drain-s=3", "--data-dir=" + dataDir});

        final LoadResult r = LoadHarness.run(o, System.out);
        System.out.println(r.text());

        assertNull(r.failure(), "no rig connection failed");
        assertEquals(8 * 1000 * 3, r.samplesOffered(), "8 channels x 1 kHz x 3 s were due in the window");
        assertEquals(r.samplesOffered(), r.samplesAcked(), "every window sample was ACKed");
        assertEquals(r.samplesAcked(), r.sampleToAck().count(), "one ACK latency per sample");
        assertTrue(r.tripsInjected() > 0, "trips were injected in the window");
        assertTrue(r.sampleToCommand().count() > 0, "a COMMAND came back for a trip: " + r.text());
        assertTrue(r.sampleToCommand().count() <= r.tripsInjected(), "no COMMAND without a trip");
        assertEquals(0, r.otherCommands(), "only upper-charge-voltage STOPs: " + r.text());
        assertTrue(r.cpu().size() >= 2 && r.cpu().stream().allMatch(c -> c.cpuNanos() > 0),
            "CPU read for this JVM and the broker: " + r.cpu());
        assertEquals(r.cpu().size(), r.jitCompilers().size(), "JIT compiler CPU for each process: " + r.text());
        assertTrue(r.threads().stream().anyMatch(t -> t.cores() > 0), "the busiest threads are named: " + r.text());
    }

    /**
     * The long-run state measurement, in small: rig time 20x faster than wall time, cycling cells, and the job's
     * checkpoint sizes read from Flink's metrics. A COMMAND for a trip maps back to its wall time only if the rig-time
     * scaling is undone correctly, so the COMMAND latencies check the scaling too.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void shouldRecordTheJobsCheckpointSizesWhileRigTimeRunsFaster() throws Exception {
        final LoadOptions o = LoadOptions.parse(new String[] {
            "--channels=4", "--rate-hz=1000", "--samples-per-frame=50", "--rigs=2", "--trip-channels=2",
            "--trip-every-ms=500", "--warmup-s=2", "--duration-s=4", "--drain-s=2", "--rig-time-scale=20",
            "--cell=cycling", "--state-every-s=2", "--data-dir=" + dataDir});

        final LoadResult r = LoadHarness.run(o, System.out);
        System.out.println(r.text());

        assertNull(r.failure(), "no rig connection failed");
        assertEquals(r.samplesOffered(), r.samplesAcked(), "every window sample was ACKed");
        assertTrue(r.sampleToCommand().count() > 0, "COMMANDs mapped back to their frames' wall time: " + r.text());
        assertTrue(r.jobState().size() >= 2, "a point every 2 s and one at the end: " + r.jobState());
        final LoadResult.StatePoint last = r.jobState().get(r.jobState().size() - 1);
        assertTrue(last.completedCheckpoints() > 0, "checkpoints completed (1 s interval): " + last);
        assertTrue(last.lastCheckpointFullBytes() > 0, "Flink reported a checkpoint size: " + last);
        assertTrue(last.rigHoursSent() > 0.01, "20x rig time over ~10 s of load is over 36 s of rig time: " + last);
        // each channel's first frame reaches one frame back before the origin
        final double oneFrameHours = o.samplesPerFrame() * o.rigSamplePeriodMicros() / 3.6e9;
        assertTrue(last.rigHoursEvaluated() > 0 && last.rigHoursEvaluated() <= last.rigHoursSent() + oneFrameHours,
            "the job evaluated rig time, no more than was sent: " + last);
    }
}
