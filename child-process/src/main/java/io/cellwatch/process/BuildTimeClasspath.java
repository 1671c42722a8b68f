package io.cellwatch.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A child JVM's classpath as maven-dependency-plugin's {@code build-classpath} goal wrote it, at build time, into
 * one or more resource files next to a class, so the child runs from the exact jars Maven resolved, independent of
 * whatever classpath the parent JVM has.
 *
 * <p>Several files exist because no single Maven scope filter selects compile + provided + runtime without test:
 * a module writes {@code includeScope=compile} (compile + provided) and {@code includeScope=runtime} (compile +
 * runtime) and this class merges them in that order, without duplicates.
 *
 * <p>The files hold absolute paths into the local Maven repository of the machine that built the jar; a listed
 * file that no longer exists makes {@link #entries()} fail with a message that says to rebuild.
 */
public final class BuildTimeClasspath {

    /** Opens a resource by name; null when there is none. */
    @FunctionalInterface
    interface ResourceOpener {
        InputStream open(String name) throws IOException;
    }

    private final ResourceOpener opener;
    private final String anchorName;
    private final String description;
    private final String module;
    private final List<String> resources;

    BuildTimeClasspath(ResourceOpener opener, String anchorName, String description, String module,
                       List<String> resources) {
        this.opener = opener;
        this.anchorName = anchorName;
        this.description = Objects.requireNonNull(description, "description");
        this.module = Objects.requireNonNull(module, "module");
        this.resources = List.copyOf(resources);
        if (this.resources.isEmpty()) {
            throw new IllegalArgumentException("no classpath resource given");
        }
    }

    /**
     * Describes the classpath written into resources next to a class.
     *
     * @param anchor      the class the resource names are relative to (they sit in its package)
     * @param description what the classpath is for, for messages, e.g. {@code "the Kafka broker classpath"}
     * @param module      the Maven module whose build writes the files, for messages, e.g. {@code "embedded-kafka"}
     * @param resources   the resource names, merged in this order
     * @return the classpath; the files are read by each {@link #entries()} call
     */
    public static BuildTimeClasspath of(Class<?> anchor, String description, String module, String... resources) {
        return new BuildTimeClasspath(anchor::getResourceAsStream, anchor.getName(), description, module,
                List.of(resources));
    }

    /**
     * Returns the classpath entries, without duplicates, in build order.
     *
     * @return the jar files (or directories) listed, all existing
     * @throws IOException when a resource is missing or cannot be read, or lists a file that no longer exists; the
     *                     message says how to rebuild
     */
    public List<Path> entries() throws IOException {
        Set<String> entries = new LinkedHashSet<>();
        for (String resource : resources) {
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
            throw new IOException(description + " lists " + missing.size() + " missing file(s), e.g. "
                    + missing.get(0) + "; the local Maven repository changed or the " + module
                    + " jar was built elsewhere: rebuild " + module + " with Maven");
        }
        return paths;
    }

    /**
     * Returns the classpath as one string for {@code java -cp}.
     *
     * @return the {@link #entries()} joined with the platform's path separator
     * @throws IOException see {@link #entries()}
     */
    public String asString() throws IOException {
        List<String> parts = new ArrayList<>();
        for (Path p : entries()) {
            parts.add(p.toString());
        }
        return String.join(File.pathSeparator, parts);
    }

    private String read(String resource) throws IOException {
        InputStream opened;
        try {
            opened = opener.open(resource);
        } catch (IOException e) {
            throw new IOException("could not read resource " + resource + " next to " + anchorName, e);
        }
        if (opened == null) {
            throw new IOException("resource " + resource + " not found next to " + anchorName
                    + ": maven-dependency-plugin writes it in the generate-resources phase; build " + module
                    + " with Maven (an IDE-only build skips it)");
        }
        try (InputStream in = opened) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("could not read resource " + resource + " next to " + anchorName, e);
        }
    }
}
