package io.cellwatch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cellwatch.replay.send.ReplayClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ReplayCliTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final ReplayCli cli = new ReplayCli(new CliContext(
        new PrintStream(outBytes, true, StandardCharsets.UTF_8), new PrintStream(errBytes, true, StandardCharsets.UTF_8),
        Map.of(), Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), ReplayClock.SYSTEM));

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintToolHelpAndExit0WhenAskedForHelp() {
        assertEquals(ExitCode.OK, cli.run("--help"));
        assertTrue(out().contains("usage: ReplayCli COMMAND"), out());
        assertTrue(out().contains("  replay "), out());
        assertTrue(out().contains("  import "), out());
        assertTrue(out().contains("  evaluate "), out());
        assertTrue(out().contains("  report "), out());
        assertTrue(out().contains("  record "), out());
        assertEquals("", err());
    }

    @Test
    void shouldPrintUsageToStderrAndExit2WhenNoCommandIsGiven() {
        assertEquals(ExitCode.BAD_INPUT, cli.run());
        assertTrue(err().contains("usage: ReplayCli COMMAND"), err());
    }

    @Test
    void shouldPrintEveryReplayOptionWhenSubcommandHelpIsAsked() {
        assertEquals(ExitCode.OK, cli.run("replay", "--help"));
        final String help = out();
        assertTrue(help.startsWith("usage: replay [OPTIONS] RUN.csv"), help);
        for (String option : ReplayArguments.SPEC.names()) {
            assertTrue(help.contains("--" + option), "help lists --" + option);
        }
        assertTrue(help.contains("time_s,voltage_v,current_a,cell_temp_c"), help);
    }

    @Test
    void shouldPrintSubcommandHelpWhenHelpWordNamesIt() {
        assertEquals(ExitCode.OK, cli.run("help", "replay"));
        assertTrue(out().startsWith("usage: replay [OPTIONS] RUN.csv"), out());
    }

    @Test
    void shouldPreferHelpOverOtherErrorsWhenHelpIsAmongBadArguments() {
        assertEquals(ExitCode.OK, cli.run("replay", "--bogus", "x", "-h"));
        assertTrue(out().startsWith("usage: replay"), out());
    }

    @Test
    void shouldExit2NamingTheFlagWhenOptionIsUnknown() {
        assertEquals(ExitCode.BAD_INPUT, cli.run("replay", "--sped", "max", "run.csv"));
        assertTrue(err().contains("unknown option --sped"), err());
        assertTrue(err().contains("replay --help"), err());
        assertEquals("", out());
    }

    @Test
    void shouldExit2WhenSingleDashOptionIsGiven() {
        assertEquals(ExitCode.BAD_INPUT, cli.run("replay", "-v", "run.csv"));
        assertTrue(err().contains("unknown option -v"), err());
    }

    @Test
    void shouldExit2WhenCommandOrTopLevelOptionIsUnknown() {
        assertEquals(ExitCode.BAD_INPUT, cli.run("replya", "run.csv"));
        assertTrue(err().contains("unknown command 'replya'"), err());
        assertTrue(err().contains("commands: import, evaluate, replay, report, record"), err());

        assertEquals(ExitCode.BAD_INPUT, cli.run("--verbose"));
        assertTrue(err().contains("unknown option --verbose"), err());
    }

    @Test
    void shouldExit2WhenOptionHasNoValue() {
        assertEquals(ExitCode.BAD_INPUT, cli.run("replay", "run.csv", "--batch"));
        assertTrue(err().contains("--batch needs a value"), err());
    }

    @Test
    void shouldExit2NamingTheValueWhenOptionValueIsBad() {
        assertEquals(ExitCode.BAD_INPUT, cli.run("replay", "--speed", "fast", "run.csv"));
        assertTrue(err().contains("speed 'fast'"), err());
    }

    @Test
    void shouldExit2WhenRunFileIsMissing(@TempDir final Path dir) {
        assertEquals(ExitCode.BAD_INPUT, cli.run("replay", dir.resolve("nope.csv").toString()));
        assertTrue(err().contains("nope.csv: no such file"), err());

        assertEquals(ExitCode.BAD_INPUT, cli.run("replay"));
        assertTrue(err().contains("missing the run file"), err());
    }

    @Test
    void shouldExit2WithLineAndColumnBeforeConnectingWhenCsvIsBad(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("bad.csv");
        Files.writeString(file, "time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1,25\n0.1,4.1,1,hot\n");

        // The gateway address is unreachable: a bad file must be reported before any connection is tried.
        assertEquals(ExitCode.BAD_INPUT, cli.run("replay", "--gateway", "127.0.0.1:1", file.toString()));
        assertTrue(err().contains("bad.csv line 3, column 4 (cell_temp_c): 'hot' is not a number"), err());
        assertTrue(!err().contains("cannot connect"), err());
    }

    @Test
    void shouldExit1WhenGatewayRefusesTheConnection(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("run.csv");
        Files.writeString(file, "time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1,25\n");
        final int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }

        assertEquals(ExitCode.CONNECTION_FAILED, cli.run("replay", "--gateway", "127.0.0.1:" + freePort,
            "--connect-timeout", "2s", file.toString()));
        assertTrue(err().contains("cannot connect to gateway 127.0.0.1:" + freePort + " as rig replay"), err());
        assertTrue(out().contains("replay run.csv: 1 rows"), out());
    }

    @Test
    void shouldReplayARunFileWithItsOwnDeclarationRigAndTimesWhenOptionsDoNotSayOtherwise(@TempDir final Path dir)
        throws Exception {
        final Path csv = dir.resolve("cell-9.csv");
        Files.writeString(csv, "time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1,25\n1,4.2,1,25\n2,4.3,1,25\n");
        final Path runFile = dir.resolve("cell-9.cwrun");
        assertEquals(ExitCode.OK, CliRun.run("import", "--start-time", "2025-06-01T08:00:00Z", "--mark",
            "RUN_START@0", "--serial", "SN-9", "--procedure", "pse-app9/overcharge-protection@1", csv.toString()).exit());
        final int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }

        assertEquals(ExitCode.CONNECTION_FAILED, cli.run("replay", "--gateway", "127.0.0.1:" + freePort,
            "--connect-timeout", "2s", "--speed", "max", runFile.toString()));

        assertTrue(out().contains("replay cell-9.cwrun: 3 rows, 1 marks, run time 2.000 s, 1 SAMPLES frames"), out());
        assertTrue(out().contains("as rig import, channel import/cell-9 (serial 'SN-9', lot '', procedure "
            + "'pse-app9/overcharge-protection' v1, cylindrical, 1.0 Ah)"), out());
        assertTrue(out().contains("sample times from 2025-06-01T08:00:00Z"), out());
        assertTrue(err().contains("cannot connect to gateway 127.0.0.1:" + freePort + " as rig import"), err());

        outBytes.reset();
        cli.run("replay", "--gateway", "127.0.0.1:" + freePort, "--connect-timeout", "2s", "--rig", "rigY",
            "--channel", "rigY/ch02", "--lot", "L-7", "--start-time", "2026-01-01T00:00:00Z", runFile.toString());
        assertTrue(out().contains("as rig rigY, channel rigY/ch02 (serial 'SN-9', lot 'L-7'"), out());
        assertTrue(out().contains("sample times from 2026-01-01T00:00:00Z"), out());
    }

    @Test
    void shouldPlanEveryChannelOfASeveralChannelFileOntoItsOwnRigUnlessRetargeted(@TempDir final Path dir)
        throws Exception {
        final Path runFile = MultiChannelRuns.write(dir.resolve("two.cwrun"));
        final int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }

        assertEquals(ExitCode.CONNECTION_FAILED, cli.run("replay", "--gateway", "127.0.0.1:" + freePort,
            "--connect-timeout", "2s", "--speed", "max", runFile.toString()));
        assertTrue(out().contains("replay two.cwrun: 2 channels over 2 rig connections, 120 rows"), out());
        assertTrue(out().contains("channel rigA/ch01 (file: rigA/ch01, rig rigA) -> rig rigA channel no 0: serial "
            + "'SN-A', lot 'L-1'"), out());
        assertTrue(out().contains("channel rigB/ch01 (file: rigB/ch01, rig rigB) -> rig rigB channel no 0: serial "
            + "'SN-B'"), out());

        // One connection as rigM: the two channels become its channel numbers 0 and 1, ids kept.
        outBytes.reset();
        cli.run("replay", "--gateway", "127.0.0.1:" + freePort, "--connect-timeout", "2s", "--rig", "rigM",
            "--start-time", "2026-03-01T00:00:00Z", runFile.toString());
        assertTrue(out().contains("2 channels over 1 rig connection,"), out());
        assertTrue(out().contains("-> rig rigM channel no 0"), out());
        assertTrue(out().contains("channel rigB/ch01 (file: rigB/ch01, rig rigB) -> rig rigM channel no 1"), out());
        assertTrue(out().contains("sample times from 2026-03-01T00:00:00Z"), out());

        // --run-channel picks one: the single-channel replay as before.
        outBytes.reset();
        cli.run("replay", "--gateway", "127.0.0.1:" + freePort, "--connect-timeout", "2s", "--run-channel",
            "rigB/ch01", "--retarget", "rigZ", runFile.toString());
        assertTrue(out().contains("as rig rigZ, channel rigZ/ch01 (serial 'SN-B'"), out());

        // Retargeting both onto rigZ would send both as rigZ/ch01.
        errBytes.reset();
        assertEquals(ExitCode.BAD_INPUT, cli.run("replay", "--retarget", "rigZ", runFile.toString()));
        assertTrue(err().contains("two channels of the file would be sent as rigZ/ch01"), err());
        errBytes.reset();
        assertEquals(ExitCode.BAD_INPUT, cli.run("replay", "--serial", "SN-1", runFile.toString()));
        assertTrue(err().contains("--channel and --serial name one channel, and this replay sends 2 (rigA/ch01, "
            + "rigB/ch01)"), err());
        errBytes.reset();
        assertEquals(ExitCode.BAD_INPUT, cli.run("replay", "--retarget", "rigZ", "--rig", "rigY", runFile.toString()));
        assertTrue(err().contains("--retarget sets the rig and the channel ids"), err());
    }

    @Test
    void shouldExit2WhenACsvRunIsAskedToKeepTimesItDoesNotHave(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("run.csv");
        Files.writeString(file, "time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1,25\n");
        assertEquals(ExitCode.BAD_INPUT, cli.run("replay", "--start-time", "file", file.toString()));
        assertTrue(err().contains("--start-time file: a CSV run has no times of its own"), err());
    }

    @Test
    void shouldExit2NamingTheDamageWhenTheRunFileIsCorruptBeforeItsEnd(@TempDir final Path dir) throws Exception {
        final Path csv = dir.resolve("c.csv");
        Files.writeString(csv, "time_s,voltage_v,current_a,cell_temp_c\n0,4.1,1,25\n");
        assertEquals(ExitCode.OK, CliRun.run("import", csv.toString()).exit());
        final Path runFile = dir.resolve("c.cwrun");
        final byte[] bytes = Files.readAllBytes(runFile);
        bytes[40] ^= 1; // inside the first record (the import note)
        Files.write(runFile, bytes);

        assertEquals(ExitCode.BAD_INPUT, cli.run("replay", "--gateway", "127.0.0.1:1", runFile.toString()));
        assertTrue(err().contains("bad run file: c.cwrun at byte 16: corrupt NOTE record: CRC-32C"), err());
    }
}
