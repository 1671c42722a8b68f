package io.cellwatch.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Frames by size and by age on a test clock; the samples arrive in order and whole. */
class SampleBatcherTest {
    private final List<long[]> frames = new ArrayList<>(); // timestamps of each frame sent
    private long nowNanos;
    private long nextSequence = 10;

    private SampleBatcher batcher(final int maxSamples, final long maxDelayMillis) {
        return new SampleBatcher((channelNo, batch) -> {
            assertEquals(3, channelNo);
            frames.add(java.util.Arrays.copyOf(batch.timestampMicros, batch.size()));
            return nextSequence++;
        }, 3, maxSamples, Duration.ofMillis(maxDelayMillis), () -> nowNanos);
    }

    private static long add(final SampleBatcher b, final long t) throws Exception {
        return b.add(t, 4.0f, 1.0f, Float.NaN, Float.NaN, Float.NaN);
    }

    @Test
    void shouldSendAFrameEachTimeTheBatchIsFullAndKeepTheRest() throws Exception {
        final SampleBatcher b = batcher(100, 1000);
        final List<Long> sequences = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            final long s = add(b, i);
            if (s >= 0) {
                sequences.add(s);
            }
        }
        assertEquals(List.of(10L, 11L), sequences);
        assertEquals(2, frames.size());
        assertEquals(100, frames.get(0).length);
        assertEquals(0L, frames.get(0)[0]);
        assertEquals(199L, frames.get(1)[99]);
        assertEquals(50, b.pending());
        assertEquals(12L, b.flush(), "flush sends the rest");
        assertEquals(50, frames.get(2).length);
        assertEquals(-1L, b.flush(), "nothing left");
    }

    @Test
    void shouldSendAPartialBatchOnceItsOldestSampleHasWaitedTheDelay() throws Exception {
        final SampleBatcher b = batcher(100, 50);
        assertEquals(-1L, add(b, 1));
        nowNanos += TimeUnit.MILLISECONDS.toNanos(30);
        assertEquals(-1L, add(b, 2));
        assertEquals(-1L, b.flushDue(), "30 ms: not due");
        nowNanos += TimeUnit.MILLISECONDS.toNanos(20);
        assertEquals(10L, b.flushDue(), "50 ms after the oldest sample");
        assertEquals(List.of(1L, 2L), List.of(frames.get(0)[0], frames.get(0)[1]));
        // the next batch's age starts with its own first sample
        nowNanos += TimeUnit.MILLISECONDS.toNanos(500);
        assertEquals(-1L, add(b, 3));
        nowNanos += TimeUnit.MILLISECONDS.toNanos(49);
        assertEquals(-1L, b.flushDue());
        nowNanos += TimeUnit.MILLISECONDS.toNanos(1);
        assertEquals(11L, add(b, 4), "an add that finds the batch due sends it, itself included");
        assertEquals(2, frames.get(1).length);
    }

    @Test
    void shouldRefuseSizesTheProtocolCannotCarryAndANonPositiveDelayNamingTheValue() {
        assertEquals("maxSamples must be 1..4096, got 0", assertThrows(IllegalArgumentException.class,
            () -> batcher(0, 10)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> batcher(4097, 10));
        assertEquals("maxDelay must be > 0, got PT0S", assertThrows(IllegalArgumentException.class,
            () -> batcher(10, 0)).getMessage());
    }
}
