package io.cellwatch.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class BuildTimeClasspathTest {

    @TempDir
    Path dir;

    private Path a;
    private Path b;
    private Path c;

    @BeforeEach
    void createJars() throws IOException {
        a = Files.createFile(dir.resolve("a.jar"));
        b = Files.createFile(dir.resolve("b.jar"));
        c = Files.createFile(dir.resolve("c.jar"));
    }

    @Test
    void shouldMergeFilesInOrderWithoutDuplicatesOrBlanks() throws Exception {
        BuildTimeClasspath classpath = classpath(Map.of(
                "main.classpath", a + File.pathSeparator + b + "\n",
                "runtime.classpath", " " + b + File.pathSeparator + File.pathSeparator + c + " \n"),
                "main.classpath", "runtime.classpath");

        assertEquals(List.of(a, b, c), classpath.entries());
        assertEquals(a + File.pathSeparator + b + File.pathSeparator + c, classpath.asString());
    }

    @Test
    void shouldAcceptEmptyFile() throws Exception {
        assertEquals(List.of(), classpath(Map.of("empty.classpath", ""), "empty.classpath").entries());
    }

    @Test
    void shouldNameMissingFileAndModuleWhenAnEntryNoLongerExists() throws Exception {
        Path gone = dir.resolve("gone-1.0.jar");
        BuildTimeClasspath classpath = classpath(Map.of("main.classpath",
                a + File.pathSeparator + gone), "main.classpath");

        IOException e = assertThrows(IOException.class, classpath::entries);

        assertTrue(e.getMessage().startsWith("the test classpath lists 1 missing file(s), e.g. " + gone),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("rebuild test-module with Maven"), e.getMessage());
    }

    @Test
    void shouldNameResourceAnchorAndModuleWhenAResourceIsMissing() {
        BuildTimeClasspath classpath = BuildTimeClasspath.of(BuildTimeClasspathTest.class, "the test classpath",
                "test-module", "no-such.classpath");

        IOException e = assertThrows(IOException.class, classpath::asString);

        assertTrue(e.getMessage().contains("resource no-such.classpath not found next to "
                + BuildTimeClasspathTest.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("build test-module with Maven"), e.getMessage());
    }

    @Test
    void shouldReadResourcesNextToTheAnchorClass() throws Exception {
        BuildTimeClasspath classpath = BuildTimeClasspath.of(BuildTimeClasspathTest.class, "the test classpath",
                "test-module", "empty.classpath");

        assertEquals(List.of(), classpath.entries());
    }

    @Test
    void shouldRefuseNoResources() {
        assertThrows(IllegalArgumentException.class,
                () -> BuildTimeClasspath.of(BuildTimeClasspathTest.class, "the test classpath", "test-module"));
    }

    private static BuildTimeClasspath classpath(Map<String, String> files, String... resources) {
        return new BuildTimeClasspath(name -> files.containsKey(name)
                ? new ByteArrayInputStream(files.get(name).getBytes(StandardCharsets.UTF_8)) : null,
                "Anchor", "the test classpath", "test-module", List.of(resources));
    }
}
