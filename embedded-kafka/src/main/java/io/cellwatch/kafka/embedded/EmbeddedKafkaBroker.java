package io.cellwatch.kafka.embedded;

import io.cellwatch.process.BuildTimeClasspath;
import io.cellwatch.process.ChildFiles;
import io.cellwatch.process.ChildJvm;
import io.cellwatch.process.ChildProcesses;
import io.cellwatch.process.ChildShutdownHook;
import io.cellwatch.process.LogTail;
import io.cellwatch.process.LoopbackPorts;
import io.cellwatch.process.StartupWait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) running in a child JVM.
 *
 * <p>The child runs only Kafka's public entry points ({@code kafka.tools.StorageTool format}, then
 * {@code kafka.Kafka}) from the jars listed in a classpath file written at build time, so the broker is
 * isolated from the caller's classpath and can be killed like a real one. Everything the broker writes lives
 * in one data directory: {@code server.properties}, the log4j2 configuration, the Kafka log directory
 * {@code kafka-logs} and the broker's console output {@code broker.log}.
 *
 * <p>Typical use in a test:
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
 *     broker.createTopics(new NewTopic("samples", 3, (short) 1));
 *     // clients use broker.bootstrapServers()
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops the child and deletes a temporary data directory. A JVM shutdown hook stops the
 * child when the caller exits without closing, and the child stops itself when the calling JVM is killed.
 * The methods that change the process state are synchronized; {@link #bootstrapServers()} may be called from
 * any thread once the broker has started.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** How long {@link #start()} waits for the broker to answer, unless configured otherwise. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    /** Warnings about the broker's processes; the messages start with "process <pid>". */
    private static final Consumer<String> PROCESS_WARNINGS = message -> LOG.warn("Kafka broker {}", message);

    /**
     * The broker child JVM's classpath, written by this module's pom: {@code broker.classpath} (compile + provided
     * scope: kafka_2.13 with its dependencies and the log4j2 slf4j binding), then {@code broker-runtime.classpath}
     * (compile + runtime scope: adds the compression libraries kafka-clients declares as runtime).
     */
    static final BuildTimeClasspath BROKER_CLASSPATH = BuildTimeClasspath.of(EmbeddedKafkaBroker.class,
            "the Kafka broker classpath", "embedded-kafka", "broker.classpath", "broker-runtime.classpath");

    /** The storage formatter is a short command-line tool. */
    private static final List<String> FORMATTER_JVM_ARGS = List.of("-Xmx256m", "-XX:+UseSerialGC");

    /** SIGTERM starts Kafka's controlled shutdown; a single node normally finishes it in a few seconds. */
    private static final Duration GRACEFUL_STOP_TIMEOUT = Duration.ofSeconds(10);
    /** Shorter in the shutdown hook: the JVM is exiting and should not hang on us. */
    private static final Duration SHUTDOWN_HOOK_STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** Attempts with freshly picked ports when another process took a picked port before the broker bound it. */
    private static final int PORT_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 60;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final Path dataDirectory;
    private final boolean deleteDataDirectoryOnClose;
    private final Path javaExecutable;
    private final Duration startupTimeout;
    private final Map<String, String> extraBrokerProperties;
    private final List<String> extraJvmArgs;
    private final boolean pickPort;
    private final boolean pickControllerPort;
    /** Only used when the data directory has never been formatted; Kafka keeps the id in meta.properties. */
    private final String clusterId = Uuid.randomUuid().toString();

    // Written under the monitor; volatile so that bootstrapServers() and the shutdown hook can read them
    // without the monitor (the hook must never block on a thread that is stuck in start()).
    private volatile int port;
    private volatile int controllerPort;
    private volatile Process process;

    private boolean portsFixed;
    private boolean closed;
    private ChildShutdownHook shutdownHook;

    private EmbeddedKafkaBroker(Builder builder, Path dataDirectory, boolean temporary) {
        this.dataDirectory = dataDirectory;
        this.deleteDataDirectoryOnClose = temporary;
        this.javaExecutable = builder.javaExecutable;
        this.startupTimeout = builder.startupTimeout;
        this.extraBrokerProperties = Map.copyOf(builder.brokerProperties);
        this.extraJvmArgs = List.copyOf(builder.jvmArgs);
        this.port = builder.port;
        this.controllerPort = builder.controllerPort;
        this.pickPort = builder.port == 0;
        this.pickControllerPort = builder.controllerPort == 0;
    }

    /**
     * Returns a builder with the defaults: a temporary data directory, free ports, a 60 s startup timeout
     * and the {@code java} of the running JVM.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker and waits until it answers an AdminClient {@code describeCluster}. Formats the storage
     * first when the data directory has never been formatted. Calling it again after {@link #stop()} or
     * {@link #kill()} starts the broker again on the same ports with the same data.
     *
     * @return this broker
     * @throws EmbeddedKafkaException when the broker exits or does not answer within the startup timeout; the
     *                                message ends with the last lines of {@link #logFile()}
     * @throws IllegalStateException  when the broker is running already or was closed
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (closed) {
            throw new IllegalStateException("the broker was closed");
        }
        if (isRunning()) {
            throw new IllegalStateException("the broker is running already at " + bootstrapServers());
        }
        long began = System.nanoTime();
        prepareDataDirectory();
        registerShutdownHook();
        for (int attempt = 1; ; attempt++) {
            if (!portsFixed) {
                pickPorts();
            }
            long logOffset = LogTail.endOffset(logFile());
            try {
                launchAndAwaitReady(Instant.now().plus(startupTimeout), logOffset);
                break;
            } catch (EmbeddedKafkaException e) {
                // Picked ports are free when picked but may be taken before the broker binds them (other builds
                // share this machine). Only then, and only before clients could have seen the ports, retry.
                boolean canRepick = !portsFixed && (pickPort || pickControllerPort) && attempt < PORT_ATTEMPTS;
                if (canRepick && LogTail.contains(logFile(), logOffset, "Address already in use")) {
                    LOG.warn("Kafka broker could not bind port {} or {}; retrying with other ports",
                            port, controllerPort);
                    continue;
                }
                throw e;
            }
        }
        // From now on the ports stay: clients and restart() rely on bootstrapServers() not changing.
        portsFixed = true;
        LOG.info("Kafka broker ready at {} after {} ms (data {}, log {})", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), dataDirectory, logFile());
        return this;
    }

    /**
     * Stops the broker gracefully (SIGTERM, so Kafka runs its controlled shutdown), waits up to 10 s, then
     * kills it. Keeps the data directory and the ports; {@link #start()} brings the broker back. Does nothing
     * when the broker is not running.
     */
    public synchronized void stop() {
        stopProcess(GRACEFUL_STOP_TIMEOUT);
    }

    /**
     * Kills the broker at once (SIGKILL on Unix), as a crash would: no controlled shutdown, no flush. For
     * fault-injection tests; {@link #start()} or {@link #restart()} brings it back with the same data. Does
     * nothing when the broker is not running.
     *
     * <p>As after a real crash, the next start takes about 9 s longer than usual: the controller refuses the
     * new registration of node 1 until the old broker session expires ({@code broker.session.timeout.ms},
     * default 9 s; lowering it via {@link Builder#brokerProperty} trades that for spurious fencing on a busy
     * machine).
     */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        ChildProcesses.kill(p, KILL_WAIT, PROCESS_WARNINGS);
        process = null;
    }

    /**
     * Stops the broker gracefully when it runs, then starts it again with the same data directory and ports.
     *
     * @return this broker
     * @throws EmbeddedKafkaException when the broker does not come back; see {@link #start()}
     */
    public synchronized EmbeddedKafkaBroker restart() {
        stop();
        return start();
    }

    /**
     * Stops the broker like {@link #stop()}, removes the shutdown hook and deletes the data directory when it
     * was a temporary one. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcess(GRACEFUL_STOP_TIMEOUT);
        if (shutdownHook != null) {
            shutdownHook.remove();
            shutdownHook = null;
        }
        deleteTemporaryDataDirectory();
    }

    /**
     * Returns the address clients use.
     *
     * @return {@code 127.0.0.1:<port>}
     * @throws IllegalStateException when the broker was never started and its port is still to be picked
     */
    public String bootstrapServers() {
        int p = port;
        if (p == 0) {
            throw new IllegalStateException("the broker has not been started yet");
        }
        return BrokerConfig.HOST + ":" + p;
    }

    /**
     * Returns the PLAINTEXT port clients connect to.
     *
     * @return the port, or 0 when it is still to be picked by the first {@link #start()}
     */
    public int port() {
        return port;
    }

    /**
     * Returns the KRaft controller port.
     *
     * @return the port, or 0 when it is still to be picked by the first {@link #start()}
     */
    public int controllerPort() {
        return controllerPort;
    }

    /**
     * Returns the directory holding the broker's configuration, data and log.
     *
     * @return the data directory
     */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * Returns the file that receives the broker's output (INFO and above) across all of its starts.
     *
     * @return {@code <data directory>/broker.log}
     */
    public Path logFile() {
        return dataDirectory.resolve("broker.log");
    }

    /**
     * Returns whether the broker process is alive (it may not be ready yet during {@link #start()}).
     *
     * @return true while the child JVM runs
     */
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * Returns the operating-system id of the broker process, e.g. to pause it with SIGSTOP in a test.
     *
     * @return the pid, or empty when the broker is not running
     */
    public OptionalLong pid() {
        Process p = process;
        return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
    }

    /**
     * Creates topics and waits until producing to them is safe; see
     * {@link KafkaTopics#createTopics(String, Collection)}.
     *
     * @param topics the topics; existing ones are left as they are
     */
    public void createTopics(NewTopic... topics) {
        KafkaTopics.createTopics(bootstrapServers(), List.of(topics));
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + (port == 0 ? "not started" : BrokerConfig.HOST + ":" + port)
                + ", " + dataDirectory + "]";
    }

    // ---------------------------------------------------------------------------------------------------------

    private Path logDirectory() {
        return dataDirectory.resolve("kafka-logs");
    }

    private Path serverPropertiesFile() {
        return dataDirectory.resolve("server.properties");
    }

    private Path log4jConfigFile() {
        return dataDirectory.resolve("broker-log4j2.properties");
    }

    private Path launcherDirectory() {
        return dataDirectory.resolve("launcher");
    }

    private Path childTempDirectory() {
        return dataDirectory.resolve("tmp");
    }

    private void prepareDataDirectory() {
        try {
            Files.createDirectories(logDirectory());
            // The compression libraries extract native code into java.io.tmpdir; keep that inside the data
            // directory so a killed broker leaves nothing behind elsewhere.
            Files.createDirectories(childTempDirectory());
            // Copied out of the jar because log4j2 reads a file, and the resource may sit inside a jar.
            ChildFiles.copyResource(EmbeddedKafkaBroker.class, "broker-log4j2.properties", log4jConfigFile());
        } catch (IOException e) {
            throw new EmbeddedKafkaException("could not prepare the data directory " + dataDirectory, e);
        }
    }

    private void pickPorts() {
        int newPort = pickPort ? freePort(0) : port;
        int newControllerPort = pickControllerPort ? freePort(newPort) : controllerPort;
        port = newPort;
        controllerPort = newControllerPort;
    }

    /** Asks the OS for a free loopback port, different from {@code avoid}. */
    private static int freePort(int avoid) {
        try {
            return LoopbackPorts.pickFree(BrokerConfig.HOST, avoid);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("could not find a free port on " + BrokerConfig.HOST, e);
        }
    }

    private void launchAndAwaitReady(Instant deadline, long logOffset) {
        BrokerConfig.write(serverPropertiesFile(),
                BrokerConfig.serverProperties(logDirectory(), port, controllerPort, extraBrokerProperties));
        ChildFiles.appendLine(logFile(), "=== " + Instant.now() + " embedded-kafka: starting broker on "
                + BrokerConfig.HOST + ":" + port + " (controller port " + controllerPort + ") ===");
        String classpath = brokerClasspath();
        if (!Files.exists(logDirectory().resolve("meta.properties"))) {
            format(classpath, deadline, logOffset);
        }
        // Under the parent watchdog: only its class file, copied into launcher/, goes in front of the broker
        // classpath, never the caller's whole jar (which may be a shaded jar with other versions of the broker's
        // dependencies).
        Process p = launch(child("kafka.Kafka", classpath)
                .jvmArgs(BrokerJvmArgs.merge(extraJvmArgs)) // a caller's heap size or collector replaces ours
                .jvmArgs(commonSystemProperties())
                .watchParent(launcherDirectory())
                .arg(serverPropertiesFile().toString()));
        process = p;
        try {
            awaitReady(p, deadline, logOffset);
        } catch (RuntimeException e) {
            // Never leave a half-started broker behind: the caller gets an exception, not a handle to stop it.
            ChildProcesses.kill(p, KILL_WAIT, PROCESS_WARNINGS);
            process = null;
            throw e;
        }
    }

    private static String brokerClasspath() {
        try {
            return BROKER_CLASSPATH.asString();
        } catch (IOException e) {
            throw new EmbeddedKafkaException(e.getMessage(), e);
        }
    }

    private List<String> commonSystemProperties() {
        return List.of(
                "-Dlog4j2.configurationFile=" + log4jConfigFile().toAbsolutePath(),
                "-Djava.io.tmpdir=" + childTempDirectory().toAbsolutePath());
    }

    /** Runs {@code StorageTool format} in its own JVM, because it ends with System.exit. */
    private void format(String classpath, Instant deadline, long logOffset) {
        Process formatter = launch(child("kafka.tools.StorageTool", classpath)
                .jvmArgs(FORMATTER_JVM_ARGS)
                .jvmArgs(commonSystemProperties())
                .args(List.of("format", "-t", clusterId, "-c", serverPropertiesFile().toString(),
                        "--ignore-formatted")));
        if (!ChildProcesses.waitFor(formatter, Duration.between(Instant.now(), deadline))) {
            ChildProcesses.kill(formatter, KILL_WAIT, PROCESS_WARNINGS);
            throw failure("formatting the storage did not finish within " + startupTimeout, logOffset, null);
        }
        if (formatter.exitValue() != 0) {
            throw failure("formatting the storage failed with exit code " + formatter.exitValue(), logOffset, null);
        }
    }

    /** A child JVM in the data directory whose output goes to {@link #logFile()}. */
    private ChildJvm.Builder child(String mainClass, String classpath) {
        return ChildJvm.builder(javaExecutable, mainClass)
                .classpath(classpath)
                .workingDirectory(dataDirectory)
                .output(logFile(), true);
    }

    private static Process launch(ChildJvm.Builder builder) {
        ChildJvm jvm = builder.build();
        LOG.debug("Launching {}", jvm.command());
        try {
            return jvm.start();
        } catch (IOException e) {
            throw new EmbeddedKafkaException(e.getMessage(), e);
        }
    }

    private void awaitReady(Process p, Instant deadline, long logOffset) {
        List<Admin> admin = new ArrayList<>(1); // created on the first probe, closed at the end
        try {
            // A TCP probe comes first: an AdminClient polling a closed port logs a warning every attempt.
            StartupWait.Outcome outcome = StartupWait.await(List.of(p), deadline, POLL_INTERVAL, BrokerConfig.HOST,
                    port, () -> {
                        if (admin.isEmpty()) {
                            admin.add(Admin.create(readinessAdminConfig()));
                        }
                        return !admin.get(0).describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                                .nodes().get(3, TimeUnit.SECONDS).isEmpty();
                    });
            switch (outcome.status()) {
                case READY:
                    return;
                case EXITED:
                    throw failure("the broker process exited with code " + p.exitValue()
                            + " before it became ready", logOffset, outcome.lastError());
                default:
                    throw failure("the broker did not answer within " + startupTimeout, logOffset,
                            outcome.lastError());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for the broker", logOffset, e);
        } finally {
            admin.forEach(a -> a.close(Duration.ofSeconds(2)));
        }
    }

    private Map<String, Object> readinessAdminConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BrokerConfig.HOST + ":" + port);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "cellwatch-embedded-kafka-readiness");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        config.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200);
        return config;
    }

    private EmbeddedKafkaException failure(String reason, long logOffset, Throwable cause) {
        String message = "Kafka broker in " + dataDirectory + ": " + reason + ". Last lines of " + logFile() + ":\n"
                + LogTail.lastLines(logFile(), logOffset, LOG_TAIL_LINES);
        return new EmbeddedKafkaException(message, cause);
    }

    private void stopProcess(Duration grace) {
        Process p = process;
        if (p == null) {
            return;
        }
        ChildProcesses.stop(List.of(p), grace, KILL_WAIT, PROCESS_WARNINGS);
        process = null;
    }

    private void registerShutdownHook() {
        if (shutdownHook == null) {
            // Reads the process field at shutdown, without the monitor: a thread stuck in start() must not block
            // the JVM's exit.
            shutdownHook = ChildShutdownHook.register("cellwatch-embedded-kafka-shutdown",
                    () -> Collections.singletonList(process), SHUTDOWN_HOOK_STOP_TIMEOUT,
                    this::deleteTemporaryDataDirectory);
        }
    }

    private void deleteTemporaryDataDirectory() {
        if (deleteDataDirectoryOnClose) {
            ChildFiles.deleteRecursively(dataDirectory, LOG::warn);
        }
    }

    /**
     * Configures an {@link EmbeddedKafkaBroker}. Not thread-safe; build one broker per builder.
     */
    public static final class Builder {

        private Path dataDirectory;
        private int port;
        private int controllerPort;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private Path javaExecutable = ChildJvm.defaultJavaExecutable();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

        private Builder() {
        }

        /**
         * Keeps the broker's files in this directory (created when missing, never deleted). Without it the
         * broker uses a new temporary directory under {@code java.io.tmpdir}, deleted by {@link #close()}.
         * A directory that already holds a formatted broker is reused with its data.
         *
         * @param directory the data directory
         * @return this builder
         */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets the PLAINTEXT port on 127.0.0.1.
         *
         * @param port the port, or 0 (the default) to pick a free one at the first start
         * @return this builder
         */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /**
         * Sets the KRaft CONTROLLER port on 127.0.0.1.
         *
         * @param port the port, or 0 (the default) to pick a free one at the first start
         * @return this builder
         */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /**
         * Adds or overrides one broker property, e.g. {@code log.retention.ms}. The listener, quorum, node and
         * log-directory keys are reserved because the broker derives them from its ports and data directory.
         *
         * @param key   the Kafka broker config name
         * @param value its value
         * @return this builder
         * @throws IllegalArgumentException for a reserved key
         */
        public Builder brokerProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (BrokerConfig.RESERVED_KEYS.contains(key)) {
                throw new IllegalArgumentException("broker property '" + key
                        + "' is set by EmbeddedKafkaBroker itself and cannot be overridden");
            }
            brokerProperties.put(key, value);
            return this;
        }

        /**
         * Adds or overrides broker properties; see {@link #brokerProperty(String, String)}.
         *
         * @param properties the properties
         * @return this builder
         */
        public Builder brokerProperties(Map<String, String> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /**
         * Adds an option for the broker JVM, after the defaults ({@code -Xms512m -Xmx512m -XX:+AlwaysPreTouch
         * -XX:+UseZGC ...}), so it can override them, e.g. {@code -Xmx1g} (then also the initial heap) or
         * {@code -XX:+UseG1GC} (then instead of ZGC) for a benchmark.
         *
         * @param arg the JVM option
         * @return this builder
         */
        public Builder jvmArg(String arg) {
            jvmArgs.add(Objects.requireNonNull(arg, "arg"));
            return this;
        }

        /**
         * Sets the {@code java} executable for the child JVMs; default: {@code bin/java} of {@code java.home}.
         *
         * @param executable the java launcher
         * @return this builder
         */
        public Builder javaExecutable(Path executable) {
            this.javaExecutable = Objects.requireNonNull(executable, "executable");
            return this;
        }

        /**
         * Sets how long {@link EmbeddedKafkaBroker#start()} waits (formatting included) before giving up.
         *
         * @param timeout a positive duration; default 60 s
         * @return this builder
         */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = StartupWait.requirePositive(timeout);
            return this;
        }

        /**
         * Creates the broker without starting it (creating the temporary data directory if none was given).
         *
         * @return the broker; call {@link EmbeddedKafkaBroker#start()} next
         */
        public EmbeddedKafkaBroker build() {
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("port and controller port must differ: " + port);
            }
            try {
                if (dataDirectory != null) {
                    return new EmbeddedKafkaBroker(this, Files.createDirectories(dataDirectory.toAbsolutePath()), false);
                }
                return new EmbeddedKafkaBroker(this, Files.createTempDirectory("cellwatch-kafka-").toAbsolutePath(), true);
            } catch (IOException e) {
                throw new EmbeddedKafkaException("could not create the data directory", e);
            }
        }

        /**
         * Creates and starts the broker; when starting fails, closes it (deleting a temporary data directory)
         * before rethrowing.
         *
         * @return the running broker
         * @throws EmbeddedKafkaException when the broker does not start; the message holds the log tail
         */
        public EmbeddedKafkaBroker start() {
            EmbeddedKafkaBroker broker = build();
            try {
                return broker.start();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        }
    }
}
