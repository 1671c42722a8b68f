package io.cellwatch.bench.load;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.config.Settings;
import io.cellwatch.launcher.CellWatchStack;
import io.cellwatch.launcher.LauncherConfig;

/**
 * The real stack, started by the launcher's {@link CellWatchStack} exactly as {@code cellwatch up} starts it:
 * Kafka broker in a child JVM, gateway and the stop-condition job on a Flink MiniCluster in this JVM, with the
 * default settings (exactly-once alerts sink with 1 s checkpoints, 4 sample partitions, job parallelism 1). Only
 * the ports are chosen freely.
 */
final class CellWatchPipeline implements PipelineUnderTest {
    private final CellWatchStack stack;

    CellWatchPipeline(final Path dataDir, final List<String> brokerJvmArgs,
                      final Map<String, String> brokerProperties, final Map<String, String> settings,
                      final Map<String, String> flinkSettings, final PrintStream progress) throws Exception {
        final Map<String, String> all = new HashMap<>(Map.of(
            LauncherConfig.DATA_DIR, dataDir.toString(),
            "gateway.rig-port", "0",
            "gateway.http-port", "0",
            "job.transactional-id-prefix", "load-" + System.nanoTime()));
        all.putAll(settings); // the run's --set flags win
        final LauncherConfig config = LauncherConfig.from(Settings.of(all));
        final CellWatchStack s = new CellWatchStack(config).brokerJvmArgs(brokerJvmArgs)
            .brokerProperties(brokerProperties).flinkSettings(flinkSettings);
        try {
            s.start(progress);
        } catch (Exception e) {
            s.close();
            throw e;
        }
        this.stack = s;
    }

    /** The stop-condition job's id (its Flink metrics carry it). */
    String jobId() {
        return stack.job().getJobID().toString();
    }

    @Override
    public InetSocketAddress rigAddress() {
        return stack.rigAddress();
    }

    @Override
    public Map<String, Long> jvmPids() {
        final Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("harness JVM (rigs + gateway + Flink MiniCluster)", ProcessHandle.current().pid());
        stack.broker().pid().ifPresent(pid -> pids.put("Kafka broker JVM", pid));
        return pids;
    }

    @Override
    public URI metricsUri() {
        final InetSocketAddress http = stack.gateway().httpAddress();
        if (http == null) {
            return null;
        }
        // the rig and HTTP ports are on the loopback here unless the gateway binds every address
        final String host = http.getAddress().isAnyLocalAddress() ? "127.0.0.1" : http.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + http.getPort()
            + "/metrics");
    }

    @Override
    public String describe() {
        return "CellWatch: gateway (frame per record) -> Kafka -> StopConditionJob (MiniCluster, p=1) -> alerts "
            + "(exactly-once sink, read_uncommitted by the gateway) -> COMMAND";
    }

    @Override
    public void close() {
        stack.close();
    }
}
