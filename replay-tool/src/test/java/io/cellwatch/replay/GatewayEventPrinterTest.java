package io.cellwatch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.alert.StopAction;
import io.cellwatch.rig.ReceivedCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class GatewayEventPrinterTest {
    private static final long START = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z

    @Test
    void shouldPrintActionChannelRuleAlertReasonAndSampleTimeWhenCommandArrives() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final GatewayEventPrinter printer = new GatewayEventPrinter(new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err, START);
        final ReceivedCommand cmd = new ReceivedCommand(0, StopAction.STOP, START + 24_100_000, "a1b2c3",
            "rigX/ch01", "upper-charge-voltage", "V 4.2505 > 4.25", 0);

        printer.onCommand(cmd);

        assertEquals("COMMAND STOP channel rigX/ch01 rule upper-charge-voltage alert a1b2c3 sample time "
            + "2026-01-01T00:00:24.100Z (run time 24.100 s): V 4.2505 > 4.25" + System.lineSeparator(),
            out.toString(StandardCharsets.UTF_8));
        assertEquals(1, printer.commands().size());
    }

    @Test
    void shouldPrintQuestionMarkWhenActionIsUnknown() {
        final ReceivedCommand cmd = new ReceivedCommand(0, null, START, "id", "c", "r", "why", 0);
        assertEquals("COMMAND ? channel c rule r alert id sample time 2026-01-01T00:00:00Z (run time 0.000 s): why",
            GatewayEventPrinter.formatCommand(cmd, START));
    }

    @Test
    void shouldEndTheWaitForLateCommandsWhenTheExpectedNumberHasArrived() throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final GatewayEventPrinter printer = new GatewayEventPrinter(new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err, START);
        final Thread gateway = new Thread(() -> {
            for (int i = 0; i < 2; i++) {
                printer.onCommand(new ReceivedCommand(i, StopAction.STOP, START, "alert-" + i, "rigX/ch01",
                    "upper-charge-voltage", "why", 0));
            }
        });
        gateway.start();

        // The class timeout (10 s) is far below the wait given: only the second command can end it.
        assertEquals(2, printer.awaitCommands(2, Duration.ofMinutes(5)));
        gateway.join();
        final String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("alert alert-0") && printed.contains("alert alert-1"), printed);
    }

    @Test
    void shouldEndTheWaitForLateCommandsWhenTheConnectionCloses() throws Exception {
        final GatewayEventPrinter printer = new GatewayEventPrinter(System.out, System.err, START);
        final Thread gateway = new Thread(() -> printer.onDisconnected(null));
        gateway.start();

        assertEquals(0, printer.awaitCommands(0, Duration.ofMinutes(5)));
        gateway.join();
    }
}
