package io.cellwatch.bench.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cellwatch.core.config.CommandLine;
import io.cellwatch.core.config.ConfigException;
import io.cellwatch.core.procedure.ProcedureLibrary;

/**
 * What one load run offers and for how long. Parsed from {@code --key=value} flags; every value is checked and a
 * bad one is named in the error.
 *
 * @param pipeline        {@code cellwatch} (the real stack) or {@code naive} (the baseline pipeline)
 * @param channels        simulated channels in the whole fleet
 * @param rateHz          samples per second per channel (must divide 1,000,000, so sample timestamps are exact us)
 * @param samplesPerFrame samples per SAMPLES frame (per Kafka record on the CellWatch path)
 * @param rigs            rig connections the channels are spread over
 * @param tripChannels    channels that cross 4.25 V now and then (for sample to COMMAND latency)
 * @param tripEveryMs     how often each trip channel trips
 * @param warmupSeconds   load before the measured window (JIT, Kafka batches, Flink start)
 * @param durationSeconds the measured window
 * @param drainSeconds    load kept up after the window so late ACKs and COMMANDs arrive under the same load
 * @param dataDir         where the embedded broker keeps its data (deleted before the run)
 * @param jsonOut         where to write the results as JSON (null for none)
 * @param jfr             record JFR (profile settings) in every JVM over the window, into the data directory
 * @param brokerJvmArgs   extra options for the Kafka broker's child JVM (a heap size or collector replaces the
 *                        broker's default one), e.g. {@code -XX:+UseZGC}
 * @param stackSettings   settings for the CellWatch stack on top of the harness's own (docs/config.md), e.g.
 *                        {@code gateway.kafka-compression=none}
 * @param brokerProperties server.properties entries for the cellwatch pipeline's embedded broker, e.g.
 *                        {@code num.io.threads=2}
 * @param rigTimeScale    rig time passes this many times faster than wall time: sample timestamps are
 *                        {@code rigTimeScale x 1e6 / rateHz} us apart, so a long run of rig time (24 h) fits in a short
 *                        run of wall time. Latencies stay wall time
 * @param cell            what the samples look like: {@code flat} (4.10 V, 1 A, 25 C) or {@code cycling} (an hourly
 *                        charge / rest / discharge / rest cycle of rig time, see {@link CyclingCell})
 * @param procedure       the procedure every channel declares, {@code id@version}
 * @param stateEverySeconds how often the cellwatch pipeline's job state (Flink checkpoint sizes) is sampled and
 *                        printed; 0 = never
 */
record LoadOptions(String pipeline, int channels, int rateHz, int samplesPerFrame, int rigs, int tripChannels,
                   int tripEveryMs, int warmupSeconds, int durationSeconds, int drainSeconds, Path dataDir,
                   Path jsonOut, boolean jfr, List<String> brokerJvmArgs,
                   Map<String, String> stackSettings, Map<String, String> brokerProperties, int rigTimeScale,
                   String cell, String procedure, int stateEverySeconds) {

    static final List<String> PIPELINES = List.of("cellwatch", "naive", "floor");
    static final List<String> CELLS = List.of("flat", "cycling");
    /** Only the upper-charge-voltage rule (and a 60 s silence limit that a live channel never meets). */
    static final String FLAT_PROCEDURE = "cellwatch/monitor@1";
    /** The largest rule state (the rolling-rest drop window; ChannelStateSizeTest) for a cycling cell. */
    static final String CYCLING_PROCEDURE = "ort/cycling@2";
    private static final String BROKER_JVM_ARG = "--broker-jvm-arg";
    private static final String SET = "--set";
    private static final String BROKER_PROPERTY = "--broker-property";

    LoadOptions {
        brokerJvmArgs = List.copyOf(brokerJvmArgs);
        stackSettings = Map.copyOf(stackSettings);
        brokerProperties = Map.copyOf(brokerProperties);
        if (!brokerProperties.isEmpty() && !"cellwatch".equals(pipeline)) {
            throw new ConfigException("--broker-property: only the cellwatch pipeline takes broker properties, got "
                + brokerProperties);
        }
        if (!stackSettings.isEmpty() && !"cellwatch".equals(pipeline)) {
            throw new ConfigException("--set: only the cellwatch pipeline reads CellWatch settings, got " + stackSettings);
        }
        if (!brokerJvmArgs.isEmpty() && "floor".equals(pipeline)) {
            throw new ConfigException("--broker-jvm-arg: the floor pipeline has no broker");
        }
        if (!PIPELINES.contains(pipeline)) {
            throw new ConfigException("--pipeline must be one of " + PIPELINES + ", got '" + pipeline + "'");
        }
        if (1_000_000 % rateHz != 0) {
            throw new ConfigException("--rate-hz must divide 1000000 (so sample times are whole microseconds), got "
                + rateHz);
        }
        if (samplesPerFrame < 1 || samplesPerFrame > 4096) {
            throw new ConfigException("--samples-per-frame must be 1..4096, got " + samplesPerFrame);
        }
        if (rigs > channels) {
            throw new ConfigException("--rigs (" + rigs + ") must not exceed --channels (" + channels + ")");
        }
        if (tripChannels > channels) {
            throw new ConfigException("--trip-channels (" + tripChannels + ") must not exceed --channels ("
                + channels + ")");
        }
        if (channels / rigs > 65_535) {
            throw new ConfigException("at most 65535 channels per rig (channel numbers are u16); raise --rigs");
        }
        if (!CELLS.contains(cell)) {
            throw new ConfigException("--cell must be one of " + CELLS + ", got '" + cell + "'");
        }
        if (rigTimeScale < 1) {
            throw new ConfigException("--rig-time-scale must be at least 1, got " + rigTimeScale);
        }
        if (!ProcedureLibrary.builtIn().procedures().containsKey(procedure)) {
            throw new ConfigException("--procedure must be one of " + ProcedureLibrary.builtIn().procedures().keySet()
                + ", got '" + procedure + "'");
        }
    }

    /** The procedure's id (before the {@code @}). */
    String procedureId() {
        return procedure.substring(0, procedure.lastIndexOf('@'));
    }

    /** The procedure's version (after the {@code @}). */
    int procedureVersion() {
        return Integer.parseInt(procedure.substring(procedure.lastIndexOf('@') + 1));
    }

    /** Rig time between two samples of a channel, in us. */
    long rigSamplePeriodMicros() {
        return (long) rigTimeScale * (1_000_000L / rateHz);
    }

    static String usage() {
        return String.join("\n",
            "usage: java -cp <classpath> io.cellwatch.bench.load.LoadHarness [--key=value ...]",
            "",
            "Starts a pipeline (by default the embedded CellWatch stack: Kafka broker child JVM, gateway, Flink",
            "MiniCluster job), drives an open-loop load from a simulated fleet of rigs and prints throughput, latency",
            "(from each frame's intended send time, so no coordinated omission), CPU per sample over all processes,",
            "heap and GC pauses.",
            "",
            "  --pipeline=cellwatch|naive|floor",
            "                               cellwatch: the real stack; naive: one JSON Kafka record per sample and",
            "                               Flink CEP on raw samples (the baseline); floor: one raw NIO thread that",
            "                               decodes, runs the rule, ACKs and commands (no Kafka, no Flink: the least",
            "                               any design could do here)                        (default cellwatch)",
            "  --channels=N                 channels in the fleet                             (default 200)",
            "  --rate-hz=N                  samples/s per channel, must divide 1000000       (default 1000)",
            "  --samples-per-frame=N        samples per SAMPLES frame, 1..4096                (default 100)",
            "  --rigs=N                     rig connections the channels are spread over     (default 4)",
            "  --trip-channels=N            channels that cross 4.25 V now and then          (default 20)",
            "  --trip-every-ms=N            how often each of them trips                     (default 1000)",
            "  --warmup-s=N                 load before the measured window: the JIT compilers still took ~0.25",
            "                               cores per JVM 60-80 s into the load here and settled after ~3 min;",
            "                               the report's JIT lines show whether it was enough  (default 180)",
            "  --duration-s=N               the measured window                              (default 20)",
            "  --drain-s=N                  load after the window, waiting for late replies  (default 5)",
            "  --data-dir=DIR               embedded broker data, deleted first   (default target/load-data)",
            "  --json=FILE                  also write the results as JSON",
            "  --jfr                        JFR-record every JVM over the window (DATA-DIR/window-PID.jfr)",
            "  --broker-jvm-arg=OPTION      an option for the Kafka broker's JVM, repeatable, e.g. -XX:+UseZGC or",
            "                               -Xmx1g; replaces the default collector (G1) or heap (512m, fixed)",
            "  --set=KEY=VALUE              a CellWatch setting (docs/config.md) for the cellwatch pipeline,",
            "                               repeatable, e.g. --set=gateway.kafka-compression=none",
            "  --broker-property=KEY=VALUE  a server.properties entry for the cellwatch pipeline's embedded",
            "                               broker, repeatable, e.g. --broker-property=num.io.threads=2",
            "  --rig-time-scale=K           rig time runs K times faster than wall time: samples are stamped",
            "                               K x 1e6/rate-hz us apart, e.g. --rate-hz=500000 --rig-time-scale=50",
            "                               is 10 kHz of rig time, 24 h of it in 29 min. Latencies stay wall time",
            "                                                                                 (default 1)",
            "  --cell=flat|cycling          flat: 4.10 V, 1 A, 25 C; cycling: an hourly (rig time) cycle of",
            "                               25 min charge, 5 min rest, 25 min discharge, 5 min rest, with the",
            "                               cell warming under current                        (default flat)",
            "  --procedure=ID@VERSION       procedure every channel declares   (default " + FLAT_PROCEDURE + ",",
            "                               with --cell=cycling " + CYCLING_PROCEDURE + ": the largest rule state)",
            "  --state-every-s=N            cellwatch pipeline: print the job's state (Flink checkpoint size, per",
            "                               channel; heap after GC) every N s and keep the series; 0 = off",
            "                                                                                 (default 30)",
            "  --help                       this text",
            "",
            "Offered load = channels x rate-hz samples/s, e.g. --channels=1000 --rate-hz=1000 (1 M/s) or",
            "--channels=100 --rate-hz=10000 (1 M/s).");
    }

    /** Parses the arguments; null when {@code --help} was asked for. */
    static LoadOptions parse(final String[] args) {
        // taken out first: CommandLine keeps only the last value of a repeated flag
        final List<String> brokerJvmArgs = new ArrayList<>();
        final Map<String, String> stackSettings = new LinkedHashMap<>();
        final Map<String, String> brokerProperties = new LinkedHashMap<>();
        final List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith(SET + "=")) {
                putKeyValue(SET, args[i], stackSettings);
            } else if (args[i].startsWith(BROKER_PROPERTY + "=")) {
                putKeyValue(BROKER_PROPERTY, args[i], brokerProperties);
            } else if (args[i].startsWith(BROKER_JVM_ARG + "=")) {
                brokerJvmArgs.add(args[i].substring(BROKER_JVM_ARG.length() + 1));
            } else if (args[i].equals(BROKER_JVM_ARG) && i + 1 < args.length) {
                brokerJvmArgs.add(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        if (brokerJvmArgs.stream().anyMatch(a -> !a.startsWith("-"))) {
            throw new ConfigException("--broker-jvm-arg must be a JVM option starting with '-', got " + brokerJvmArgs);
        }
        final CommandLine cl = CommandLine.parse(rest.toArray(String[]::new), List.of("help", "jfr"));
        if (cl.takeSwitch("help")) {
            return null;
        }
        if (!cl.positional().isEmpty()) {
            throw new ConfigException("unexpected argument(s) " + cl.positional() + "; see --help");
        }
        final String pipeline = take(cl, "pipeline", "cellwatch").toLowerCase(Locale.ROOT);
        final int channels = integer(cl, "channels", 200, 1, 1_000_000);
        final int rate = integer(cl, "rate-hz", 1000, 1, 1_000_000);
        final int spf = integer(cl, "samples-per-frame", 100, 1, 4096);
        final int rigs = integer(cl, "rigs", 4, 1, 10_000);
        final int trips = integer(cl, "trip-channels", Math.min(20, channels), 0, 1_000_000);
        final int tripEvery = integer(cl, "trip-every-ms", 1000, 1, 3_600_000);
        final int warmup = integer(cl, "warmup-s", 180, 0, 3600);
        final int duration = integer(cl, "duration-s", 20, 1, 3600);
        final int drain = integer(cl, "drain-s", 5, 0, 600);
        final Path data = Path.of(take(cl, "data-dir", "target/load-data"));
        final String json = cl.take("json");
        final boolean jfr = cl.takeSwitch("jfr");
        final int scale = integer(cl, "rig-time-scale", 1, 1, 100_000);
        final String cell = take(cl, "cell", "flat").toLowerCase(Locale.ROOT);
        final String procedure = take(cl, "procedure", "cycling".equals(cell) ? CYCLING_PROCEDURE : FLAT_PROCEDURE);
        final int stateEvery = integer(cl, "state-every-s", 30, 0, 3600);
        if (!cl.flags().isEmpty()) {
            throw new ConfigException("unknown flag(s) " + cl.flags().keySet() + "; see --help");
        }
        return new LoadOptions(pipeline, channels, rate, spf, rigs, trips, tripEvery, warmup, duration, drain, data,
            json == null ? null : Path.of(json), jfr, brokerJvmArgs, stackSettings, brokerProperties, scale, cell,
            procedure, stateEvery);
    }

    /** {@code --flag=KEY=VALUE} into {@code into}; the error names the flag and the whole argument. */
    private static void putKeyValue(final String flag, final String arg, final Map<String, String> into) {
        final String kv = arg.substring(flag.length() + 1);
        final int eq = kv.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException(flag + " must be " + flag + "=KEY=VALUE, got '" + arg + "'");
        }
        into.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    private static String take(final CommandLine cl, final String name, final String fallback) {
        final String v = cl.take(name);
        return v == null ? fallback : v;
    }

    private static int integer(final CommandLine cl, final String name, final int fallback, final int min,
                               final int max) {
        final String v = cl.take(name);
        if (v == null) {
            return fallback;
        }
        final int n;
        try {
            n = Integer.parseInt(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException("--" + name + " must be a whole number, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new ConfigException("--" + name + " must be " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    long offeredSamplesPerSecond() {
        return (long) channels * rateHz;
    }
}
