package io.cellwatch.replay.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.model.MarkType;
import io.cellwatch.replay.run.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pacing, counting and reconnecting, on a fake clock and a fake link: nothing here sleeps or opens a socket. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReplayerTest {
    private static final long MS = 1_000_000L;

    private final FakeClock clock = new FakeClock();
    private final FakeRigLink link = new FakeRigLink(clock);
    private final List<String> events = new ArrayList<>();
    private final ReplayEvents recorder = new ReplayEvents() {
        @Override
        public void onConnectionLost(final Throwable cause) {
            events.add("lost");
        }

        @Override
        public void onReconnected(final int attempt, final int resentFrames) {
            events.add("reconnected " + attempt);
        }

        @Override
        public void onReconnectFailed(final int attempt, final Throwable cause) {
            events.add("failed " + attempt);
        }
    };

    /** Six samples 0.1 s apart. */
    private static Run sixSamples() {
        return BatchScheduleTest.runAt(0.0, 0.1, 0.2, 0.3, 0.4, 0.5);
    }

    private static ReplayOptions options(final int batch, final String speed) {
        return new ReplayOptions(batch, ReplaySpeed.parse(speed), 1_767_225_600_000_000L, Duration.ofSeconds(30),
            Duration.ofSeconds(5), 3, Duration.ofSeconds(1));
    }

    private ReplayResult replay(final Run run, final ReplayOptions options) throws Exception {
        return new Replayer(link, clock, options, recorder).replay(run);
    }

    private List<Long> sendTimesSinceStart(final long start) {
        final List<Long> t = new ArrayList<>();
        for (long s : link.sendTimes) {
            t.add(s - start);
        }
        return t;
    }

    @Test
    void shouldSleepUntilEachBatchIsDueWhenSpeedIsRealTime() throws Exception {
        final long start = clock.now;

        final ReplayResult r = replay(sixSamples(), options(2, "1"));

        assertEquals(List.of(100 * MS, 200 * MS, 200 * MS), clock.sleeps);
        assertEquals(List.of(100 * MS, 300 * MS, 500 * MS), sendTimesSinceStart(start));
        assertEquals(500 * MS, r.sendNanos());
    }

    @Test
    void shouldSleepAHundredthWhenSpeedIs100() throws Exception {
        final long start = clock.now;

        replay(sixSamples(), options(2, "100"));

        assertEquals(List.of(MS, 2 * MS, 2 * MS), clock.sleeps);
        assertEquals(List.of(MS, 3 * MS, 5 * MS), sendTimesSinceStart(start));
    }

    @Test
    void shouldNeverSleepWhenSpeedIsMax() throws Exception {
        final long start = clock.now;

        replay(sixSamples(), options(2, "max"));

        assertTrue(clock.sleeps.isEmpty(), clock.sleeps.toString());
        assertEquals(List.of(0L, 0L, 0L), sendTimesSinceStart(start));
    }

    @Test
    void shouldKeepScheduleWhenSendingTakesTime() throws Exception {
        final long start = clock.now;
        link.sendCostNanos = 30 * MS;

        replay(sixSamples(), options(2, "1"));

        assertEquals(List.of(100 * MS, 170 * MS, 170 * MS), clock.sleeps, "the write time is not added to the pause");
        assertEquals(List.of(100 * MS, 300 * MS, 500 * MS), sendTimesSinceStart(start));
    }

    @Test
    void shouldNotCatchUpLaterBatchesWhenOneSendIsLate() throws Exception {
        final long start = clock.now;
        link.sendCostNanos = 350 * MS; // the first write blocks past the second batch's due time

        replay(sixSamples(), options(2, "1"));

        assertEquals(List.of(100 * MS, 450 * MS, 800 * MS), sendTimesSinceStart(start));
        assertEquals(List.of(100 * MS), clock.sleeps);
    }

    @Test
    void shouldDeclareOneChannelAndCountRowsWhenEverythingIsAcked() throws Exception {
        final Run run = BatchScheduleTest.runAt(0, 1, 2, 3, 4, 5, 6);

        final ReplayResult r = replay(run, options(3, "max"));

        assertEquals(1, link.declarations.size());
        assertEquals(Replayer.CHANNEL_NO, link.declarations.get(0).channelNo());
        assertEquals("rigX/ch01", link.declarations.get(0).channelId());
        assertEquals(List.of(3, 3, 1), link.batchSizes);
        assertEquals(new ReplayResult(7, 7, 4, 4, 0, 0, 0, 0), r);
        assertTrue(r.allAcked());
    }

    @Test
    void shouldReportUnackedFramesWhenAckTimeoutPasses() throws Exception {
        link.ackEverything = false;
        final ReplayOptions o = new ReplayOptions(2, ReplaySpeed.MAX, 0, Duration.ofSeconds(2), Duration.ofSeconds(5),
            3, Duration.ofSeconds(1));
        final Replayer replayer = new Replayer(link, clock, o, recorder);

        final ReplayResult r = replayer.replay(sixSamples());

        assertFalse(r.allAcked());
        assertEquals(6, r.rowsSent());
        assertEquals(0, r.rowsAcked());
        assertEquals(4, r.framesSent());
        assertEquals(0, r.framesAcked());
        assertEquals(2_000 * MS, r.ackWaitNanos(), "bounded by the ack timeout");
        assertEquals(new ReplayProgress(6, 6, 0, 4, 0, 2_000 * MS), replayer.progress());
    }

    @Test
    void shouldCountRowsOfAckedFramesWhenOnlySomeAreAcked() throws Exception {
        link.ackEverything = false;
        final ReplayOptions o = new ReplayOptions(2, ReplaySpeed.MAX, 0, Duration.ZERO, Duration.ofSeconds(5), 0,
            Duration.ZERO);
        final Replayer replayer = new Replayer(link, clock, o, recorder);
        replayer.replay(sixSamples());

        link.unacked.headSet(1002L, true).clear(); // CHANNEL and the first two SAMPLES frames

        final ReplayProgress p = replayer.progress();
        assertEquals(3, p.framesAcked());
        assertEquals(4, p.rowsAcked());
    }

    @Test
    void shouldReconnectAndCarryOnWhenAWriteFails() throws Exception {
        link.failingSends.add(2); // CHANNEL = 0, so the second SAMPLES frame

        final ReplayResult r = replay(sixSamples(), options(2, "max"));

        assertEquals(List.of("lost", "reconnected 1"), events);
        assertEquals(List.of(1_000 * MS), clock.sleeps, "back-off before the reconnect");
        assertEquals(List.of(2, 2, 2), link.batchSizes, "the failed frame is resent by the link, not by the replayer");
        assertEquals(1, r.reconnects());
        assertTrue(r.allAcked());
        assertEquals(6, r.rowsAcked());
    }

    @Test
    void shouldReconnectWhenConnectionIsLostWhileWaitingForAcks() throws Exception {
        link.ackEverything = false;
        final ReplayOptions o = new ReplayOptions(6, ReplaySpeed.MAX, 0, Duration.ofSeconds(2), Duration.ofSeconds(5),
            3, Duration.ofMillis(100));
        final Replayer replayer = new Replayer(link, clock, o, recorder);
        link.connected = false;
        link.ackEverything = false;

        final ReplayResult r = replayer.replay(sixSamples());

        assertEquals("lost", events.get(0));
        assertEquals("reconnected 1", events.get(1));
        assertEquals(1, link.reconnects);
        assertFalse(r.allAcked());
    }

    @Test
    void shouldGiveUpWithDoublingBackoffWhenReconnectAttemptsRunOut() {
        link.failingSends.add(1);
        link.reconnectFailures = 10;
        final ReplayOptions o = new ReplayOptions(2, ReplaySpeed.MAX, 0, Duration.ofSeconds(30),
            Duration.ofSeconds(5), 3, Duration.ofSeconds(1));

        final ReplayConnectionException e = assertThrows(ReplayConnectionException.class,
            () -> new Replayer(link, clock, o, recorder).replay(sixSamples()));

        assertEquals(List.of(1_000 * MS, 2_000 * MS, 4_000 * MS), clock.sleeps);
        assertEquals(List.of("lost", "failed 1", "failed 2", "failed 3"), events);
        assertTrue(e.getMessage().contains("all 3 reconnect attempts"), e.getMessage());
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
        assertEquals(List.of(2), link.batchSizes, "nothing sent after giving up");
    }

    @Test
    void shouldNotReconnectWhenGatewayRejectedTheData() {
        link.failingSends.add(1);
        link.rejection = "ERROR 8 INVALID_VALUE: channel rigX/ch01: bad override";

        final ReplayConnectionException e = assertThrows(ReplayConnectionException.class,
            () -> replay(sixSamples(), options(2, "max")));

        assertEquals(0, link.reconnects);
        assertTrue(e.getMessage().contains("INVALID_VALUE"), e.getMessage());
        assertTrue(clock.sleeps.isEmpty());
    }

    @Test
    void shouldStopReconnectingWhenAReconnectIsRefusedForGood() {
        link.failingSends.add(1);
        link.reconnectFailures = 10;
        link.rejectionOnFailedReconnect = "ERROR 5 AUTHENTICATION_FAILED: unknown rig";

        final ReplayConnectionException e = assertThrows(ReplayConnectionException.class,
            () -> replay(sixSamples(), options(2, "max")));

        assertEquals(1, link.reconnects, "no second attempt");
        assertTrue(e.getMessage().contains("AUTHENTICATION_FAILED"), e.getMessage());
    }

    @Test
    void shouldRefuseSecondReplayWhenInstanceWasUsed() throws Exception {
        final Replayer replayer = new Replayer(link, clock, options(2, "max"), recorder);
        replayer.replay(sixSamples());

        assertThrows(IllegalStateException.class, () -> replayer.replay(sixSamples()));
    }

    @Test
    void shouldSendEachMarkBetweenTheSamplesBeforeAndAfterItWhenTheRunHasMarks() throws Exception {
        final Run.Builder b = Run.builder("test.cwrun");
        b.mark(MarkType.RUN_START, 0);
        for (int i = 0; i < 6; i++) {
            if (i == 3) {
                b.mark(MarkType.PRESS_START, 250_000L);
            }
            b.add(i + 1, i * 100_000L, 4.1f, 1f, 25f, Float.NaN, Float.NaN);
        }
        b.mark(MarkType.TEST_END, 600_000L);
        final long start = clock.now;

        final ReplayResult r = replay(b.build(BatchScheduleTest.CHANNEL), options(4, "1"));

        final long t0 = 1_767_225_600_000_000L;
        assertEquals(List.of("CHANNEL", "MARK 1@" + t0, "SAMPLES 3", "MARK 2@" + (t0 + 250_000), "SAMPLES 3",
            "MARK 5@" + (t0 + 600_000)), link.frames);
        // Marks are paced like samples: at their own time (0.25 s and 0.6 s after the first sample).
        assertEquals(List.of(0L, 200 * MS, 250 * MS, 500 * MS, 600 * MS), sendTimesSinceStart(start));
        assertEquals(new ReplayResult(6, 6, 6, 6, 600 * MS, 0, 0, 3), r);
    }
}
