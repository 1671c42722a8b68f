package io.cellwatch.flinkcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkConfigTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteAConfigYamlThatFlinkItselfReads() throws Exception {
        Path work = dir.resolve("work \"quoted\" dir");
        Map<String, String> config = FlinkConfig.config(work, 40001, 40002, 2, "768m", "1024m", true,
                Map.of("restart-strategy.type", "fixed-delay"));
        Path conf = Files.createDirectories(dir.resolve("conf"));
        FlinkConfig.write(conf.resolve("config.yaml"), config);

        Configuration flink = GlobalConfiguration.loadConfiguration(conf.toString());

        // Typed options: Flink converts the quoted YAML strings to its own types.
        assertEquals("127.0.0.1", flink.get(JobManagerOptions.ADDRESS));
        assertEquals(40001, flink.get(JobManagerOptions.PORT));
        assertEquals(40002, flink.get(RestOptions.PORT));
        assertEquals(2, flink.get(TaskManagerOptions.NUM_TASK_SLOTS));
        assertEquals(MemorySize.parse("768m"), flink.get(JobManagerOptions.TOTAL_PROCESS_MEMORY));
        assertEquals("fixed-delay", flink.getString("restart-strategy.type", null));
        assertEquals(work.resolve("tmp").toString(), flink.getString("io.tmp.dirs", null), "quotes survive");
        String opts = flink.get(CoreOptions.FLINK_JVM_OPTIONS);
        assertTrue(opts.contains("--add-opens=java.base/java.util=ALL-UNNAMED"), opts);
        assertTrue(opts.contains(FlinkConfig.AGRONA_JVM_ARG), opts);
        assertEquals("THROW", flink.getString("cluster.intercept-user-system-exit", null));
        assertTrue(opts.contains(FlinkConfig.SECURITY_MANAGER_JVM_ARG), opts);
    }

    @Test
    void shouldBindEverythingToLoopback() {
        Map<String, String> config = FlinkConfig.config(dir, 1, 2, 1, "768m", "1024m", true, Map.of());
        for (String key : new String[] {"jobmanager.rpc.address", "jobmanager.bind-host", "taskmanager.host",
            "taskmanager.bind-host", "rest.address", "rest.bind-address"}) {
            assertEquals("127.0.0.1", config.get(key), key);
        }
    }

    @Test
    void shouldRefuseToOverrideDerivedKeys() {
        assertThrows(IllegalArgumentException.class, () -> FlinkConfig.config(dir, 1, 2, 1, "768m", "1024m", true,
                Map.of("rest.bind-address", "0.0.0.0")));
        assertThrows(IllegalArgumentException.class,
                () -> StandaloneFlinkCluster.builder().configuration("jobmanager.rpc.port", "6123"));
    }

    @Test
    void shouldLeaveUserExitsAloneWhereTheJdkHasNoSecurityManager() {
        Map<String, String> config = FlinkConfig.config(dir, 1, 2, 1, "768m", "1024m", false, Map.of());

        assertFalse(config.containsKey("cluster.intercept-user-system-exit"));
        assertFalse(config.get("env.java.opts.all").contains("java.security.manager"));
        assertTrue(FlinkConfig.jvmArgs(false).contains(FlinkConfig.AGRONA_JVM_ARG));
    }

    @Test
    void shouldQuoteYamlStrings() {
        assertEquals("\"a\\\\b \\\"c\\\" d\\ne\"", FlinkConfig.quote("a\\b \"c\" d\ne"));
    }
}
