package io.cellwatch.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** File chores around a child JVM: configuration copied out of a jar, marker lines in its log, its work directory. */
public final class ChildFiles {

    private ChildFiles() {
    }

    /**
     * Copies a resource to a file, e.g. a logging configuration that the child reads from a file while the
     * resource may sit inside a jar. Replaces an existing file.
     *
     * @param anchor the class the resource name is relative to
     * @param name   the resource name
     * @param target the file to write (its directory is created when missing)
     * @throws IOException when the resource is missing or the file cannot be written
     */
    public static void copyResource(Class<?> anchor, String name, Path target) throws IOException {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " not found next to " + anchor.getName());
            }
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
        }
    }

    /**
     * Appends a line to a log, e.g. a marker between the output of two runs of a child.
     *
     * @param file the log (created when missing)
     * @param line the line, without line separator
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void appendLine(Path file, String line) {
        try {
            Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /**
     * Deletes a directory with everything in it, as far as possible; a file that cannot be deleted is reported and
     * skipped.
     *
     * @param directory the directory; nothing happens when it does not exist
     * @param warnings  receives a message per file or directory that could not be deleted
     */
    public static void deleteRecursively(Path directory, Consumer<String> warnings) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    warnings.accept("Could not delete " + path + ": " + e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            warnings.accept("Could not delete " + directory + ": " + e);
        }
    }
}
