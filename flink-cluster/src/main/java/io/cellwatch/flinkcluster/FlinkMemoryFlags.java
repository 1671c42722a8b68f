package io.cellwatch.flinkcluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The memory settings Flink computes for a JobManager or TaskManager process from {@code config.yaml}, as its
 * start scripts obtain them: {@code org.apache.flink.runtime.util.bash.BashJavaUtils GET_JM_RESOURCE_PARAMS} (or
 * {@code GET_TM_RESOURCE_PARAMS}) prints two lines prefixed {@value #PREFIX}: the JVM options ({@code -Xmx},
 * {@code -Xms}, {@code -XX:MaxMetaspaceSize}, ...), then dynamic properties ({@code -D key=value ...}) for the
 * process's program arguments, so the process and Flink agree on the memory budget.
 *
 * @param jvmArgs     options for the {@code java} command line
 * @param dynamicArgs program arguments of the Flink entry point ({@code -D}, {@code key=value} pairs)
 */
record FlinkMemoryFlags(List<String> jvmArgs, List<String> dynamicArgs) {

    /** Prefix of BashJavaUtils' result lines; everything else it prints is logging. */
    static final String PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    FlinkMemoryFlags {
        jvmArgs = List.copyOf(jvmArgs);
        dynamicArgs = List.copyOf(dynamicArgs);
    }

    /**
     * Parses BashJavaUtils' output.
     *
     * @param output everything the tool printed (logging included)
     * @return the flags
     * @throws IllegalArgumentException when the output holds no result line, or the first one has no heap size
     */
    static FlinkMemoryFlags parse(String output) {
        List<String> results = new ArrayList<>();
        for (String line : output.split("\r?\n")) {
            int at = line.indexOf(PREFIX);
            if (at >= 0) {
                results.add(line.substring(at + PREFIX.length()).trim());
            }
        }
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no " + PREFIX + " line in the output");
        }
        List<String> jvm = tokens(results.get(0));
        if (jvm.stream().noneMatch(t -> t.startsWith("-Xmx"))) {
            throw new IllegalArgumentException("the first " + PREFIX + " line sets no heap size: " + results.get(0));
        }
        List<String> dynamic = results.size() > 1 ? tokens(results.get(1)) : List.of();
        return new FlinkMemoryFlags(jvm, dynamic);
    }

    private static List<String> tokens(String line) {
        if (line.isBlank()) {
            return List.of();
        }
        return Arrays.asList(line.trim().split("\\s+"));
    }
}
