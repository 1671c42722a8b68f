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
}
