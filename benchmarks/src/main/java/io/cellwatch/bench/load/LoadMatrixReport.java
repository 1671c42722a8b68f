package io.cellwatch.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Markdown tables from the JSON files of interleaved load runs ({@code benchmarks/run-load-matrix.sh}): per
 * configuration the median and the range (min-max) of every figure over its runs, the ratios to the first
 * configuration taken round by round (shared/BENCHMARKING.md: a verdict is a ratio between runs made side by side),
 * and every run in the order it ran, with the interference it saw.
 *
 * <p>Usage: {@code LoadMatrixReport NAME=FILE.json ...}, in the order the runs ran; a run's round is how often its
 * name came before. A missing file or a run that reported a failure counts in "runs" but not in the medians.
 */
public final class LoadMatrixReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DISPATCH = "command_dispatch_seconds";

    private LoadMatrixReport() {
    }

    /** One run: its configuration's name, its file, and its figures (null when the file is missing or unreadable). */
    record Run(String config, String file, JsonNode result) {
        boolean ok() {
            return result != null && result.path("failure").isNull();
        }
    }

    /** Median and range of one figure over the runs that have it. */
    record Spread(double median, double min, double max, int n) {
        static Spread of(final double[] values) {
            final double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
            if (v.length == 0) {
                return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
            }
            final int m = v.length / 2;
            final double median = v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
            return new Spread(median, v[0], v[v.length - 1], v.length);
        }

        String cell() {
            if (n == 0) {
                return "-";
            }
            return n == 1 || min == max ? num(median) : num(median) + " (" + num(min) + "-" + num(max) + ")";
        }
    }

    public static void main(final String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: LoadMatrixReport NAME=FILE.json ... (in the order the runs ran)");
            System.exit(2);
        }
        final List<Run> runs = new ArrayList<>();
        for (String a : args) {
            final int eq = a.indexOf('=');
            if (eq <= 0) {
                System.err.println("not NAME=FILE.json: " + a);
                System.exit(2);
            }
            final Path file = Path.of(a.substring(eq + 1));
            JsonNode node = null;
            if (Files.isRegularFile(file)) {
                try {
                    node = JSON.readTree(file.toFile());
                } catch (IOException e) {
                    System.err.println("skipping unreadable " + file + ": " + e.getMessage());
                }
            }
            runs.add(new Run(a.substring(0, eq), file.toString(), node));
        }
        System.out.print(report(runs));
    }

    /** The three tables. */
    static String report(final List<Run> runs) {
        final Map<String, List<Run>> byConfig = new LinkedHashMap<>();
        for (Run r : runs) {
            byConfig.computeIfAbsent(r.config(), c -> new ArrayList<>()).add(r);
        }
        final StringBuilder b = new StringBuilder();
        b.append("Median (min-max) over each configuration's runs without failure. Latencies in ms from the intended ")
            .append("send time; gateway dispatch = alert read to COMMAND written, bucket upper bounds.\n\n");
        b.append("| config | runs ok / all | offered/s | achieved/s | sample -> ACK p50 / p99 / p99.9 / max "
            + "| sample -> COMMAND p50 / p99 / p99.9 / max | COMMANDs / trips (sum) | cores per JVM | CPU-ns / sample "
            + "| max GC pause per JVM | gateway dispatch p99 <=, share <= 1 ms | others' cores |\n");
        b.append("|---|---:|---:|---:|---|---|---:|---|---:|---|---|---:|\n");
        byConfig.forEach((config, all) -> {
            final List<JsonNode> ok = all.stream().filter(Run::ok).map(Run::result).toList();
            b.append("| ").append(config).append(" | ").append(ok.size()).append(" / ").append(all.size())
                .append(" | ").append(spread(ok, n -> n.path("offeredPerSecond").asDouble(Double.NaN)).cell())
                .append(" | ").append(spread(ok, n -> n.path("ackedPerSecond").asDouble(Double.NaN)).cell())
                .append(" | ").append(latency(ok, "sampleToAck"))
                .append(" | ").append(latency(ok, "sampleToCommand"))
                .append(" | ").append(sum(ok, n -> n.path("sampleToCommand").path("count").asDouble()))
                .append(" / ").append(sum(ok, n -> n.path("tripsInjected").asDouble()))
                .append(" | ").append(perProcess(ok, "cpu", "cores"))
                .append(" | ").append(spread(ok, n -> n.path("cpuNanosPerSample").asDouble(Double.NaN)).cell())
                .append(" | ").append(perProcess(ok, "gc", "maxPauseMs"))
                .append(" | ").append(dispatch(ok))
                .append(" | ").append(spread(ok, n -> n.path("otherCores").asDouble(Double.NaN)).cell())
                .append(" |\n");
        });
        ratios(b, byConfig);
        b.append("\nEvery run, in the order it ran:\n\n");
        b.append("| # | config | file | started (UTC) | achieved/s | ACK p99 | COMMAND p99 (n / trips) | CPU-ns / sample "
            + "| max GC pause | others' cores | steal cores | JIT cores | CPU pressure | failure |\n");
        b.append("|---:|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (int i = 0; i < runs.size(); i++) {
            final Run r = runs.get(i);
            final JsonNode n = r.result();
            b.append("| ").append(i + 1).append(" | ").append(r.config()).append(" | ").append(r.file()).append(" | ");
            if (n == null) {
                b.append("- | - | - | - | - | - | - | - | - | - | no result file |\n");
                continue;
            }
            double gcMax = Double.NaN;
            for (JsonNode g : n.path("gc")) {
                if (g.path("error").isNull()) {
                    gcMax = Double.isNaN(gcMax) ? g.path("maxPauseMs").asDouble() : Math.max(gcMax, g.path("maxPauseMs").asDouble());
                }
            }
            b.append(n.path("startedUtc").asText("-")).append(" | ")
                .append(num(n.path("ackedPerSecond").asDouble(Double.NaN))).append(" | ")
                .append(num(n.path("sampleToAck").path("p99").asDouble(Double.NaN))).append(" | ")
                .append(num(n.path("sampleToCommand").path("p99").asDouble(Double.NaN))).append(" (")
                .append(n.path("sampleToCommand").path("count").asLong()).append(" / ")
                .append(n.path("tripsInjected").asLong()).append(") | ")
                .append(num(n.path("cpuNanosPerSample").asDouble(Double.NaN))).append(" | ")
                .append(num(gcMax)).append(" | ")
                .append(num(n.path("otherCores").asDouble(Double.NaN))).append(" | ")
                .append(num(n.path("stealCores").asDouble(Double.NaN))).append(" | ")
                .append(num(jitCores(n))).append(" | ")
                .append(pressure(n.path("cpuPressureSome").asDouble(Double.NaN))).append(" | ")
                .append(n.path("failure").isNull() ? "" : n.path("failure").asText().replace('|', '/')).append(" |\n");
        }
        return b.toString();
    }

    /**
     * Each configuration against the first one, round by round (round k = the k-th run of each): CPU per sample and
     * achieved rate as ratios, then median (min-max) of the rounds in which both ran without failure.
     */
    private static void ratios(final StringBuilder b, final Map<String, List<Run>> byConfig) {
        if (byConfig.size() < 2) {
            return;
        }
        final List<String> names = new ArrayList<>(byConfig.keySet());
        final List<Run> reference = byConfig.get(names.get(0));
        b.append("\nRatios to ").append(names.get(0)).append(", per round (median (min-max) over the rounds in which ")
            .append("both ran without failure):\n\n");
        b.append("| config | rounds | CPU-ns / sample ratio | achieved/s ratio |\n|---|---:|---:|---:|\n");
        for (String name : names.subList(1, names.size())) {
            final List<Run> runs = byConfig.get(name);
            final int rounds = Math.min(runs.size(), reference.size());
            final double[] cpu = new double[rounds];
            final double[] rate = new double[rounds];
            int paired = 0;
            for (int k = 0; k < rounds; k++) {
                final Run a = runs.get(k);
                final Run r = reference.get(k);
                cpu[k] = Double.NaN;
                rate[k] = Double.NaN;
                if (a.ok() && r.ok()) {
                    paired++;
                    cpu[k] = a.result().path("cpuNanosPerSample").asDouble(Double.NaN)
                        / r.result().path("cpuNanosPerSample").asDouble(Double.NaN);
                    rate[k] = a.result().path("ackedPerSecond").asDouble(Double.NaN)
                        / r.result().path("ackedPerSecond").asDouble(Double.NaN);
                }
            }
            b.append("| ").append(name).append(" | ").append(paired).append(" | ").append(Spread.of(cpu).cell())
                .append(" | ").append(Spread.of(rate).cell()).append(" |\n");
        }
    }

    private static Spread spread(final List<JsonNode> runs, final ToDoubleFunction<JsonNode> figure) {
        return Spread.of(runs.stream().mapToDouble(figure).toArray());
    }

    private static String sum(final List<JsonNode> runs, final ToDoubleFunction<JsonNode> figure) {
        return runs.isEmpty() ? "-" : String.format(Locale.ROOT, "%,.0f", runs.stream().mapToDouble(figure).sum());
    }

    private static String latency(final List<JsonNode> runs, final String field) {
        final List<String> cells = new ArrayList<>();
        for (String p : List.of("p50", "p99", "p999", "max")) {
            // a run without any recorded latency has no percentiles, not zeros
            cells.add(spread(runs, n -> n.path(field).path("count").asLong() == 0 ? Double.NaN
                : n.path(field).path(p).asDouble(Double.NaN)).cell());
        }
        return String.join(" / ", cells);
    }

    /** {@code name: median (min-max)} for each process named in the runs' {@code array} entries. */
    private static String perProcess(final List<JsonNode> runs, final String array, final String figure) {
        final Map<String, List<Double>> byProcess = new LinkedHashMap<>();
        for (JsonNode n : runs) {
            for (JsonNode e : n.path(array)) {
                if (e.path("error").isMissingNode() || e.path("error").isNull()) {
                    byProcess.computeIfAbsent(shortName(e.path("process").asText()), k -> new ArrayList<>())
                        .add(e.path(figure).asDouble(Double.NaN));
                }
            }
        }
        final List<String> parts = new ArrayList<>();
        byProcess.forEach((process, values) -> parts.add(process + " "
            + Spread.of(values.stream().mapToDouble(Double::doubleValue).toArray()).cell()));
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    /** "harness JVM (rigs + gateway + ...)" -> "harness JVM": the table has no room for the explanation. */
    static String shortName(final String process) {
        final int paren = process.indexOf(" (");
        return paren > 0 ? process.substring(0, paren) : process;
    }

    private static String dispatch(final List<JsonNode> runs) {
        final double[] p99 = new double[runs.size()];
        final double[] within = new double[runs.size()];
        long count = 0;
        for (int i = 0; i < runs.size(); i++) {
            p99[i] = Double.NaN;
            within[i] = Double.NaN;
            for (JsonNode g : runs.get(i).path("gatewayLatency")) {
                if (g.path("family").asText().endsWith(DISPATCH) && g.path("count").asLong() > 0) {
                    p99[i] = g.path("p99UpperBoundMs").asDouble(Double.NaN);
                    within[i] = g.path("fractionWithin1ms").asDouble(Double.NaN) * 100;
                    count += g.path("count").asLong();
                }
            }
        }
        final Spread s = Spread.of(p99);
        return s.n() == 0 ? "-" : s.cell() + " ms, " + Spread.of(within).cell() + " % (" + count + " commands)";
    }

    /** C1/C2 compiler threads of all JVMs over the window (NaN in files written before the harness had them). */
    private static double jitCores(final JsonNode n) {
        double sum = Double.NaN;
        for (JsonNode j : n.path("jitCompilers")) {
            sum = (Double.isNaN(sum) ? 0 : sum) + j.path("cores").asDouble();
        }
        return sum;
    }

    /** Share of the window in which some task waited for a core (PSI "some"), as a percentage. */
    private static String pressure(final double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    static String num(final double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        final double a = Math.abs(v);
        final String f = a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, v);
    }
}
