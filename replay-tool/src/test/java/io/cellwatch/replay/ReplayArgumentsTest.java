package io.cellwatch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.replay.run.ChannelInfo;
import io.cellwatch.replay.send.ReplaySpeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReplayArgumentsTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.123456789Z");

    private static ReplayArguments parse(final String... args) {
        return ReplayArguments.parse(List.of(args), Map.of(), NOW);
    }

    private static String fails(final String... args) {
        return assertThrows(UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void shouldApplyDefaultsWhenOnlyTheFileIsGiven() {
        final ReplayArguments a = parse("runs/cell-17.csv");

        assertEquals(Path.of("runs/cell-17.csv"), a.runFile());
        assertEquals("127.0.0.1", a.host());
        assertEquals(7411, a.port());
        assertEquals("replay", a.rigId());
        assertEquals("", a.token());
        assertEquals(new ChannelInfo("replay/ch01", "cell-17", "", "cellwatch/monitor", 1, CellForm.CYLINDRICAL, 1.0, Map.of()),
            a.channel());
        assertEquals(100, a.batchSize());
        assertEquals(1.0, a.speed().factor());
        assertEquals(Instant.parse("2026-03-01T12:00:00.123456Z"), a.startTime(), "now, to the microsecond");
        assertEquals(Duration.ofSeconds(30), a.ackTimeout());
        assertEquals(3, a.reconnects());
        assertEquals(ReplayArguments.DEFAULT_AWAIT_COMMANDS, a.awaitCommands());
        assertEquals(0, a.expectCommands(), "no early end of the wait for late COMMANDs");
    }

    @Test
    void shouldTakeTheWaitForLateCommandsWhenGiven() {
        final ReplayArguments a = parse("--await-commands", "45s", "--expect-commands", "8", "run.csv");

        assertEquals(Duration.ofSeconds(45), a.awaitCommands());
        assertEquals(8, a.expectCommands());
        assertEquals(Duration.ZERO, parse("--await-commands", "0", "run.csv").awaitCommands());
        assertTrue(fails("--expect-commands", "0", "run.csv").contains("--expect-commands '0'"));
        assertTrue(fails("--await-commands", "soon", "run.csv").contains("--await-commands 'soon'"));
    }

    @Test
    void shouldTakeEveryOptionWhenAllAreGiven() {
        final ReplayArguments a = parse("--gateway", "gw.plant:7500", "--rig", "rigX", "--token", "s3cret",
            "--channel", "rigX/ch07", "--serial", "SN-1", "--lot", "L-42", "--procedure", "pse-app9/overcharge-protection",
            "--procedure-version", "1", "--cell-form", "Prismatic", "--capacity-ah", "2.6",
            "--upper-charge-voltage", "4.35", "--batch=500", "--speed", "max",
            "--start-time", "2026-01-01T09:00:00+09:00", "--ack-timeout", "500ms", "--connect-timeout", "2",
            "--reconnects", "0", "run.csv");

        assertEquals("gw.plant", a.host());
        assertEquals(7500, a.port());
        assertEquals("rigX", a.rigId());
        assertEquals("s3cret", a.token());
        assertEquals(new ChannelInfo("rigX/ch07", "SN-1", "L-42", "pse-app9/overcharge-protection", 1, CellForm.PRISMATIC, 2.6,
            Map.of("upperChargeVoltage", 4.35)), a.channel());
        assertEquals(500, a.batchSize());
        assertTrue(a.speed().isMax());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), a.startTime());
        assertEquals(Duration.ofMillis(500), a.ackTimeout());
        assertEquals(Duration.ofSeconds(2), a.connectTimeout());
        assertEquals(0, a.reconnects());
        assertEquals(1_767_225_600_000_000L, a.toReplayOptions().startMicros());
    }

    @Test
    void shouldReadTokenFromEnvironmentWhenNotOnCommandLine() {
        final ReplayArguments a = ReplayArguments.parse(List.of("run.csv"),
            Map.of(ReplayArguments.TOKEN_ENV, "from-env"), NOW);
        assertEquals("from-env", a.token());
    }

    @Test
    void shouldParseSpeedsWhenGivenAsFactorOrMax() {
        assertEquals(100.0, parse("--speed", "100", "r.csv").speed().factor());
        assertEquals(ReplaySpeed.MAX, parse("--speed", "max", "r.csv").speed());
    }

    @Test
    void shouldAcceptBracketedIpv6WhenGatewayIsGiven() {
        final ReplayArguments a = parse("--gateway", "[::1]:7412", "r.csv");
        assertEquals("::1", a.host());
        assertEquals(7412, a.port());
        assertEquals("[::1]:7412", a.gateway());
        assertEquals(7411, parse("--gateway", "gw", "r.csv").port());
    }

    @Test
    void shouldNameOptionAndValueWhenValueIsBad() {
        assertTrue(fails("--batch", "0", "r.csv").contains("--batch '0'"));
        assertTrue(fails("--batch", "40000", "r.csv").contains("1..32767"));
        assertTrue(fails("--gateway", "gw:http", "r.csv").contains("--gateway 'http'"));
        assertTrue(fails("--gateway", ":7411", "r.csv").contains("has no host"));
        assertTrue(fails("--capacity-ah", "-1", "r.csv").contains("--capacity-ah '-1'"));
        assertTrue(fails("--upper-charge-voltage", "NaN", "r.csv").contains("--upper-charge-voltage 'NaN'"));
        assertTrue(fails("--cell-form", "coin", "r.csv").contains("--cell-form 'coin'"));
        assertTrue(fails("--start-time", "2026-01-01T00:00:00", "r.csv").contains("with a zone"));
        assertTrue(fails("--ack-timeout", "soon", "r.csv").contains("--ack-timeout 'soon'"));
        assertTrue(fails("--speed", "0", "r.csv").contains("speed '0'"));
        assertTrue(fails("--channel", "", "r.csv").contains("--channel must not be empty"));
        assertTrue(fails("a.csv", "b.csv").contains("one run file expected"));
        assertTrue(fails("--procedure-version", "70000", "r.csv").contains("--procedure-version '70000'"));
        assertTrue(fails("--serial", "x".repeat(1025), "r.csv").contains("cell serial is longer than 1024 bytes"));
    }

    @Test
    void shouldListKnownProceduresWhenProcedureIsUnknown() {
        final String message = fails("--procedure", "pse-app9/overcharge", "r.csv");
        assertTrue(message.contains("unknown test procedure 'pse-app9/overcharge@1'"), message);
        assertTrue(message.contains("pse-app9/overcharge-protection@1"), message);
        assertTrue(fails("--procedure-version", "2", "r.csv").contains("'cellwatch/monitor@2'"));
    }

    @Test
    void shouldParseDurationsWhenGivenWithOrWithoutUnit() {
        assertEquals(Duration.ofSeconds(30), ReplayArguments.duration("x", "30"));
        assertEquals(Duration.ofMillis(1500), ReplayArguments.duration("x", "1.5s"));
        assertEquals(Duration.ofMillis(250), ReplayArguments.duration("x", "250ms"));
        assertEquals(Duration.ofMinutes(2), ReplayArguments.duration("x", "2m"));
        assertEquals(Duration.ofSeconds(45), ReplayArguments.duration("x", "PT45S"));
        assertEquals(Duration.ZERO, ReplayArguments.duration("x", "0"));
        assertThrows(UsageException.class, () -> ReplayArguments.duration("x", "-1s"));
        assertThrows(UsageException.class, () -> ReplayArguments.duration("x", "NaN"));
    }
}
