package io.cellwatch.flinkcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds and writes the cluster's {@code config.yaml} (Flink 2.x reads only that file, flat keys allowed). */
final class FlinkConfig {

    /** Every listener binds here and every address points here: a test cluster is never reachable from outside. */
    static final String HOST = "127.0.0.1";

    /**
     * Flink's own JDK 17 module flags: {@code env.java.opts.all} of the Flink 2.2 distribution's config.yaml
     * (the start scripts put them on every Flink JVM).
     */
    static final List<String> FLINK_JDK17_JVM_ARGS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /**
     * What CellWatch adds: the wire codec's Agrona 2.x reads {@code jdk.internal.misc.Unsafe}, in the TaskManager
     * (which runs the job) and in the JobManager (which runs the job's {@code main} for a REST submission).
     */
    static final String AGRONA_JVM_ARG = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    /**
     * Lets Flink install its security manager for {@code cluster.intercept-user-system-exit} (JDK 18 to 23 refuse
     * {@code System.setSecurityManager} without it; JDK 17 accepts the flag and only warns; JDK 24 removed the
     * security manager altogether, see {@link #canInterceptUserExit()}).
     */
    static final String SECURITY_MANAGER_JVM_ARG = "-Djava.security.manager=allow";

    private FlinkConfig() {
    }

    /**
     * Returns whether Flink can turn user code's {@code System.exit} into an exception on the child JVMs, which run
     * the same JDK as this one unless a caller picks another {@code java}: only up to JDK 23.
     *
     * @return true on JDK 17 to 23
     */
    static boolean canInterceptUserExit() {
        return Runtime.version().feature() < 24;
    }

    /**
     * Returns every JVM option of the cluster processes besides the memory flags (also written as
     * {@code env.java.opts.all}).
     *
     * @param interceptUserExit whether {@code cluster.intercept-user-system-exit} is set, which needs the security
     *                          manager flag
     * @return Flink's JDK 17 list, the Agrona export, and the security manager flag when intercepting
     */
    static List<String> jvmArgs(boolean interceptUserExit) {
        List<String> all = new ArrayList<>(FLINK_JDK17_JVM_ARGS);
        all.add(AGRONA_JVM_ARG);
        if (interceptUserExit) {
            all.add(SECURITY_MANAGER_JVM_ARG);
        }
        return List.copyOf(all);
    }

    /** Keys derived from the ports, the host and the work directory; overriding them would break the class. */
    static final Set<String> RESERVED_KEYS = Set.of(
            "jobmanager.rpc.address", "jobmanager.rpc.port", "jobmanager.bind-host",
            "taskmanager.host", "taskmanager.bind-host", "taskmanager.numberOfTaskSlots",
            "rest.address", "rest.port", "rest.bind-address", "rest.bind-port",
            "io.tmp.dirs", "web.tmpdir", "web.upload.dir", "env.java.opts.all",
            "jobmanager.memory.process.size", "taskmanager.memory.process.size");

    /**
     * Returns the cluster configuration in a stable, readable order.
     *
     * @param workDirectory           the cluster's work directory (absolute)
     * @param rpcPort                 the JobManager's RPC port
     * @param restPort                the REST (and web UI) port
     * @param slots                   task slots of the TaskManager
     * @param jobManagerProcessSize   e.g. {@code 768m}
     * @param taskManagerProcessSize  e.g. {@code 1024m}
     * @param interceptUserExit       set {@code cluster.intercept-user-system-exit: THROW} (see
     *                                {@link #canInterceptUserExit()})
     * @param extra                   further keys; they override the defaults here but may not use reserved keys
     * @return the configuration
     */
    static Map<String, String> config(Path workDirectory, int rpcPort, int restPort, int slots,
                                      String jobManagerProcessSize, String taskManagerProcessSize,
                                      boolean interceptUserExit, Map<String, String> extra) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", HOST);
        c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        c.put("jobmanager.bind-host", HOST);
        c.put("jobmanager.memory.process.size", jobManagerProcessSize);
        c.put("jobmanager.execution.failover-strategy", "region");
        c.put("taskmanager.host", HOST);
        c.put("taskmanager.bind-host", HOST);
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        c.put("taskmanager.memory.process.size", taskManagerProcessSize);
        // The job keeps its state on the heap (hashmap backend); managed memory only serves RocksDB and batch
        // operators, and Flink's default 40 % of a small TaskManager would leave the task heap at ~26 MB.
        c.put("taskmanager.memory.managed.size", "64m");
        c.put("rest.address", HOST);
        c.put("rest.bind-address", HOST);
        c.put("rest.port", Integer.toString(restPort));
        c.put("parallelism.default", "1");
        // A REST submission runs the job's main() inside the JobManager, and StopConditionJob.main calls
        // System.exit(2) on a bad flag: without this, a typo in a program argument ends the whole JobManager.
        // With it, the exit becomes an exception and the REST call answers with the job's error message.
        if (interceptUserExit) {
            c.put("cluster.intercept-user-system-exit", "THROW");
        }
        // Both JVMs start together; a TaskManager that asks before the ResourceManager is up waits this long before
        // asking again (Flink's default 10 s made up half of the start time here).
        c.put("cluster.registration.error-delay", "1 s");
        // Scratch space (RPC system jar, blobs, uploaded jars) stays inside the work directory.
        Path tmp = workDirectory.resolve("tmp");
        c.put("io.tmp.dirs", tmp.toString());
        c.put("web.tmpdir", tmp.resolve("web").toString());
        c.put("web.upload.dir", workDirectory.resolve("jars").toString());
        // Checkpoints and savepoints on a file system both processes see, as on a real cluster (there: shared).
        c.put("execution.checkpointing.storage", "filesystem");
        c.put("execution.checkpointing.dir", workDirectory.resolve("checkpoints").toUri().toString());
        c.put("execution.checkpointing.savepoint-dir", workDirectory.resolve("savepoints").toUri().toString());
        // Not read by this class (it starts the JVMs itself), but what bin/*.sh of a distribution would need.
        c.put("env.java.opts.all", String.join(" ", jvmArgs(interceptUserExit)));
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (RESERVED_KEYS.contains(e.getKey())) {
                throw new IllegalArgumentException("Flink option '" + e.getKey()
                        + "' is set by StandaloneFlinkCluster itself and cannot be overridden");
            }
            c.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(c);
    }

    /**
     * Renders flat {@code key: "value"} lines; every value is a double-quoted YAML string (Flink converts it to the
     * option's type), so paths and option lists need no further thought.
     *
     * @param config the configuration
     * @return the YAML text
     */
    static String toYaml(Map<String, String> config) {
        StringBuilder yaml = new StringBuilder("# Written by io.cellwatch.flinkcluster.StandaloneFlinkCluster\n");
        for (Map.Entry<String, String> e : config.entrySet()) {
            yaml.append(e.getKey()).append(": ").append(quote(e.getValue())).append('\n');
        }
        return yaml.toString();
    }

    /**
     * Writes {@code config.yaml}.
     *
     * @param file   the file to (over)write
     * @param config the configuration
     */
    static void write(Path file, Map<String, String> config) {
        try {
            Files.writeString(file, toYaml(config), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    static String quote(String value) {
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        q.append(String.format("\\x%02x", (int) ch));
                    } else {
                        q.append(ch);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
