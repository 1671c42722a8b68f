package io.cellwatch.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.cellwatch.core.config.CommandLine;
import io.cellwatch.core.config.ConfigException;
import io.cellwatch.core.config.Settings;

/**
 * {@code cellwatch up}: starts the stack and keeps it running until Ctrl-C. See {@link #usage()}.
 */
public final class CellWatchCli {
    private CellWatchCli() {
    }

    public static void main(final String[] args) throws Exception {
        final LauncherConfig config;
        try {
            final CommandLine cl = CommandLine.parse(args, List.of("help", "simulate", "no-job"));
            if (cl.takeSwitch("help") || cl.positional().isEmpty()) {
                System.out.println(usage());
                return;
            }
            final String command = cl.positional().get(0);
            if (!command.equals("up")) {
                System.err.println("cellwatch: unknown command '" + command + "'\n\n" + usage());
                System.exit(2);
                return;
            }
            if (cl.takeSwitch("simulate")) {
                cl.flags().put(LauncherConfig.SIMULATE, "true");
            }
            if (cl.takeSwitch("no-job")) {
                cl.flags().put(LauncherConfig.RUN_JOB, "false");
            }
            final String file = cl.take("config");
            config = LauncherConfig.from(Settings.load(LauncherConfig.keys(), file == null ? null : Path.of(file),
                System.getenv(), cl.flags()));
        } catch (ConfigException e) {
            System.err.println("cellwatch: " + e.getMessage());
            System.exit(2);
            return;
        }
        up(config);
    }

    private static void up(final LauncherConfig config) throws Exception {
        final CellWatchStack stack = new CellWatchStack(config);
        final CountDownLatch stopped = new CountDownLatch(1);
        final RigSimulator[] simulator = new RigSimulator[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping CellWatch ...");
            if (simulator[0] != null) {
                simulator[0].close();
            }
            stack.close();
            System.out.println("stopped.");
            stopped.countDown();
        }, "cellwatch-shutdown"));
        try {
            stack.start(System.out);
        } catch (Exception e) {
            System.err.println("cellwatch: start-up failed: " + e.getMessage());
            System.exit(1);
            return;
        }
        stack.printAlerts(System.out);
        System.out.println();
        System.out.println("CellWatch is up.");
        System.out.println("  Kafka bootstrap : " + stack.bootstrapServers());
        System.out.println("  rig protocol    : " + stack.rigAddress().getHostString() + ":" + stack.rigAddress().getPort());
        if (stack.gateway().httpAddress() != null) {
            final String http = "http://" + stack.gateway().httpAddress().getHostString() + ":"
                + stack.gateway().httpAddress().getPort();
            System.out.println("  dashboard       : " + http + "/   (REST " + http + "/api/channels, " + http
                + "/metrics, " + http + "/health)");
        }
        System.out.println("  topics          : " + config.job().samplesTopic() + ", " + config.job().alertsTopic() + ", "
            + config.job().deadLettersTopic());
        System.out.println("  job             : " + (stack.job() != null ? "local Flink MiniCluster, job id "
            + stack.job().getJobID() : "not started here (--no-job)"));
        if (config.simulate()) {
            simulator[0] = new RigSimulator(stack.rigAddress().getHostString(), stack.rigAddress().getPort(),
                config.simulatedChannels(), config.simulatedRateHz(), System.out);
            System.out.println("  simulated rig   : " + config.simulatedChannels() + " channels at "
                + config.simulatedRateHz() + " Hz; within ~20 s ch02 exceeds 4.25 V, ch03 shows a 50 mV drop"
                + " under the press, ch04 cools back to 20 % of its peak" + simulator[0].describe());
        }
        System.out.println("Alerts appear below as they are committed. Ctrl-C stops everything.");
        System.out.println();
        stopped.await();
    }

    static String usage() {
        return String.join("\n",
            "usage: cellwatch up [--simulate] [--no-job] [--config FILE] [--KEY=VALUE ...]",
            "",
            "Starts CellWatch: a Kafka broker (embedded, unless --kafka.bootstrap-servers names a cluster), the",
            "ingest gateway, the stop-condition job on a local Flink MiniCluster (unless --no-job), and with",
            "--simulate a rig whose channels meet each stop condition within about 20 s. Ctrl-C stops it all.",
            "",
            "  --simulate                      start the simulated rig",
            "  --no-job                        do not run the job here (it runs on a Flink cluster)",
            "  --config FILE                   properties file with any of the keys below",
            "  --kafka.bootstrap-servers=H:P   use this Kafka cluster instead of the embedded broker",
            "  --launcher.data-dir=DIR         embedded broker data (default .cellwatch)",
            "  --launcher.kafka-port=PORT      embedded broker port (default: any free port)",
            "  --gateway.rig-port=PORT         rig protocol port (default 7411)",
            "  --gateway.http-port=PORT        dashboard, REST, /metrics, /health (default 8080; -1 = off)",
            "  --gateway.bind-address=ADDR     (default 127.0.0.1; 0.0.0.0 to accept rigs from the network)",
            "  --simulator.channels=N          (default 4)   --simulator.rate-hz=N  (default 10)",
            "",
            "Every key, with its environment variable (CELLWATCH_...), is in docs/config.md.");
    }
}
