package io.cellwatch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;

import io.cellwatch.replay.send.ReplayProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProgressPrinterTest {

    @Test
    void shouldShowRowsSentAckedFramesAndRateWhenFormatted() {
        final ReplayProgress p = new ReplayProgress(5000, 1200, 1100, 13, 12, 12_000_000_000L);

        assertEquals("progress 12.0 s: 1200/5000 rows sent, 1100 acked (13 frames sent, 1 unacked), 600 rows/s",
            ProgressPrinter.format(p, 600.4));
    }
}
