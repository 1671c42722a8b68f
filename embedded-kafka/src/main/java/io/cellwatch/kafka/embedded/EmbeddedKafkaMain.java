package io.cellwatch.kafka.embedded;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an {@link EmbeddedKafkaBroker} by hand until Ctrl-C.
 *
 * <pre>
 * java -cp "embedded-kafka/target/classes:child-process/target/classes:$(cat embedded-kafka/target/classes/io/cellwatch/kafka/embedded/broker.classpath)" \
 *     io.cellwatch.kafka.embedded.EmbeddedKafkaMain --data-dir /tmp/kafka --port 9092
 * </pre>
 *
 * <p>(The broker classpath file also holds kafka-clients, slf4j and log4j2; with child-process that is all this
 * class needs.)
 */
public final class EmbeddedKafkaMain {

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: EmbeddedKafkaMain [--data-dir DIR] [--port PORT]",
            "Runs a single-node KRaft Kafka broker (child JVM) on 127.0.0.1 until Ctrl-C.",
            "  --data-dir DIR  keep the broker's data, config and broker.log in DIR (created if missing, kept on exit);",
            "                  default: a temporary directory, deleted on exit",
            "  --port PORT     PLAINTEXT port for clients; default 0 = pick a free port",
            "  --help          print this help");

    private EmbeddedKafkaMain() {
    }

    /**
     * Starts the broker, prints its bootstrap address and waits until Ctrl-C or until the broker dies.
     * Exit codes: 0 after Ctrl-C, 1 when the broker fails or dies, 2 for bad arguments.
     *
     * @param args the command line; see {@code --help}
     */
    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(USAGE);
            return;
        }
        System.exit(run(options, System.out, System.err));
    }

    private static int run(Options options, PrintStream out, PrintStream err) {
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().port(options.port());
        if (options.dataDirectory() != null) {
            builder.dataDirectory(options.dataDirectory());
        }
        EmbeddedKafkaBroker broker;
        try {
            broker = builder.start();
        } catch (RuntimeException e) {
            err.println("Kafka broker did not start: " + e.getMessage());
            return 1;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        // Ctrl-C: close the broker (graceful stop, then delete a temporary data directory) before the JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            broker.close();
        }, "cellwatch-embedded-kafka-main-shutdown"));
        out.println("Kafka broker ready. bootstrap.servers=" + broker.bootstrapServers());
        out.println("Data directory: " + broker.dataDirectory());
        out.println("Broker log:     " + broker.logFile());
        out.println("Press Ctrl-C to stop.");
        out.flush();
        try {
            while (broker.isRunning() || stopping.get()) {
                Thread.sleep(500);
            }
            // Ctrl-C also reaches the child (same process group) and it may exit before our hook has started.
            Thread.sleep(1_000);
            if (stopping.get()) {
                return 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        err.println("Kafka broker stopped unexpectedly; see " + broker.logFile());
        return 1;
    }

    /** The parsed command line. */
    record Options(Path dataDirectory, int port, boolean help) {

        static Options parse(String[] args) {
            Path dataDirectory = null;
            int port = 0;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String name = arg;
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    name = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                }
                switch (name) {
                    case "--help":
                    case "-h":
                        return new Options(dataDirectory, port, true);
                    case "--data-dir":
                        if (value == null) {
                            value = next(args, ++i, name);
                        }
                        if (value.isBlank()) {
                            throw new IllegalArgumentException("--data-dir needs a directory");
                        }
                        dataDirectory = Path.of(value);
                        break;
                    case "--port":
                        if (value == null) {
                            value = next(args, ++i, name);
                        }
                        port = parsePort(value);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown argument: " + arg);
                }
            }
            return new Options(dataDirectory, port, false);
        }

        private static String next(String[] args, int index, String name) {
            if (index >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[index];
        }

        private static int parsePort(String value) {
            try {
                int port = Integer.parseInt(value.trim());
                if (port < 0 || port > 65_535) {
                    throw new IllegalArgumentException("--port out of range 0..65535: " + value);
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--port needs a number: " + value, e);
            }
        }
    }
}
