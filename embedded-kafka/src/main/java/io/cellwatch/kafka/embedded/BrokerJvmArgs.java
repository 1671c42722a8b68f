package io.cellwatch.kafka.embedded;

import java.util.ArrayList;
import java.util.List;

/**
 * The broker child JVM's options: the defaults, then the caller's, where a caller's choice of heap size or garbage
 * collector replaces the default one instead of being appended to it. Appending is not enough: the JVM refuses to
 * start with two collectors selected ({@code -XX:+UseG1GC -XX:+UseZGC}), and a caller's {@code -Xmx256m} after the
 * default {@code -Xms512m} is an initial heap above the maximum, which the JVM also refuses.
 */
final class BrokerJvmArgs {
    /**
     * A fixed heap (initial = maximum) and pre-touched pages: under load the broker otherwise grew its heap only to
     * about 200 MB of the 512 MB and paused for up to 80-111 ms with young collections packed into that (issue 7).
     * Pre-touching 512 MB costs about 0.3 s of a 7-8 s start. ZGC, because the broker's garbage is short-lived
     * request buffers at a high rate: G1, even with a 20 ms pause goal, paused it for 32-123 ms at 1-2 M samples/s
     * on two cores (its young collections wait for a core like every other thread), and each pause stalls every
     * produce and fetch. ZGC's pauses stayed under 0.4 ms at the same CPU per sample, and the sample -> COMMAND p99
     * went down (benchmarks/README.md, matrix s5). A caller's {@code -XX:+UseG1GC} replaces it.
     */
    static final String DEFAULT_HEAP = "512m";
    static final List<String> DEFAULTS = List.of(
            "-Xms" + DEFAULT_HEAP, "-Xmx" + DEFAULT_HEAP, "-XX:+AlwaysPreTouch",
            "-XX:+UseZGC",
            // An out-of-memory broker must die visibly rather than limp on.
            "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true");

    private BrokerJvmArgs() {
    }

    /**
     * The defaults with the caller's options after them. A caller's collector drops the default collector (and a
     * default pause goal, if there is one); a caller's {@code -Xmx} or {@code -Xms} drops both default heap sizes, and a lone {@code -Xmx}
     * gets the same {@code -Xms}, so the heap stays fixed.
     */
    static List<String> merge(List<String> callerArgs) {
        boolean callerCollector = callerArgs.stream().anyMatch(BrokerJvmArgs::selectsCollector);
        boolean callerHeap = callerArgs.stream().anyMatch(a -> a.startsWith("-Xmx") || a.startsWith("-Xms"));
        List<String> args = new ArrayList<>();
        for (String d : DEFAULTS) {
            boolean collectorOption = selectsCollector(d) || d.startsWith("-XX:MaxGCPauseMillis=");
            boolean heapOption = d.startsWith("-Xmx") || d.startsWith("-Xms");
            if (!(callerCollector && collectorOption) && !(callerHeap && heapOption)) {
                args.add(d);
            }
        }
        args.addAll(callerArgs);
        if (callerArgs.stream().noneMatch(a -> a.startsWith("-Xms"))) {
            callerArgs.stream().filter(a -> a.startsWith("-Xmx")).reduce((first, last) -> last)
                    .ifPresent(xmx -> args.add("-Xms" + xmx.substring(4)));
        }
        return List.copyOf(args);
    }

    /** {@code -XX:+UseG1GC}, {@code -XX:+UseZGC}, {@code -XX:+UseParallelGC}, ... */
    private static boolean selectsCollector(String arg) {
        return arg.startsWith("-XX:+Use") && arg.endsWith("GC");
    }
}
