package io.cellwatch.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ChildFilesTest {

    @TempDir
    Path dir;

    @Test
    void shouldCopyAResourceIntoANewDirectoryAndReplaceAnOldCopy() throws Exception {
        Path target = dir.resolve("conf").resolve("copy.properties");

        ChildFiles.copyResource(ChildFilesTest.class, "sample.properties", target);
        Files.writeString(target, "changed");
        ChildFiles.copyResource(ChildFilesTest.class, "sample.properties", target);

        assertEquals("copied = yes\n", Files.readString(target, StandardCharsets.UTF_8));
    }

    @Test
    void shouldNameTheMissingResource() {
        IOException e = assertThrows(IOException.class,
                () -> ChildFiles.copyResource(ChildFilesTest.class, "missing.properties", dir.resolve("x")));

        assertEquals("resource missing.properties not found next to " + ChildFilesTest.class.getName(),
                e.getMessage());
    }

    @Test
    void shouldAppendLines() throws Exception {
        Path log = dir.resolve("child.log");

        ChildFiles.appendLine(log, "=== run 1 ===");
        ChildFiles.appendLine(log, "=== run 2 ===");

        assertEquals(List.of("=== run 1 ===", "=== run 2 ==="), Files.readAllLines(log));
    }

    @Test
    void shouldDeleteADirectoryTreeQuietly() throws Exception {
        Path root = dir.resolve("work");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/file.txt"), "x");
        Files.writeString(root.resolve("top.txt"), "y");
        List<String> warnings = new ArrayList<>();

        ChildFiles.deleteRecursively(root, warnings::add);
        ChildFiles.deleteRecursively(root, warnings::add);

        assertFalse(Files.exists(root));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }
}
