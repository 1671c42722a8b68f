package io.cellwatch.flinkcluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the cluster JVMs' classpath from the resources maven-dependency-plugin writes at build time (see this
 * module's pom): the Flink runtime, web submission, the DataStream API and log4j2, i.e. what flink-dist's
 * {@code lib/} holds for a streaming job, from the exact jars Maven resolved.
 */
final class FlinkClasspath {

    /** compile + provided scope: Flink and log4j2 (and this module's own small compile dependencies). */
    static final String MAIN_RESOURCE = "flink.classpath";
    /** compile + runtime scope: whatever Flink's artifacts declare as runtime dependencies. */
    static final String RUNTIME_RESOURCE = "flink-runtime.classpath";

    private FlinkClasspath() {
    }

    /**
     * Returns the classpath entries without duplicates, in build order.
     *
     * @return the jar files
     * @throws FlinkClusterException when a resource is missing or lists a file that no longer exists
     */
    static List<Path> entries() {
        Set<String> entries = new LinkedHashSet<>();
        for (String resource : List.of(MAIN_RESOURCE, RUNTIME_RESOURCE)) {
            for (String entry : read(resource).split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    entries.add(entry.trim());
                }
            }
        }
        List<Path> paths = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String entry : entries) {
            Path path = Path.of(entry);
            if (Files.exists(path)) {
                paths.add(path);
            } else {
                missing.add(entry);
            }
        }
        if (!missing.isEmpty()) {
            // The files hold absolute paths into the local Maven repository of the machine that built the jar.
            throw new FlinkClusterException("the Flink cluster classpath lists " + missing.size()
                    + " missing file(s), e.g. " + missing.get(0) + "; the local Maven repository changed or the "
                    + "flink-cluster jar was built elsewhere: rebuild flink-cluster with Maven");
        }
        if (paths.stream().noneMatch(p -> p.getFileName().toString().startsWith("flink-runtime-"))) {
            throw new FlinkClusterException("the Flink cluster classpath holds no flink-runtime jar: " + paths);
        }
        return paths;
    }

    /**
     * Returns the classpath as one string for {@code java -cp}.
     *
     * @return the entries joined with the platform's path separator
     */
    static String asString() {
        List<String> parts = new ArrayList<>();
        for (Path p : entries()) {
            parts.add(p.toString());
        }
        return String.join(File.pathSeparator, parts);
    }

    private static String read(String resource) {
        try (InputStream in = FlinkClasspath.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new FlinkClusterException("resource " + resource + " not found next to "
                        + FlinkClasspath.class.getName() + ": maven-dependency-plugin writes it in the "
                        + "generate-resources phase; build flink-cluster with Maven (an IDE-only build skips it)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read resource " + resource, e);
        }
    }
}
