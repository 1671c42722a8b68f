package io.cellwatch.flinkcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlinkMemoryFlagsTest {

    @Test
    void shouldTakeJvmArgsFromTheFirstResultLineAndDynamicPropertiesFromTheSecond() {
        String output = String.join("\n",
                "INFO  [] - Loading configuration property: taskmanager.memory.process.size, 1024m",
                "BASH_JAVA_UTILS_EXEC_RESULT:-Xmx161061270 -Xms161061270 -XX:MaxDirectMemorySize=201326592 "
                        + "-XX:MaxMetaspaceSize=268435456 ",
                "INFO  [] - The derived from fraction jvm overhead memory (102.400mb) is less than its min value",
                "BASH_JAVA_UTILS_EXEC_RESULT:-D taskmanager.memory.network.min=67108864b "
                        + "-D taskmanager.cpu.cores=2.0 -D taskmanager.memory.task.off-heap.size=0b",
                "");

        FlinkMemoryFlags flags = FlinkMemoryFlags.parse(output);

        assertEquals(List.of("-Xmx161061270", "-Xms161061270", "-XX:MaxDirectMemorySize=201326592",
                "-XX:MaxMetaspaceSize=268435456"), flags.jvmArgs());
        assertEquals(List.of("-D", "taskmanager.memory.network.min=67108864b", "-D", "taskmanager.cpu.cores=2.0",
                "-D", "taskmanager.memory.task.off-heap.size=0b"), flags.dynamicArgs());
    }

    @Test
    void shouldAcceptOutputWithoutDynamicProperties() {
        FlinkMemoryFlags flags = FlinkMemoryFlags.parse("BASH_JAVA_UTILS_EXEC_RESULT:-Xmx100 -Xms100\r\n");

        assertEquals(List.of("-Xmx100", "-Xms100"), flags.jvmArgs());
        assertEquals(List.of(), flags.dynamicArgs());
    }

    @Test
    void shouldRefuseOutputWithoutAResultLineOrAHeapSize() {
        assertThrows(IllegalArgumentException.class,
                () -> FlinkMemoryFlags.parse("Exception in thread \"main\" IllegalConfigurationException"));
        assertThrows(IllegalArgumentException.class,
                () -> FlinkMemoryFlags.parse("BASH_JAVA_UTILS_EXEC_RESULT:-D a=b"));
    }
}
