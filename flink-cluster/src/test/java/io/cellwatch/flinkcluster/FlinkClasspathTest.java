package io.cellwatch.flinkcluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FlinkClasspathTest {

    @Test
    void shouldListWhatAStandaloneClusterNeedsAndNoTestJars() throws Exception {
        List<Path> entries = StandaloneFlinkCluster.FLINK_CLASSPATH.entries();
        List<String> names = entries.stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());

        assertTrue(entries.stream().allMatch(Files::isRegularFile), entries.toString());
        for (String prefix : List.of("flink-runtime-2", "flink-runtime-web-", "flink-clients-", "flink-streaming-java-",
                "flink-rpc-akka-loader-", "log4j-core-", "log4j-slf4j-impl-", "slf4j-api-")) {
            assertTrue(names.stream().anyMatch(n -> n.startsWith(prefix)), prefix + " missing from " + names);
        }
        for (String prefix : List.of("junit", "kafka", "embedded-kafka", "flink-jobs", "telemetry-core",
                "child-process")) {
            assertFalse(names.stream().anyMatch(n -> n.startsWith(prefix)), prefix + " must not be in " + names);
        }
        assertTrue(names.size() == names.stream().distinct().count(), "no duplicates: " + names);
    }
}
