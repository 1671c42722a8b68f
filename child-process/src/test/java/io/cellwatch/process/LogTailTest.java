package io.cellwatch.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class LogTailTest {

    @TempDir
    Path dir;

    @Test
    void shouldReturnLastLinesWhenFileIsLong() throws Exception {
        Path log = dir.resolve("broker.log");
        Files.writeString(log, IntStream.range(0, 10_000).mapToObj(i -> "line " + i)
                .collect(Collectors.joining("\n", "", "\n")), StandardCharsets.UTF_8);

        assertEquals("line 9997\nline 9998\nline 9999", LogTail.lastLines(log, 0, 3));
    }

    @Test
    void shouldDropCutFirstLineWhenOnlyTheLast32KiBAreRead() throws Exception {
        Path log = dir.resolve("long.log");
        Files.writeString(log, IntStream.range(0, 10_000).mapToObj(i -> "line " + i)
                .collect(Collectors.joining("\n", "", "\n")), StandardCharsets.UTF_8);

        String all = LogTail.lastLines(log, 0, Integer.MAX_VALUE);

        assertTrue(all.length() <= 32 * 1024, "at most 32 KiB: " + all.length());
        assertTrue(all.lines().allMatch(l -> l.matches("line \\d+")), "only whole lines");
        assertTrue(all.endsWith("line 9999"), all.substring(all.length() - 20));
    }

    @Test
    void shouldIgnoreEarlierRunsWhenOffsetGiven() throws Exception {
        Path log = dir.resolve("broker.log");
        Files.writeString(log, "old run: Address already in use\n", StandardCharsets.UTF_8);
        long offset = LogTail.endOffset(log);
        Files.writeString(log, "new run\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertEquals(Files.size(log) - "new run\n".length(), offset);
        assertEquals("new run", LogTail.lastLines(log, offset, 10));
        assertFalse(LogTail.contains(log, offset, "Address already in use"));
        assertTrue(LogTail.contains(log, 0, "Address already in use"));
    }

    @Test
    void shouldSayEmptyWhenNothingWasWrittenAfterTheOffset() throws Exception {
        Path log = dir.resolve("quiet.log");
        Files.writeString(log, "earlier run\n", StandardCharsets.UTF_8);

        assertEquals("(the log is empty)", LogTail.lastLines(log, LogTail.endOffset(log), 10));
    }

    @Test
    void shouldSayNoLogWhenFileIsMissing() {
        assertTrue(LogTail.lastLines(dir.resolve("missing.log"), 0, 10).startsWith("(no log file"));
        assertEquals(0, LogTail.endOffset(dir.resolve("missing.log")));
    }
}
