package io.cellwatch.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BrokerClasspathTest {

    @Test
    void shouldListBrokerLoggingAndCompressionJarsWhenBuiltByMaven() throws Exception {
        List<Path> entries = EmbeddedKafkaBroker.BROKER_CLASSPATH.entries();

        for (String jar : List.of("kafka_2.13-", "kafka-clients-", "kafka-server-", "scala-library-",
                "log4j-slf4j-impl-", "log4j-core-", "slf4j-api-", "lz4-java-", "snappy-java-", "zstd-jni-")) {
            assertTrue(entries.stream().anyMatch(p -> p.getFileName().toString().startsWith(jar)),
                    "broker classpath lacks " + jar + "*: " + entries);
        }
    }

    @Test
    void shouldLeaveOutTestJarsAndDuplicatesWhenMergingBothFiles() throws Exception {
        List<Path> entries = EmbeddedKafkaBroker.BROKER_CLASSPATH.entries();

        assertTrue(entries.stream().noneMatch(p -> p.toString().contains("junit")), entries::toString);
        // The watchdog's class file is copied in front of the classpath by itself; its jar is not listed.
        assertTrue(entries.stream().noneMatch(p -> p.toString().contains("child-process")), entries::toString);
        assertEquals(entries.size(), new HashSet<>(entries).size(), "duplicates: " + entries);
    }
}
