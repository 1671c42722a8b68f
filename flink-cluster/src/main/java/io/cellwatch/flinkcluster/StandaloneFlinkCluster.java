package io.cellwatch.flinkcluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.cellwatch.flinkcluster.child.FlinkChildMain;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
    static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneFlinkCluster.class);

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
    private Thread shutdownHook;

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
        String classpath = FlinkClasspath.asString();
        for (int attempt = 1; ; attempt++) {
            pickPorts();
            FlinkConfig.write(configDirectory().resolve("config.yaml"), FlinkConfig.config(workDirectory, rpcPort,
                    restPort, taskSlots, jobManagerProcessSize, taskManagerProcessSize, interceptUserExit, extraConfig));
            if (jobManagerMemory == null) {
                computeMemoryFlags(classpath, deadline);
            }
            long jobManagerLogOffset = size(jobManagerLog());
            long taskManagerLogOffset = size(taskManagerLog());
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
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting and the hook runs anyway.
            }
            shutdownHook = null;
        }
        deleteRecursively(deleteWorkDirectoryOnClose ? workDirectory : workDirectory.resolve("tmp"));
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

    private Path log4jConfigFile() {
        return configDirectory().resolve("log4j.properties");
    }

    private void prepareWorkDirectory() {
        try {
            Files.createDirectories(configDirectory());
            Files.createDirectories(jobManagerLog().getParent());
            Files.createDirectories(tmpDirectory());
            Files.createDirectories(workDirectory.resolve("plugins"));
            copyResource(StandaloneFlinkCluster.class, "flink-log4j2.properties", log4jConfigFile());
            // Only this one class goes in front of the Flink classpath, never the caller's jar or classpath.
            String childClass = FlinkChildMain.class.getName().replace('.', '/') + ".class";
            copyResource(FlinkChildMain.class, FlinkChildMain.class.getSimpleName() + ".class",
                    launcherDirectory().resolve(childClass));
        } catch (IOException e) {
            throw new FlinkClusterException("could not prepare the work directory " + workDirectory, e);
        }
    }

    private static void copyResource(Class<?> anchor, String name, Path target) throws IOException {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " not found next to " + anchor.getName());
            }
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
        }
    }

    private void pickPorts() {
        int rpc = freePort(0);
        int restP = freePort(rpc);
        rpcPort = rpc;
        restPort = restP;
    }

    private static int freePort(int avoid) {
        for (int i = 0; i < 10; i++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(FlinkConfig.HOST, 0));
                int p = socket.getLocalPort();
                if (p != avoid) {
                    return p;
                }
            } catch (IOException e) {
                throw new FlinkClusterException("could not find a free port on " + FlinkConfig.HOST, e);
            }
        }
        throw new FlinkClusterException("could not find a second free port on " + FlinkConfig.HOST);
    }

    /** Asks Flink for both processes' memory flags, as its start scripts do; the two tools run in parallel. */
    private void computeMemoryFlags(String classpath, Instant deadline) {
        Path jmOut = jobManagerLog().resolveSibling("bash-java-utils-jobmanager.out");
        Path tmOut = jobManagerLog().resolveSibling("bash-java-utils-taskmanager.out");
        Process jm = launch(bashJavaUtilsCommand(classpath, "GET_JM_RESOURCE_PARAMS"), jmOut, false);
        Process tm;
        try {
            tm = launch(bashJavaUtilsCommand(classpath, "GET_TM_RESOURCE_PARAMS"), tmOut, false);
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

    private List<String> bashJavaUtilsCommand(String classpath, String command) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable.toString());
        // A short command-line tool: small heap, no JIT tiers beyond C1.
        cmd.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        cmd.add("-Dlog4j.configurationFile=" + log4jConfigFile().toAbsolutePath());
        cmd.add("-Djava.io.tmpdir=" + tmpDirectory().toAbsolutePath());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(BASH_JAVA_UTILS);
        cmd.add(command);
        cmd.add("--configDir");
        cmd.add(configDirectory().toAbsolutePath().toString());
        return cmd;
    }

    private FlinkMemoryFlags memoryFlags(Process p, Path output, String command, Instant deadline) {
        if (!waitFor(p, Duration.between(Instant.now(), deadline))) {
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
        appendLine(jobManagerLog(), marker);
        appendLine(taskManagerLog(), marker);
        jobManager = launch(processCommand(classpath, jobManagerMemory, jobManagerLog(), JOB_MANAGER_MAIN),
                jobManagerLog(), true);
        // Started at once: the TaskManager retries its registration until the JobManager is up, and the two JVMs'
        // start-up overlaps.
        taskManager = launch(processCommand(classpath, taskManagerMemory, taskManagerLog(), TASK_MANAGER_MAIN),
                taskManagerLog(), true);
        rest = new FlinkRestClient(URI.create(restUrl()));
        awaitSlots(deadline, jmOffset, tmOffset);
    }

    private List<String> processCommand(String classpath, FlinkMemoryFlags memory, Path logFile, String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable.toString());
        // The order of Flink's start scripts: memory flags, then env.java.opts; the caller's options last to win.
        cmd.addAll(memory.jvmArgs());
        cmd.addAll(FlinkConfig.jvmArgs(interceptUserExit));
        cmd.addAll(extraJvmArgs);
        cmd.add("-Dlog.file=" + logFile.toAbsolutePath());
        cmd.add("-Dlog4j.configurationFile=" + log4jConfigFile().toAbsolutePath());
        cmd.add("-Djava.io.tmpdir=" + tmpDirectory().toAbsolutePath());
        cmd.add("-D" + FlinkChildMain.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
        cmd.add("-cp");
        cmd.add(launcherDirectory().toAbsolutePath() + File.pathSeparator + classpath);
        cmd.add(FlinkChildMain.class.getName());
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(configDirectory().toAbsolutePath().toString());
        cmd.addAll(memory.dynamicArgs());
        return cmd;
    }

    private Process launch(List<String> command, Path output, boolean append) {
        LOG.debug("Launching {}", command);
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(append ? ProcessBuilder.Redirect.appendTo(output.toFile())
                            : ProcessBuilder.Redirect.to(output.toFile()));
            Map<String, String> env = builder.environment();
            // What bin/config.sh exports; Flink looks for plugins in FLINK_PLUGINS_DIR (an empty folder here).
            env.put("FLINK_CONF_DIR", configDirectory().toAbsolutePath().toString());
            env.put("FLINK_PLUGINS_DIR", workDirectory.resolve("plugins").toAbsolutePath().toString());
            env.put("FLINK_LOG_DIR", jobManagerLog().getParent().toAbsolutePath().toString());
            Process p = builder.start();
            p.getOutputStream().close();
            return p;
        } catch (IOException e) {
            throw new FlinkClusterException("could not launch " + command.get(0) + " for "
                    + command.get(command.size() - 1), e);
        }
    }

    private void awaitSlots(Instant deadline, long jmOffset, long tmOffset) {
        Exception lastError = null;
        String lastOverview = "(none)";
        while (true) {
            Process jm = jobManager;
            Process tm = taskManager;
            if (!jm.isAlive()) {
                throw startFailure("the JobManager exited with code " + jm.exitValue() + " before the cluster was ready",
                        jmOffset, tmOffset, lastError);
            }
            if (!tm.isAlive()) {
                throw startFailure("the TaskManager exited with code " + tm.exitValue()
                        + " before the cluster was ready", jmOffset, tmOffset, lastError);
            }
            if (Instant.now().isAfter(deadline)) {
                throw startFailure("the TaskManager's " + taskSlots + " slots did not show up within " + startupTimeout
                        + " (last /overview: " + lastOverview + ")", jmOffset, tmOffset, lastError);
            }
            // A cheap TCP probe first, so a closed port does not cost an HTTP client exception per poll.
            if (acceptsConnections(restPort)) {
                try {
                    JsonNode overview = rest.overview(Duration.ofSeconds(5));
                    lastOverview = overview.toString();
                    if (overview.path("taskmanagers").asInt() >= 1 && overview.path("slots-total").asInt() >= taskSlots) {
                        return;
                    }
                } catch (IOException | RuntimeException e) {
                    lastError = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw startFailure("interrupted while waiting for the cluster", jmOffset, tmOffset, e);
                }
            }
            sleep(POLL_MILLIS);
        }
    }

    private static boolean acceptsConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(FlinkConfig.HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
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
        Process tm = taskManager;
        Process jm = jobManager;
        // SIGTERM to both at once: each runs its own shutdown; waiting for one before the other only adds time.
        for (Process p : new Process[] {tm, jm}) {
            if (p != null && p.isAlive()) {
                if (grace.isZero()) {
                    p.destroyForcibly();
                } else {
                    p.destroy();
                }
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Process p : new Process[] {tm, jm}) {
            if (p == null) {
                continue;
            }
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!waitFor(p, left)) {
                if (!grace.isZero()) {
                    LOG.warn("Flink process {} did not stop within {}; killing it", p.pid(), grace);
                }
                p.destroyForcibly();
                if (!waitFor(p, KILL_WAIT)) {
                    LOG.warn("Flink process {} still alive {} after SIGKILL", p.pid(), KILL_WAIT);
                }
            }
        }
        taskManager = null;
        jobManager = null;
        rest = null;
    }

    /** Waits for a process; when interrupted, kills it (the caller is giving up) and keeps the interrupt flag. */
    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return false;
        }
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

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void appendLine(Path file, String line) {
        try {
            Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private void registerShutdownHook() {
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::onJvmShutdown, "cellwatch-flink-cluster-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** Runs in the shutdown hook, without the monitor: a thread stuck in start() must not block JVM exit. */
    private void onJvmShutdown() {
        Process[] processes = {taskManager, jobManager};
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + SHUTDOWN_HOOK_STOP_TIMEOUT.toNanos();
        for (Process p : processes) {
            if (p == null) {
                continue;
            }
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        if (deleteWorkDirectoryOnClose) {
            deleteRecursively(workDirectory);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warn("Could not delete {}: {}", path, e.toString());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {}: {}", directory, e.toString());
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
        private Path javaExecutable = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "java.exe" : "java");
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
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startup timeout must be positive: " + timeout);
            }
            this.startupTimeout = timeout;
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
