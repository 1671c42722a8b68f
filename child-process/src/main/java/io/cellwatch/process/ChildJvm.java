package io.cellwatch.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The command line and surroundings of one child JVM: the {@code java} executable, JVM options, the classpath, the
 * main class and its arguments, the working directory, extra environment variables and the file that receives the
 * child's stdout and stderr. {@link #start()} launches it; stopping it is up to the caller, who holds the returned
 * {@link Process} (see {@link ChildProcesses}).
 *
 * <p>With {@link Builder#watchParent(Path)} the child runs through {@link ChildMain}, which stops the child when
 * this JVM dies without a chance to stop it. Only the {@code ChildMain} class file is copied into the given
 * launcher directory and put in front of the classpath, never this JVM's own (possibly shaded) jar.
 */
public final class ChildJvm {

    private final List<String> command;
    private final String mainClass;
    private final Path workingDirectory;
    private final Path output;
    private final boolean appendOutput;
    private final Map<String, String> environment;
    private final Path launcherDirectory;

    private ChildJvm(Builder builder) {
        List<String> cmd = new ArrayList<>();
        cmd.add(builder.javaExecutable.toString());
        cmd.addAll(builder.jvmArgs);
        String classpath = builder.classpath;
        if (builder.launcherDirectory != null) {
            cmd.add("-D" + ChildMain.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
            String launcher = builder.launcherDirectory.toAbsolutePath().toString();
            classpath = classpath == null ? launcher : launcher + File.pathSeparator + classpath;
        }
        if (classpath != null) {
            cmd.add("-cp");
            cmd.add(classpath);
        }
        if (builder.launcherDirectory != null) {
            cmd.add(ChildMain.class.getName());
        }
        cmd.add(builder.mainClass);
        cmd.addAll(builder.args);
        this.command = List.copyOf(cmd);
        this.mainClass = builder.mainClass;
        this.workingDirectory = builder.workingDirectory;
        this.output = builder.output;
        this.appendOutput = builder.appendOutput;
        this.environment = Map.copyOf(builder.environment);
        this.launcherDirectory = builder.launcherDirectory;
    }

    /**
     * Returns the {@code java} launcher of the running JVM.
     *
     * @return {@code bin/java} (or {@code bin\java.exe}) under {@code java.home}
     */
    public static Path defaultJavaExecutable() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
    }

    /**
     * Starts describing a child JVM.
     *
     * @param javaExecutable the {@code java} launcher, e.g. {@link #defaultJavaExecutable()}
     * @param mainClass      the fully qualified main class of the child
     * @return a new builder
     */
    public static Builder builder(Path javaExecutable, String mainClass) {
        return new Builder(javaExecutable, mainClass);
    }

    /**
     * Returns the full command line, as {@link #start()} runs it.
     *
     * @return the command, starting with the {@code java} executable
     */
    public List<String> command() {
        return command;
    }

    /**
     * Returns the real main class (not {@link ChildMain}, which may run in front of it).
     *
     * @return the main class name
     */
    public String mainClass() {
        return mainClass;
    }

    /**
     * Launches the child: copies {@link ChildMain} into the launcher directory when the parent is watched, sends
     * stdout and stderr to the output file and closes the child's stdin.
     *
     * @return the running child; the caller owns it and must stop it
     * @throws IOException when the launcher directory cannot be prepared or the process cannot be started
     */
    public Process start() throws IOException {
        if (launcherDirectory != null) {
            try {
                installChildMain(launcherDirectory);
            } catch (IOException e) {
                throw new IOException("could not copy " + ChildMain.class.getSimpleName() + " into "
                        + launcherDirectory + " for " + mainClass + ": " + e, e);
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(appendOutput ? ProcessBuilder.Redirect.appendTo(output.toFile())
                        : ProcessBuilder.Redirect.to(output.toFile()));
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().putAll(environment);
        Process p;
        try {
            p = builder.start();
        } catch (IOException e) {
            throw new IOException("could not launch " + command.get(0) + " for " + mainClass + ": " + e.getMessage(),
                    e);
        }
        try {
            // The child never reads stdin; close our end so no pipe is left open.
            p.getOutputStream().close();
        } catch (IOException e) {
            p.destroyForcibly();
            throw new IOException("could not close the stdin of the child for " + mainClass, e);
        }
        return p;
    }

    @Override
    public String toString() {
        return "ChildJvm" + command;
    }

    /**
     * Copies the {@link ChildMain} class file into a directory (in its package folder), so that the directory can
     * go in front of a classpath. Leaves an identical copy alone and replaces a different one atomically, because
     * a child started a moment ago may be reading it.
     *
     * @param launcherDirectory the directory to copy into (created when missing)
     * @return the class file written or found
     * @throws IOException when the class file cannot be read or written
     */
    static Path installChildMain(Path launcherDirectory) throws IOException {
        String name = ChildMain.class.getSimpleName() + ".class";
        byte[] bytes;
        try (InputStream in = ChildMain.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("class file " + name + " not found next to " + ChildMain.class.getName());
            }
            bytes = in.readAllBytes();
        }
        Path target = launcherDirectory.resolve(ChildMain.class.getName().replace('.', '/') + ".class");
        if (Files.isRegularFile(target) && Arrays.equals(bytes, Files.readAllBytes(target))) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path temporary = Files.createTempFile(target.getParent(), name, ".tmp");
        try {
            Files.write(temporary, bytes);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        return target;
    }

    /** Configures a {@link ChildJvm}. Not thread-safe. */
    public static final class Builder {

        private final Path javaExecutable;
        private final String mainClass;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String classpath;
        private Path launcherDirectory;
        private Path workingDirectory;
        private Path output;
        private boolean appendOutput;

        private Builder(Path javaExecutable, String mainClass) {
            this.javaExecutable = Objects.requireNonNull(javaExecutable, "javaExecutable");
            this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
        }

        /**
         * Appends JVM options; later options win over earlier ones (e.g. a second {@code -Xmx}).
         *
         * @param options the options, e.g. {@code -Xmx512m}, {@code -Dkey=value}
         * @return this builder
         */
        public Builder jvmArgs(Collection<String> options) {
            options.forEach(this::jvmArg);
            return this;
        }

        /**
         * Appends one JVM option.
         *
         * @param option the option
         * @return this builder
         */
        public Builder jvmArg(String option) {
            jvmArgs.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        /**
         * Sets the classpath, e.g. {@link BuildTimeClasspath#asString()}.
         *
         * @param path the entries joined with the platform's path separator
         * @return this builder
         */
        public Builder classpath(String path) {
            this.classpath = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * Runs the main class through {@link ChildMain}, which stops the child when this JVM is gone; {@link #start()}
         * copies the {@code ChildMain} class file into this directory and puts the directory first on the classpath.
         *
         * @param directory a directory of the child's own, e.g. {@code <work directory>/launcher}
         * @return this builder
         */
        public Builder watchParent(Path directory) {
            this.launcherDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Appends arguments of the main class.
         *
         * @param arguments the arguments
         * @return this builder
         */
        public Builder args(Collection<String> arguments) {
            arguments.forEach(this::arg);
            return this;
        }

        /**
         * Appends one argument of the main class.
         *
         * @param argument the argument
         * @return this builder
         */
        public Builder arg(String argument) {
            args.add(Objects.requireNonNull(argument, "argument"));
            return this;
        }

        /**
         * Sets the child's working directory; default: this JVM's.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets the file that receives the child's stdout and stderr (required: a child whose output pipe nobody
         * reads blocks once the pipe is full).
         *
         * @param file   the log file
         * @param append true to append (a log across several runs), false to start the file afresh
         * @return this builder
         */
        public Builder output(Path file, boolean append) {
            this.output = Objects.requireNonNull(file, "file");
            this.appendOutput = append;
            return this;
        }

        /**
         * Sets an environment variable of the child, in addition to this JVM's environment.
         *
         * @param name  the variable
         * @param value its value
         * @return this builder
         */
        public Builder environment(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Creates the description; nothing is launched yet.
         *
         * @return the child JVM
         * @throws IllegalStateException when no output file was set
         */
        public ChildJvm build() {
            if (output == null) {
                throw new IllegalStateException("no output file for the child running " + mainClass);
            }
            return new ChildJvm(this);
        }
    }
}
