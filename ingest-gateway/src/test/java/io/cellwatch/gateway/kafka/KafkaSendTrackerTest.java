package io.cellwatch.gateway.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import io.cellwatch.gateway.metrics.LatencyHistogram;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** When Kafka counts as unreachable for /health, on a clock the test moves by hand. */
class KafkaSendTrackerTest {
    private static final long UNREACHABLE_MS = 5_000;
    private final LatencyHistogram latency = new LatencyHistogram("kafka_send_seconds", "test");
    private final KafkaSendTracker tracker = new KafkaSendTracker(latency, UNREACHABLE_MS);

    private static long ms(final long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void shouldStayHealthyWhenNothingWaitsEvenLongAfterTheLastSend() {
        tracker.sent();
        tracker.completed(ms(0), ms(2), null);
        assertNull(tracker.problem(ms(10)));
        assertNull(tracker.problem(ms(3_600_000)), "a quiet gateway has nothing to judge");
        assertEquals(0, tracker.outstanding());
    }

    @Test
    void shouldReportUnreachableWhenRecordsWaitWithoutAnyCompletionForTheConfiguredTime() {
        tracker.sent();
        tracker.completed(ms(0), ms(1), null);
        tracker.sent(); // the first send after an hour's quiet: not a stall yet
        assertNull(tracker.problem(ms(3_600_000)));
        tracker.sent();
        assertNull(tracker.problem(ms(3_600_000 + UNREACHABLE_MS - 1)));
        final String problem = tracker.problem(ms(3_600_000 + UNREACHABLE_MS));
        assertNotNull(problem);
        assertTrue(problem.startsWith("2 records wait for Kafka and none completed for 5000 ms"), problem);
        assertEquals(2, tracker.outstanding());
    }

    @Test
    void shouldRestartTheStallClockWhenARecordCompletes() {
        tracker.sent();
        tracker.sent();
        assertNull(tracker.problem(ms(0)));
        tracker.completed(ms(0), ms(4_000), null);
        assertNull(tracker.problem(ms(4_500)), "progress since the last look");
        assertNull(tracker.problem(ms(4_500 + UNREACHABLE_MS - 1)));
        assertNotNull(tracker.problem(ms(4_500 + UNREACHABLE_MS)));
    }

    @Test
    void shouldReportAFailedSendUntilASendSucceedsOrTheFailureIsOld() {
        tracker.sent();
        tracker.completed(ms(0), ms(30_000), new TimeoutException("Expiring 1 record(s)"));
        final String problem = tracker.problem(ms(30_001));
        assertNotNull(problem);
        assertTrue(problem.contains("Expiring 1 record(s)"), problem);
        assertEquals(1, tracker.failedCount());
        assertNull(tracker.problem(ms(30_000 + UNREACHABLE_MS)), "an old failure with nothing waiting");

        tracker.sent();
        tracker.completed(ms(40_000), ms(40_001), new TimeoutException("again"));
        assertNotNull(tracker.problem(ms(40_002)));
        tracker.sent();
        tracker.completed(ms(40_003), ms(40_004), null);
        assertNull(tracker.problem(ms(40_005)), "a send succeeded since");
    }

    @Test
    void shouldReportUnreachableWhenTheProducerHasRefusedRecordsForTheConfiguredTimeUntilOneSucceeds() {
        tracker.sent();
        tracker.refused(ms(1_000), new TimeoutException("Topic cellwatch.samples not present in metadata after 0 ms."));
        assertEquals(0, tracker.outstanding(), "a refused record was never sent");
        assertNull(tracker.problem(ms(1_000 + UNREACHABLE_MS - 1)));
        final String problem = tracker.problem(ms(1_000 + UNREACHABLE_MS));
        assertNotNull(problem);
        assertTrue(problem.contains("refused records for 5000 ms") && problem.contains("not present in metadata"),
            problem);
        tracker.sent();
        tracker.completed(ms(7_000), ms(7_001), null);
        assertNull(tracker.problem(ms(7_002)));
    }

    @Test
    void shouldTimeEverySendFromSendToCompletion() {
        tracker.sent();
        tracker.completed(ms(100), ms(103), null);
        tracker.sent();
        tracker.completed(ms(100), ms(30_100), new TimeoutException("x"));
        assertEquals(2, latency.count());
        final StringBuilder b = new StringBuilder();
        latency.appendPrometheus(b);
        assertTrue(b.toString().contains("cellwatch_gateway_kafka_send_seconds_bucket{le=\"0.005\"} 1\n"), b.toString());
        assertTrue(b.toString().contains("cellwatch_gateway_kafka_send_seconds_sum 30.003\n"), b.toString());
    }
}
