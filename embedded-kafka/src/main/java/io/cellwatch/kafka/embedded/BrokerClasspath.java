package io.cellwatch.kafka.embedded;

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
 * Reads the broker child JVM's classpath from the resources that maven-dependency-plugin writes at build time
 * (see this module's pom), so the broker runs from the exact jars Maven resolved, independent of whatever
 * classpath the parent JVM has.
 */
final class BrokerClasspath {

    /** compile + provided scope: kafka_2.13 with its dependencies and the log4j2 slf4j binding. */
    static final String MAIN_RESOURCE = "broker.classpath";
    /** compile + runtime scope: adds the compression libraries kafka-clients declares as runtime. */
    static final String RUNTIME_RESOURCE = "broker-runtime.classpath";

    private BrokerClasspath() {
    }

    /**
     * Returns the broker classpath entries, without duplicates, in build order.
     *
     * @return the jar files
     * @throws EmbeddedKafkaException when a resource is missing or lists a file that no longer exists
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
            throw new EmbeddedKafkaException("the Kafka broker classpath lists " + missing.size()
                    + " missing file(s), e.g. " + missing.get(0) + "; the local Maven repository changed or the "
                    + "embedded-kafka jar was built elsewhere: rebuild embedded-kafka with Maven");
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
        try (InputStream in = EmbeddedKafkaBroker.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new EmbeddedKafkaException("resource " + resource + " not found next to "
                        + EmbeddedKafkaBroker.class.getName() + ": maven-dependency-plugin writes it in the "
                        + "generate-resources phase; build embedded-kafka with Maven (an IDE-only build skips it)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read resource " + resource, e);
        }
    }
}
