package io.cellwatch.flinkcluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.cellwatch.process.BuildTimeClasspath;
import io.cellwatch.process.ChildFiles;
import io.cellwatch.process.ChildJvm;
import io.cellwatch.process.ChildProcesses;
import io.cellwatch.process.ChildShutdownHook;
import io.cellwatch.process.LogTail;
import io.cellwatch.process.LoopbackPorts;
import io.cellwatch.process.StartupWait;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real standalone Flink session cluster: one JobManager JVM ({@code StandaloneSessionClusterEntrypoint}) and one
 * TaskManager JVM ({@code TaskManagerRunner}), started as child processes of this JVM.
 *
 * <p>flink-dist (the tarball with {@code bin/} and {@code lib/}) is not on Maven Central, so this class does what its
 * start scripts do, from the Flink artifacts that are: the classpath is the list of jars maven-dependency-plugin
 * wrote at build time, {@code conf/config.yaml} is generated (everything on 127.0.0.1, free ports), the memory
 * flags come from Flink itself ({@code BashJavaUtils GET_JM_RESOURCE_PARAMS} / {@code GET_TM_RESOURCE_PARAMS}),
 * and both JVMs get Flink's JDK 17 {@code --add-opens/--add-exports} list plus the export the wire codec's Agrona
 * needs. Jobs are submitted as a shaded jar through the REST API, exactly as {@code flink run} or the web UI do.
 * On JDK 17 to 23 the cluster sets {@code cluster.intercept-user-system-exit: THROW}, so a job whose
 * {@code main()} calls {@code System.exit} (CellWatch's job does on a bad flag) fails its submission instead of
 * ending the JobManager.
 *
 * <p>Everything lives in one work directory: {@code conf/}, {@code log/jobmanager.log} and
 * {@code log/taskmanager.log} (each process's stdout, stderr and log4j output), {@code jars/} (uploaded jars),
 * {@code checkpoints/}, {@code savepoints/} and {@code tmp/}.
 *
 * <pre>{@code
 * try (StandaloneFlinkCluster flink = StandaloneFlinkCluster.builder().start()) {
 *     String jobId = flink.submitJar(Path.of("flink-jobs/target/flink-jobs-0.1.0-SNAPSHOT-job.jar"),
 *             List.of("--kafka.bootstrap-servers=127.0.0.1:9092"));
 *     flink.awaitJobStatus(jobId, "RUNNING", Duration.ofSeconds(60));
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops only the two processes this instance started (through their {@link Process} handles);
 * a JVM shutdown hook does the same when the caller exits without closing, and the children stop themselves when
 * this JVM is killed. Methods that change the process state are synchronized.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {

    /** How long {@link #start()} waits for the TaskManager's slots to show up, unless configured otherwise. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(120);
    /** Default number of task slots of the TaskManager. */
    public static final int DEFAULT_TASK_SLOTS = 2;
    /** Default JobManager process size: small, but Flink's budget with 192 MB heap. */
    public static final String DEFAULT_JOB_MANAGER_PROCESS_SIZE = "768m";
    /** Default TaskManager process size: with 64 MB managed memory, about 190 MB heap for tasks. */
    public static final String DEFAULT_TASK_MANAGER_PROCESS_SIZE = "1024m";

    static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    /** What a TaskManager logs once the JobManager's resource manager accepted it (and so its slots). */
    private static final String TASK_MANAGER_REGISTERED = "Successful registration at resource manager";
    static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneFlinkCluster.class);
    /** Warnings about the cluster's processes; the messages start with "process <pid>". */
    private static final Consumer<String> PROCESS_WARNINGS = message -> LOG.warn("Flink {}", message);

    /**
     * The cluster JVMs' classpath, written by this module's pom: the Flink runtime, web submission, the DataStream
     * API and log4j2, i.e. what flink-dist's {@code lib/} holds for a streaming job, from the exact jars Maven
     * resolved. {@code flink.classpath} is compile + provided scope (Flink and log4j2, and this module's own small
     * compile dependencies), {@code flink-runtime.classpath} compile + runtime scope (what Flink's artifacts declare
     * as runtime dependencies).
     */
    static final BuildTimeClasspath FLINK_CLASSPATH = BuildTimeClasspath.of(StandaloneFlinkCluster.class,
            "the Flink cluster classpath", "flink-cluster", "flink.classpath", "flink-runtime.classpath");

    /** SIGTERM runs Flink's shutdown hooks; both processes normally finish within a few seconds. */
    private static final Duration GRACEFUL_STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration SHUTDOWN_HOOK_STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final Duration REST_TIMEOUT = Duration.ofSeconds(30);
    /** Upload of a ~25 MB jar, and its main() run inside the JobManager, on a busy 2-core machine. */
    private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(180);
    private static final int PORT_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;
    private static final long POLL_MILLIS = 200;

    private final Path workDirectory;
    private final boolean deleteWorkDirectoryOnClose;
    private final Path javaExecutable;
    private final Duration startupTimeout;
    private final int taskSlots;
    private final String jobManagerProcessSize;
    private final String taskManagerProcessSize;
    private final Map<String, String> extraConfig;
    private final List<String> extraJvmArgs;
    /** Turn a job main()'s System.exit into a failed submission instead of a dead JobManager (JDK 17 to 23). */
    private final boolean interceptUserExit = FlinkConfig.canInterceptUserExit();

    // Written under the monitor; volatile so that accessors and the shutdown hook can read them without it.
    private volatile int rpcPort;
    private volatile int restPort;
    private volatile Process jobManager;
    private volatile Process taskManager;
    private volatile FlinkRestClient rest;
    private volatile long startupMillis = -1;

    private FlinkMemoryFlags jobManagerMemory;
    private FlinkMemoryFlags taskManagerMemory;
    private boolean closed;
    private ChildShutdownHook shutdownHook;

    private StandaloneFlinkCluster(Builder builder, Path workDirectory, boolean temporary) {
        this.workDirectory = workDirectory;
        this.deleteWorkDirectoryOnClose = temporary;
        this.javaExecutable = builder.javaExecutable;
        this.startupTimeout = builder.startupTimeout;
        this.taskSlots = builder.taskSlots;
        this.jobManagerProcessSize = builder.jobManagerProcessSize;
        this.taskManagerProcessSize = builder.taskManagerProcessSize;
        this.extraConfig = Map.copyOf(builder.config);
        this.extraJvmArgs = List.copyOf(builder.jvmArgs);
    }

    /**
     * Returns a builder with the defaults: a temporary work directory, 2 slots, a 768m JobManager and a 1024m
     * TaskManager, a 120 s startup timeout and the {@code java} of the running JVM.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the JobManager and the TaskManager and waits until the REST API's {@code /overview} reports the
     * TaskManager with all its slots.
     *
     * @return this cluster
     * @throws FlinkClusterException when a process exits or the slots do not show up within the startup timeout;
     *                               the message ends with the last lines of both logs
     * @throws IllegalStateException when the cluster runs already or was closed
     */
    public synchronized StandaloneFlinkCluster start() {
        if (closed) {
            throw new IllegalStateException("the cluster was closed");
        }
        if (isRunning()) {
            throw new IllegalStateException("the cluster is running already at " + restUrl());
        }
        long began = System.nanoTime();
        Instant deadline = Instant.now().plus(startupTimeout);
        prepareWorkDirectory();
        registerShutdownHook();
        String classpath = flinkClasspath();
        for (int attempt = 1; ; attempt++) {
            pickPorts();
            FlinkConfig.write(configDirectory().resolve("config.yaml"), FlinkConfig.config(workDirectory, rpcPort,
                    restPort, taskSlots, jobManagerProcessSize, taskManagerProcessSize, interceptUserExit, extraConfig));
            if (jobManagerMemory == null) {
                computeMemoryFlags(classpath, deadline);
            }
            long jobManagerLogOffset = LogTail.endOffset(jobManagerLog());
            long taskManagerLogOffset = LogTail.endOffset(taskManagerLog());
            try {
                launchAndAwaitReady(classpath, deadline, jobManagerLogOffset, taskManagerLogOffset);
                break;
            } catch (FlinkClusterException e) {
                stopProcesses(Duration.ZERO);
                // Picked ports are free when picked, but other builds on this machine may take one before the
                // JobManager binds it. Only then retry, with fresh ports.
                if (attempt < PORT_ATTEMPTS && Instant.now().isBefore(deadline)
                        && LogTail.contains(jobManagerLog(), jobManagerLogOffset, "Address already in use")) {
                    LOG.warn("Flink JobManager could not bind port {} or {}; retrying with other ports",
                            rpcPort, restPort);
                    continue;
                }
                throw e;
            }
        }
        startupMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        LOG.info("Flink cluster ready at {} after {} ms ({} slots; work directory {})", restUrl(), startupMillis,
                taskSlots, workDirectory);
        return this;
    }

    /**
     * Kills the TaskManager JVM with SIGKILL (no shutdown hooks, its tasks and open Kafka transactions just stop), as
     * a crash or an out-of-memory kill would, and waits until the process is gone. The JobManager notices when the
     * TaskManager misses its heartbeats ({@code heartbeat.timeout}). For fault-injection tests; bring a TaskManager
     * back with {@link #startTaskManager()}.
     *
     * @throws IllegalStateException when the cluster is not running
     */
    public synchronized void killTaskManager() {
        requireRunning();
        Process tm = taskManager;
        ChildProcesses.kill(tm, KILL_WAIT, PROCESS_WARNINGS);
        LOG.info("Killed the Flink TaskManager (pid {})", tm.pid());
    }

    /**
     * Starts a new TaskManager JVM with the same configuration after {@link #killTaskManager()} and waits until it
     * has registered its slots at the JobManager's resource manager (its log says so).
     *
     * @throws FlinkClusterException when the TaskManager exits or does not register within the startup timeout
     * @throws IllegalStateException when the cluster was not started, was closed, or its TaskManager still runs
     */
    public synchronized void startTaskManager() {
        if (closed || jobManager == null || !jobManager.isAlive()) {
            throw new IllegalStateException("the cluster's JobManager is not running (" + this + ")");
        }
        if (taskManager != null && taskManager.isAlive()) {
            throw new IllegalStateException("the TaskManager still runs (pid " + taskManager.pid() + ")");
        }
        long tmOffset = LogTail.endOffset(taskManagerLog());
        ChildFiles.appendLine(taskManagerLog(), "=== " + Instant.now() + " flink-cluster: TaskManager restarted ===");
        taskManager = launch(clusterProcess(flinkClasspath(), taskManagerMemory, taskManagerLog(), TASK_MANAGER_MAIN));
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        while (!LogTail.contains(taskManagerLog(), tmOffset, TASK_MANAGER_REGISTERED)) {
            if (!taskManager.isAlive()) {
                throw startFailure("the restarted TaskManager exited with code " + taskManager.exitValue(), 0,
                        tmOffset, null);
            }
            if (System.nanoTime() - deadline > 0) {
                throw startFailure("the restarted TaskManager did not register within " + startupTimeout, 0,
                        tmOffset, null);
            }
            sleep(POLL_MILLIS);
        }
        LOG.info("Flink TaskManager restarted (pid {})", taskManager.pid());
    }

    /**
     * Uploads a job jar ({@code POST /jars/upload}) and runs its manifest main class ({@code POST /jars/:id/run});
     * the main class builds the job graph inside the JobManager and submits it, like {@code flink run}.
     *
     * @param jar         the shaded job jar (Flink itself {@code provided}, connectors bundled)
     * @param programArgs the main class's arguments
     * @return the Flink job id (32 hex digits)
     * @throws FlinkClusterException when the upload or the run is refused (the message holds Flink's errors,
     *                               typically the main method's exception, and the JobManager log's tail)
     */
    public String submitJar(Path jar, List<String> programArgs) {
        Objects.requireNonNull(jar, "jar");
        List<String> args = List.copyOf(programArgs);
        FlinkRestClient client = requireRunning();
        try {
            String jarId = client.uploadJar(jar, SUBMIT_TIMEOUT);
            String jobId = client.runJar(jarId, args, SUBMIT_TIMEOUT);
            LOG.info("Submitted {} as Flink job {}", jar.getFileName(), jobId);
            return jobId;
        } catch (IOException | RuntimeException e) {
            throw failure("submitting " + jar + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkClusterException("interrupted while submitting " + jar, e);
        }
    }

    /**
     * Returns a job's state ({@code GET /jobs/:id}).
     *
     * @param jobId the job id
     * @return e.g. {@code INITIALIZING}, {@code CREATED}, {@code RUNNING}, {@code CANCELED}, {@code FAILED}
     * @throws FlinkClusterException when the cluster does not answer or does not know the job
     */
    public String jobStatus(String jobId) {
        FlinkRestClient client = requireRunning();
        try {
            return client.jobState(Objects.requireNonNull(jobId, "jobId"), REST_TIMEOUT);
        } catch (IOException e) {
            throw new FlinkClusterException("GET /jobs/" + jobId + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkClusterException("interrupted while asking for job " + jobId, e);
        }
    }

    /**
     * Waits until a job reaches a state, polling {@link #jobStatus(String)}.
     *
     * @param jobId   the job id
     * @param state   the state to wait for, e.g. {@code RUNNING}
     * @param timeout how long to wait
     * @throws FlinkClusterException when the job ends in another terminal state ({@code FAILED}, {@code CANCELED},
     *                               {@code FINISHED}) or the timeout passes; the message holds the JobManager log's tail
     */
    public void awaitJobStatus(String jobId, String state, Duration timeout) {
        String wanted = state.toUpperCase(Locale.ROOT);
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "(unknown)";
        while (true) {
            last = jobStatus(jobId);
            if (last.equals(wanted)) {
                return;
            }
            if (Set.of("FAILED", "CANCELED", "FINISHED").contains(last)) {
                throw failure("job " + jobId + " ended " + last + " while waiting for " + wanted, null);
            }
            if (System.nanoTime() - deadline > 0) {
                throw failure("job " + jobId + " is " + last + ", not " + wanted + ", after " + timeout, null);
            }
            sleep(POLL_MILLIS);
        }
    }

    /**
     * Cancels a job ({@code PATCH /jobs/:id?mode=cancel}, no savepoint). Returns once the cluster accepted the
     * request; {@link #awaitJobStatus(String, String, Duration)} with {@code CANCELED} waits for the end.
     *
     * @param jobId the job id
     * @throws FlinkClusterException when the cluster refuses the request
     */
    public void cancel(String jobId) {
        FlinkRestClient client = requireRunning();
        try {
            client.cancel(Objects.requireNonNull(jobId, "jobId"), REST_TIMEOUT);
        } catch (IOException e) {
            throw new FlinkClusterException("cancelling job " + jobId + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkClusterException("interrupted while cancelling job " + jobId, e);
        }
    }

    /**
     * Stops both processes (SIGTERM, so Flink runs its shutdown hooks; SIGKILL after 15 s), removes the shutdown
     * hook and deletes the work directory when it was a temporary one, else only its {@code tmp/}. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcesses(GRACEFUL_STOP_TIMEOUT);
        if (shutdownHook != null) {
            shutdownHook.remove();
            shutdownHook = null;
        }
        ChildFiles.deleteRecursively(deleteWorkDirectoryOnClose ? workDirectory : tmpDirectory(), LOG::warn);
    }

    /**
     * Returns the REST endpoint (also the web UI).
     *
     * @return {@code http://127.0.0.1:<port>}
     * @throws IllegalStateException before the first start
     */
    public String restUrl() {
        int p = restPort;
        if (p == 0) {
            throw new IllegalStateException("the cluster has not been started yet");
        }
        return "http://" + FlinkConfig.HOST + ":" + p;
    }

    /**
     * Returns the REST port.
     *
     * @return the port, or 0 before the first start
     */
    public int restPort() {
        return restPort;
    }

    /**
     * Returns the JobManager's RPC port (what {@code jobmanager.rpc.port} says).
     *
     * @return the port, or 0 before the first start
     */
    public int rpcPort() {
        return rpcPort;
    }

    /**
     * Returns how long the last {@link #start()} took until the slots were reported.
     *
     * @return milliseconds, or -1 before the cluster was ready once
     */
    public long startupMillis() {
        return startupMillis;
    }

    /**
     * Returns whether both processes are alive.
     *
     * @return true while the JobManager and the TaskManager run
     */
    public boolean isRunning() {
        Process jm = jobManager;
        Process tm = taskManager;
        return jm != null && jm.isAlive() && tm != null && tm.isAlive();
    }

    /**
     * Returns the JobManager's process id.
     *
     * @return the pid, or empty when it does not run
     */
    public OptionalLong jobManagerPid() {
        return pid(jobManager);
    }

    /**
     * Returns the TaskManager's process id.
     *
     * @return the pid, or empty when it does not run
     */
    public OptionalLong taskManagerPid() {
        return pid(taskManager);
    }

    /**
     * Returns the work directory.
     *
     * @return the directory holding conf, logs, jars, checkpoints
     */
    public Path workDirectory() {
        return workDirectory;
    }

    /**
     * Returns the directory holding {@code config.yaml} and {@code log4j.properties}.
     *
     * @return {@code <work>/conf}
     */
    public Path configDirectory() {
        return workDirectory.resolve("conf");
    }

    /**
     * Returns the JobManager's log (its stdout, stderr and log4j output, across all starts).
     *
     * @return {@code <work>/log/jobmanager.log}
     */
    public Path jobManagerLog() {
        return workDirectory.resolve("log").resolve("jobmanager.log");
    }

    /**
     * Returns the TaskManager's log (its stdout, stderr and log4j output, across all starts).
     *
     * @return {@code <work>/log/taskmanager.log}
     */
    public Path taskManagerLog() {
        return workDirectory.resolve("log").resolve("taskmanager.log");
    }

    @Override
    public String toString() {
        return "StandaloneFlinkCluster[" + (restPort == 0 ? "not started" : restUrl()) + ", " + workDirectory + "]";
    }

    // ---------------------------------------------------------------------------------------------------------

    private Path launcherDirectory() {
        return workDirectory.resolve("launcher");
    }

    private Path tmpDirectory() {
        return workDirectory.resolve("tmp");
    }

    private Path pluginsDirectory() {
        return workDirectory.resolve("plugins");
    }

    private Path log4jConfigFile() {
        return configDirectory().resolve("log4j.properties");
    }

    private void prepareWorkDirectory() {
        try {
            Files.createDirectories(configDirectory());
            Files.createDirectories(jobManagerLog().getParent());
            Files.createDirectories(tmpDirectory());
            Files.createDirectories(pluginsDirectory());
            ChildFiles.copyResource(StandaloneFlinkCluster.class, "flink-log4j2.properties", log4jConfigFile());
        } catch (IOException e) {
            throw new FlinkClusterException("could not prepare the work directory " + workDirectory, e);
        }
    }

    private static String flinkClasspath() {
        List<Path> entries;
        try {
            entries = FLINK_CLASSPATH.entries();
        } catch (IOException e) {
            throw new FlinkClusterException(e.getMessage(), e);
        }
        if (entries.stream().noneMatch(p -> p.getFileName().toString().startsWith("flink-runtime-"))) {
            throw new FlinkClusterException("the Flink cluster classpath holds no flink-runtime jar: " + entries);
        }
        return entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    private void pickPorts() {
        int rpc = freePort(0);
        int restP = freePort(rpc);
        rpcPort = rpc;
        restPort = restP;
    }

    private static int freePort(int avoid) {
        try {
            return LoopbackPorts.pickFree(FlinkConfig.HOST, avoid);
        } catch (IOException e) {
            throw new FlinkClusterException("could not find a free port on " + FlinkConfig.HOST, e);
        }
    }

    /** Asks Flink for both processes' memory flags, as its start scripts do; the two tools run in parallel. */
    private void computeMemoryFlags(String classpath, Instant deadline) {
        Path jmOut = jobManagerLog().resolveSibling("bash-java-utils-jobmanager.out");
        Path tmOut = jobManagerLog().resolveSibling("bash-java-utils-taskmanager.out");
        Process jm = launch(bashJavaUtils(classpath, "GET_JM_RESOURCE_PARAMS", jmOut));
        Process tm;
        try {
            tm = launch(bashJavaUtils(classpath, "GET_TM_RESOURCE_PARAMS", tmOut));
        } catch (RuntimeException e) {
            jm.destroyForcibly();
            throw e;
        }
        try {
            jobManagerMemory = memoryFlags(jm, jmOut, "GET_JM_RESOURCE_PARAMS", deadline);
            taskManagerMemory = memoryFlags(tm, tmOut, "GET_TM_RESOURCE_PARAMS", deadline);
        } finally {
            jm.destroyForcibly();
            tm.destroyForcibly();
        }
        LOG.debug("Flink memory flags: JobManager {}, TaskManager {}", jobManagerMemory, taskManagerMemory);
    }

    private ChildJvm.Builder bashJavaUtils(String classpath, String command, Path output) {
        return child(BASH_JAVA_UTILS, classpath, output, false)
                // A short command-line tool: small heap, no JIT tiers beyond C1.
                .jvmArgs(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                .jvmArg("-Dlog4j.configurationFile=" + log4jConfigFile().toAbsolutePath())
                .jvmArg("-Djava.io.tmpdir=" + tmpDirectory().toAbsolutePath())
                .args(List.of(command, "--configDir", configDirectory().toAbsolutePath().toString()));
    }

    private FlinkMemoryFlags memoryFlags(Process p, Path output, String command, Instant deadline) {
        if (!ChildProcesses.waitFor(p, Duration.between(Instant.now(), deadline))) {
            throw new FlinkClusterException("BashJavaUtils " + command + " did not finish within " + startupTimeout
                    + ". Its output:\n" + LogTail.lastLines(output, 0, LOG_TAIL_LINES));
        }
        String text;
        try {
            text = Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FlinkClusterException("could not read " + output, e);
        }
        if (p.exitValue() != 0) {
            throw new FlinkClusterException("BashJavaUtils " + command + " (the memory settings of config.yaml) "
                    + "failed with exit code " + p.exitValue() + ". Its output:\n"
                    + LogTail.lastLines(output, 0, LOG_TAIL_LINES));
        }
        try {
            return FlinkMemoryFlags.parse(text);
        } catch (IllegalArgumentException e) {
            throw new FlinkClusterException("BashJavaUtils " + command + ": " + e.getMessage() + ". Its output:\n"
                    + LogTail.lastLines(output, 0, LOG_TAIL_LINES), e);
        }
    }

    private void launchAndAwaitReady(String classpath, Instant deadline, long jmOffset, long tmOffset) {
        String marker = "=== " + Instant.now() + " flink-cluster: starting on " + FlinkConfig.HOST + " (rpc port "
                + rpcPort + ", rest port " + restPort + ") ===";
        ChildFiles.appendLine(jobManagerLog(), marker);
        ChildFiles.appendLine(taskManagerLog(), marker);
        jobManager = launch(clusterProcess(classpath, jobManagerMemory, jobManagerLog(), JOB_MANAGER_MAIN));
        // Started at once: the TaskManager retries its registration until the JobManager is up, and the two JVMs'
        // start-up overlaps.
        taskManager = launch(clusterProcess(classpath, taskManagerMemory, taskManagerLog(), TASK_MANAGER_MAIN));
        rest = new FlinkRestClient(URI.create(restUrl()));
        awaitSlots(deadline, jmOffset, tmOffset);
    }

    /** A JobManager or TaskManager JVM, under the parent watchdog (its class file alone goes before the classpath). */
    private ChildJvm.Builder clusterProcess(String classpath, FlinkMemoryFlags memory, Path logFile, String mainClass) {
        return child(mainClass, classpath, logFile, true)
                // The order of Flink's start scripts: memory flags, then env.java.opts; the caller's options last,
                // to win.
                .jvmArgs(memory.jvmArgs())
                .jvmArgs(FlinkConfig.jvmArgs(interceptUserExit))
                .jvmArgs(extraJvmArgs)
                .jvmArg("-Dlog.file=" + logFile.toAbsolutePath())
                .jvmArg("-Dlog4j.configurationFile=" + log4jConfigFile().toAbsolutePath())
                .jvmArg("-Djava.io.tmpdir=" + tmpDirectory().toAbsolutePath())
                .watchParent(launcherDirectory())
                .args(List.of("--configDir", configDirectory().toAbsolutePath().toString()))
                .args(memory.dynamicArgs());
    }

    /** A child JVM in the work directory with the environment Flink's bin/config.sh exports. */
    private ChildJvm.Builder child(String mainClass, String classpath, Path output, boolean append) {
        return ChildJvm.builder(javaExecutable, mainClass)
                .classpath(classpath)
                .workingDirectory(workDirectory)
                .output(output, append)
                // Flink looks for plugins in FLINK_PLUGINS_DIR (an empty folder here).
                .environment("FLINK_CONF_DIR", configDirectory().toAbsolutePath().toString())
                .environment("FLINK_PLUGINS_DIR", pluginsDirectory().toAbsolutePath().toString())
                .environment("FLINK_LOG_DIR", jobManagerLog().getParent().toAbsolutePath().toString());
    }

    private static Process launch(ChildJvm.Builder builder) {
        ChildJvm jvm = builder.build();
        LOG.debug("Launching {}", jvm.command());
        try {
            return jvm.start();
        } catch (IOException e) {
            throw new FlinkClusterException(e.getMessage(), e);
        }
    }

    private void awaitSlots(Instant deadline, long jmOffset, long tmOffset) {
        Process jm = jobManager;
        Process tm = taskManager;
        FlinkRestClient client = rest;
        String[] lastOverview = {"(none)"};
        StartupWait.Outcome outcome;
        try {
            // A cheap TCP probe comes first, so a closed port does not cost an HTTP client exception per poll.
            outcome = StartupWait.await(List.of(jm, tm), deadline, Duration.ofMillis(POLL_MILLIS), FlinkConfig.HOST,
                    restPort, () -> {
                        JsonNode overview = client.overview(Duration.ofSeconds(5));
                        lastOverview[0] = overview.toString();
                        return overview.path("taskmanagers").asInt() >= 1
                                && overview.path("slots-total").asInt() >= taskSlots;
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw startFailure("interrupted while waiting for the cluster", jmOffset, tmOffset, e);
        }
        if (outcome.status() == StartupWait.Status.EXITED) {
            throw startFailure((outcome.exited() == jm ? "the JobManager" : "the TaskManager") + " exited with code "
                    + outcome.exited().exitValue() + " before the cluster was ready", jmOffset, tmOffset,
                    outcome.lastError());
        }
        if (outcome.status() == StartupWait.Status.TIMED_OUT) {
            throw startFailure("the TaskManager's " + taskSlots + " slots did not show up within " + startupTimeout
                    + " (last /overview: " + lastOverview[0] + ")", jmOffset, tmOffset, outcome.lastError());
        }
    }

    private FlinkRestClient requireRunning() {
        FlinkRestClient client = rest;
        if (client == null || !isRunning()) {
            throw new IllegalStateException("the cluster is not running (" + this + ")");
        }
        return client;
    }

    private FlinkClusterException startFailure(String reason, long jmOffset, long tmOffset, Throwable cause) {
        return new FlinkClusterException("Flink cluster in " + workDirectory + ": " + reason + "."
                + "\nLast lines of " + jobManagerLog() + ":\n" + LogTail.lastLines(jobManagerLog(), jmOffset, LOG_TAIL_LINES)
                + "\nLast lines of " + taskManagerLog() + ":\n" + LogTail.lastLines(taskManagerLog(), tmOffset, LOG_TAIL_LINES),
                cause);
    }

    /** A failure of a running cluster: the current tails of both logs, and whether a process died. */
    private FlinkClusterException failure(String reason, Throwable cause) {
        StringBuilder text = new StringBuilder(reason);
        Process jm = jobManager;
        Process tm = taskManager;
        if (jm != null && !jm.isAlive()) {
            text.append(" (the JobManager process exited with code ").append(jm.exitValue()).append(')');
        }
        if (tm != null && !tm.isAlive()) {
            text.append(" (the TaskManager process exited with code ").append(tm.exitValue()).append(')');
        }
        return startFailure(text.toString(), 0, 0, cause);
    }

    private void stopProcesses(Duration grace) {
        // SIGTERM to both at once: each runs its own shutdown; waiting for one before the other only adds time.
        ChildProcesses.stop(Arrays.asList(taskManager, jobManager), grace, KILL_WAIT, PROCESS_WARNINGS);
        taskManager = null;
        jobManager = null;
        rest = null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkClusterException("interrupted", e);
        }
    }

    private static OptionalLong pid(Process p) {
        return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
    }

    private void registerShutdownHook() {
        if (shutdownHook == null) {
            // Reads the process fields at shutdown, without the monitor: a thread stuck in start() must not block
            // the JVM's exit.
            shutdownHook = ChildShutdownHook.register("cellwatch-flink-cluster-shutdown",
                    () -> Arrays.asList(taskManager, jobManager), SHUTDOWN_HOOK_STOP_TIMEOUT,
                    this::deleteTemporaryWorkDirectory);
        }
    }

    private void deleteTemporaryWorkDirectory() {
        if (deleteWorkDirectoryOnClose) {
            ChildFiles.deleteRecursively(workDirectory, LOG::warn);
        }
    }

    /** Configures a {@link StandaloneFlinkCluster}. Not thread-safe; build one cluster per builder. */
    public static final class Builder {

        private Path workDirectory;
        private int taskSlots = DEFAULT_TASK_SLOTS;
        private String jobManagerProcessSize = DEFAULT_JOB_MANAGER_PROCESS_SIZE;
        private String taskManagerProcessSize = DEFAULT_TASK_MANAGER_PROCESS_SIZE;
        private final Map<String, String> config = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private Path javaExecutable = ChildJvm.defaultJavaExecutable();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

        private Builder() {
        }

        /**
         * Keeps the cluster's files in this directory (created when missing; {@link #close()} deletes only its
         * {@code tmp/}). Without it the cluster uses a new temporary directory under {@code java.io.tmpdir},
         * deleted by {@link #close()}.
         *
         * @param directory the work directory
         * @return this builder
         */
        public Builder workDirectory(Path directory) {
            this.workDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets the TaskManager's number of task slots ({@code taskmanager.numberOfTaskSlots}).
         *
         * @param slots 1 or more; default 2
         * @return this builder
         */
        public Builder taskSlots(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException("task slots must be at least 1: " + slots);
            }
            this.taskSlots = slots;
            return this;
        }

        /**
         * Sets {@code jobmanager.memory.process.size}.
         *
         * @param size a Flink memory size, e.g. {@code 768m}
         * @return this builder
         */
        public Builder jobManagerProcessSize(String size) {
            this.jobManagerProcessSize = requireSize(size);
            return this;
        }

        /**
         * Sets {@code taskmanager.memory.process.size}.
         *
         * @param size a Flink memory size, e.g. {@code 1024m}
         * @return this builder
         */
        public Builder taskManagerProcessSize(String size) {
            this.taskManagerProcessSize = requireSize(size);
            return this;
        }

        /**
         * Adds or overrides one {@code config.yaml} entry, e.g. {@code restart-strategy.type}. Addresses, ports,
         * directories, slots, process sizes and {@code env.java.opts.all} are reserved: the class derives them.
         *
         * @param key   the Flink option key
         * @param value its value
         * @return this builder
         * @throws IllegalArgumentException for a reserved key
         */
        public Builder configuration(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (FlinkConfig.RESERVED_KEYS.contains(key)) {
                throw new IllegalArgumentException("Flink option '" + key
                        + "' is set by StandaloneFlinkCluster itself and cannot be overridden");
            }
            config.put(key, value);
            return this;
        }

        /**
         * Adds a JVM option for both processes, after Flink's memory flags and module flags, e.g.
         * {@code -XX:TieredStopAtLevel=1} for tests.
         *
         * @param arg the option
         * @return this builder
         */
        public Builder jvmArg(String arg) {
            jvmArgs.add(Objects.requireNonNull(arg, "arg"));
            return this;
        }

        /**
         * Sets the {@code java} executable of the child JVMs; default: {@code bin/java} of {@code java.home}.
         *
         * @param executable the java launcher
         * @return this builder
         */
        public Builder javaExecutable(Path executable) {
            this.javaExecutable = Objects.requireNonNull(executable, "executable");
            return this;
        }

        /**
         * Sets how long {@link StandaloneFlinkCluster#start()} waits for the slots before giving up.
         *
         * @param timeout a positive duration; default 120 s
         * @return this builder
         */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = StartupWait.requirePositive(timeout);
            return this;
        }

        /**
         * Creates the cluster without starting it (creating a temporary work directory if none was given).
         *
         * @return the cluster; call {@link StandaloneFlinkCluster#start()} next
         */
        public StandaloneFlinkCluster build() {
            try {
                if (workDirectory != null) {
                    return new StandaloneFlinkCluster(this, Files.createDirectories(workDirectory.toAbsolutePath()), false);
                }
                return new StandaloneFlinkCluster(this, Files.createTempDirectory("cellwatch-flink-").toAbsolutePath(), true);
            } catch (IOException e) {
                throw new FlinkClusterException("could not create the work directory", e);
            }
        }

        /**
         * Creates and starts the cluster; when starting fails, closes it (deleting a temporary work directory)
         * before rethrowing.
         *
         * @return the running cluster
         * @throws FlinkClusterException when the cluster does not start; the message holds both log tails
         */
        public StandaloneFlinkCluster start() {
            StandaloneFlinkCluster cluster = build();
            try {
                return cluster.start();
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }

        private static String requireSize(String size) {
            Objects.requireNonNull(size, "size");
            if (!size.trim().toLowerCase(Locale.ROOT).matches("\\d+\\s*(b|k|kb|m|mb|g|gb)?")) {
                throw new IllegalArgumentException("not a Flink memory size (e.g. 768m, 1g): " + size);
            }
            return size.trim();
        }
    }
}
