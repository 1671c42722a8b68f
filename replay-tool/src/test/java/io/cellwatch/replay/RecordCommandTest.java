package io.cellwatch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code record}'s arguments, checked before any connection (the copy itself: {@code RecordIT}). */
class RecordCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldExit2BeforeConnectingWhenARequiredOptionIsMissingOrATimeIsBad() {
        final String out = dir.resolve("r.cwrun").toString();
        CliRun run = CliRun.run("record", "--channel", "rigA/ch01", "--output", out);
        assertEquals(ExitCode.BAD_INPUT, run.exit());
        assertTrue(run.err().contains("--bootstrap is required"), run.toString());

        run = CliRun.run("record", "--bootstrap", "127.0.0.1:1", "--output", out);
        assertEquals(ExitCode.BAD_INPUT, run.exit());
        assertTrue(run.err().contains("say what to record: give at least one of --channel, --rig, --lot, --serial, "
            + "--from, --to"), run.toString());

        run = CliRun.run("record", "--bootstrap", "127.0.0.1:1", "--rig", "rigA", "--output", out,
            "--from", "2026-03-06T12:00:00Z", "--to", "2026-03-06T11:00:00Z");
        assertEquals(ExitCode.BAD_INPUT, run.exit());
        assertTrue(run.err().contains("the time range is empty: --from must be before --to"), run.toString());

        run = CliRun.run("record", "--bootstrap", "127.0.0.1:1", "--channel", "rigA/ch01", "--output", out,
            "--from", "yesterday");
        assertEquals(ExitCode.BAD_INPUT, run.exit());
        assertTrue(run.err().contains("--from 'yesterday': expected an ISO-8601 instant"), run.toString());

        run = CliRun.run("record", "--bootstrap", "127.0.0.1:1", "--channel", "rigA/ch01", "--output", out, "extra");
        assertEquals(ExitCode.BAD_INPUT, run.exit());
        assertTrue(run.err().contains("unexpected argument 'extra'"), run.toString());
    }

    @Test
    void shouldKeepAnExistingOutputWithoutForce() throws Exception {
        final Path out = dir.resolve("keep.cwrun");
        Files.writeString(out, "keep");
        final CliRun run = CliRun.run("record", "--bootstrap", "127.0.0.1:1", "--channel", "rigA/ch01",
            "--output", out.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exit());
        assertTrue(run.err().contains("exists; give --force"), run.toString());
        assertEquals("keep", Files.readString(out));
    }

    @Test
    void shouldListEveryOptionInItsHelp() {
        final CliRun run = CliRun.run("record", "--help");
        assertEquals(ExitCode.OK, run.exit());
        for (String option : List.of("--bootstrap", "--channel", "--rig", "--lot", "--serial", "--output", "--from", "--to", "--force",
            "--samples-topic", "--alerts-topic", "--timeout")) {
            assertTrue(run.out().contains(option), option);
        }
    }
}
