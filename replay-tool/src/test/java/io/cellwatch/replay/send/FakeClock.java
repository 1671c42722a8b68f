package io.cellwatch.replay.send;

import java.util.ArrayList;
import java.util.List;

/** A clock that only pretends to sleep: sleeping moves its time forward and is recorded. */
final class FakeClock implements ReplayClock {
    long now = 1_000_000_000L;
    final List<Long> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void sleepNanos(final long nanos) {
        sleeps.add(nanos);
        now += nanos;
    }

    void advance(final long nanos) {
        now += nanos;
    }
}
