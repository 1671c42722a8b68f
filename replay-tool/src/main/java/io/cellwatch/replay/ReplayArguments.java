package io.cellwatch.replay;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.replay.run.ChannelInfo;
import io.cellwatch.replay.send.BatchSchedule;
import io.cellwatch.replay.send.ReplayOptions;
import io.cellwatch.replay.send.ReplaySpeed;

/**
 * The validated arguments of {@code replay}: one immutable value, built by {@link #parse}, which names the option
 * and the value in every error.
 *
 * @param runFile        the run file: CSV, or a binary run file (docs/run-file.md)
 * @param host           gateway host
 * @param port           gateway rig port
 * @param rigId          rig id sent in HELLO
 * @param token          rig token sent in HELLO (may be empty)
 * @param channel        the channel declaration of a CSV run (defaults filled in)
 * @param batchSize      rows per SAMPLES frame
 * @param speed          pacing
 * @param startTime      rig time of run time 0 (now when not given)
 * @param ackTimeout     bounded wait for the last acknowledgements
 * @param connectTimeout TCP connect plus HELLO, for the first connection and each reconnect
 * @param reconnects     reconnect attempts allowed over the whole replay
 * @param given          the channel options given on the command line (laid over a binary run file's declaration)
 * @param rigGiven       whether --rig was given (a binary run file's own rig id is the default)
 * @param startOption    --start-time as given: null, {@code now}, {@code file} or a date (a binary run file keeps its
 *                       own times unless a date or {@code now} is given)
 * @param runChannels    the channels of a binary run file to replay, empty for all of them
 * @param retarget       send every channel as this rig, channel ids moved into its namespace; null to keep them
 * @param awaitCommands  how long to keep the connection open after the last acknowledgement for late COMMANDs
 * @param expectCommands stop that wait once this many COMMANDs have arrived in all; 0 to wait the whole time
 */
public record ReplayArguments(Path runFile, String host, int port, String rigId, String token, ChannelInfo channel,
                              int batchSize, ReplaySpeed speed, Instant startTime, Duration ackTimeout,
                              Duration connectTimeout, int reconnects, ChannelOptions given, boolean rigGiven,
                              String startOption, List<String> runChannels, String retarget,
                              Duration awaitCommands, int expectCommands) {

    public static final String DEFAULT_GATEWAY = "127.0.0.1:7411";
    public static final int DEFAULT_PORT = 7411;
    public static final String DEFAULT_RIG = "replay";
    /** The generic procedure of the built-in library: upper charge voltage and data quality only. */
    public static final String DEFAULT_PROCEDURE = "cellwatch/monitor";
    public static final int DEFAULT_BATCH = 100;
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_RECONNECTS = 3;
    /**
     * The job raises an alert after the gateway has acknowledged its sample (stored in Kafka, read by the job, alert
     * written, read back by the gateway): tens of milliseconds on a healthy stack, seconds when the job is catching
     * up. A few seconds catch the COMMANDs of the run's last samples without making every replay much longer.
     */
    public static final Duration DEFAULT_AWAIT_COMMANDS = Duration.ofSeconds(3);
    /** The environment variable that supplies {@code --token} (keeps the secret out of the process list). */
    public static final String TOKEN_ENV = "CELLWATCH_TOKEN";

    /** The options of {@code replay}, in the order of its help. */
    public static final OptionSpec SPEC = new OptionSpec("replay")
        .add("gateway", "HOST:PORT", "gateway rig port to connect to (default " + DEFAULT_GATEWAY + ")")
        .add("rig", "ID", "rig id sent in HELLO (default " + DEFAULT_RIG + "; a run file's own)")
        .add("token", "TOKEN", "rig token sent in HELLO (default: the environment variable " + TOKEN_ENV
            + ", else empty)")
        .add("channel", "ID", "channel id to declare, e.g. rigX/ch01 (default RIG/ch01; a run file's own)")
        .add("serial", "SERIAL", "cell serial number (default: the CSV file's name without extension; a run "
            + "file's own)")
        .add("lot", "LOT", "production lot of the cell (default empty; a run file's own)")
        .add("procedure", "ID[@N]", "test procedure from the procedure library, e.g. "
            + "pse-app9/overcharge-protection@1 (default " + DEFAULT_PROCEDURE + "; a run file's own)")
        .add("procedure-version", "N", "version of the procedure, 0..65535 (default 1)")
        .add("cell-form", "FORM", "cylindrical, prismatic or pouch (default cylindrical; a run file's own)")
        .add("capacity-ah", "AH", "rated capacity in Ah, above 0 (default 1; a run file's own)")
        .add("upper-charge-voltage", "V", "declare the override upperChargeVoltage = V (default: none, the "
            + "rule's own limit applies)")
        .addRepeatable("override", "NAME=VALUE", "declare a limit override, names as in docs/rules.md, e.g. "
            + "voltage-drop.threshold=0.040")
        .addRepeatable("run-channel", "ID", "run files with several channels: replay this channel (default: every "
            + "channel of the file, each rig's channels over one connection as that rig, numbered 0, 1, ...)")
        .add("retarget", "RIG", "send every channel as rig RIG, with channel ids moved into RIG's namespace: the "
            + "part before the first '/' becomes RIG (rigA/ch01 -> RIG/ch01; an id without '/' gets RIG/ in front)")
        .add("batch", "N", "rows per SAMPLES frame, 1.." + BatchSchedule.MAX_BATCH_SIZE + " (default "
            + DEFAULT_BATCH + ")")
        .add("speed", "S", "1 = real time, 100 = 100x faster, max = as fast as the gateway takes it (default 1)")
        .add("start-time", "ISO", "rig time of run time 0, ISO-8601 with zone, e.g. 2026-01-01T00:00:00Z, or now, "
            + "or file (default: now for CSV; a run file's own times)")
        .add("ack-timeout", "DUR", "how long to wait for the last acknowledgements, e.g. 30s, 500ms, 2m "
            + "(default 30s)")
        .add("await-commands", "DUR", "after the last acknowledgement, keep the connection open this long for "
            + "COMMANDs the job sends later, 0 = close at once (default " + DEFAULT_AWAIT_COMMANDS.toSeconds() + "s)")
        .add("expect-commands", "N", "end that wait as soon as N COMMANDs have arrived in all (default: wait the "
            + "whole --await-commands)")
        .add("connect-timeout", "DUR", "TCP connect plus HELLO, per attempt (default 10s)")
        .add("reconnects", "N", "reconnect attempts allowed over the whole replay when the connection breaks "
            + "(default " + DEFAULT_RECONNECTS + ")");

    public ReplayArguments {
        Objects.requireNonNull(runFile, "runFile");
        Objects.requireNonNull(channel, "channel");
    }

    /**
     * Validates the command line of {@code replay}.
     *
     * @param args arguments after the word {@code replay}
     * @param env  the environment ({@link #TOKEN_ENV} only)
     * @param now  the default start time
     * @throws UsageException naming the option and the value
     */
    public static ReplayArguments parse(final List<String> args, final Map<String, String> env,
                                        final Instant now) {
        final OptionSpec.Parsed p = SPEC.parse(args);
        if (p.positional().isEmpty()) {
            throw new UsageException("missing the run file: replay [options] RUN.csv; see 'replay --help'");
        }
        if (p.positional().size() > 1) {
            throw new UsageException("one run file expected, got " + p.positional().size() + ": "
                + String.join(" ", p.positional()));
        }
        final Path file = Path.of(p.positional().get(0));

        final String gateway = orDefault(p.get("gateway"), DEFAULT_GATEWAY);
        final String host;
        final int port;
        final int colon = gateway.lastIndexOf(':');
        if (colon < 0 || gateway.startsWith("[") && !gateway.substring(0, colon).endsWith("]")) {
            host = gateway;
            port = DEFAULT_PORT;
        } else {
            host = gateway.substring(0, colon);
            port = integer("gateway", gateway.substring(colon + 1), 1, 65535, "port");
        }
        final String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bareHost.isBlank() || bareHost.contains(":") && !host.startsWith("[")) {
            throw new UsageException("--gateway '" + gateway + "' has no host or an unbracketed IPv6 address; expected HOST:PORT or [IPV6]:PORT");
        }

        final String rig = orDefault(p.get("rig"), DEFAULT_RIG);
        if (rig.isBlank()) {
            throw new UsageException("--rig must not be empty");
        }
        final String token = p.get("token") != null ? p.get("token") : env.getOrDefault(TOKEN_ENV, "");
        final String fileName = String.valueOf(file.getFileName());
        final int dot = fileName.lastIndexOf('.');
        final Map<String, Double> overrides = new TreeMap<>(ChannelOptions.overrides("override", p.all("override")));
        if (p.get("upper-charge-voltage") != null) {
            overrides.put(ChannelInfo.UPPER_CHARGE_VOLTAGE, positive("upper-charge-voltage",
                p.get("upper-charge-voltage")));
        }
        final ChannelOptions given = ChannelOptions.parse(p, overrides);
        final ChannelInfo channel;
        try {
            // The gateway refuses a channel whose procedure or overrides do not resolve; say so before sending.
            channel = ChannelOptions.checked(given.applyTo(new ChannelInfo(rig + "/ch01",
                dot > 0 ? fileName.substring(0, dot) : fileName, "", DEFAULT_PROCEDURE, 1, CellForm.CYLINDRICAL, 1.0,
                Map.of())));
        } catch (IllegalArgumentException e) {
            throw new UsageException("bad channel declaration: " + e.getMessage());
        }

        final int batch = p.get("batch") == null ? DEFAULT_BATCH
            : integer("batch", p.get("batch"), 1, BatchSchedule.MAX_BATCH_SIZE, "whole number");
        final ReplaySpeed speed;
        try {
            speed = p.get("speed") == null ? ReplaySpeed.REAL_TIME : ReplaySpeed.parse(p.get("speed"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + e.getMessage());
        }
        final String startOption = p.get("start-time");
        final Instant start = startOption == null || "now".equalsIgnoreCase(startOption.strip())
            || "file".equalsIgnoreCase(startOption.strip()) ? now.truncatedTo(ChronoUnit.MICROS)
            : instant("start-time", startOption);
        final Duration ackTimeout = p.get("ack-timeout") == null ? DEFAULT_ACK_TIMEOUT
            : duration("ack-timeout", p.get("ack-timeout"));
        final Duration connectTimeout = p.get("connect-timeout") == null ? DEFAULT_CONNECT_TIMEOUT
            : duration("connect-timeout", p.get("connect-timeout"));
        if (connectTimeout.isZero()) {
            throw new UsageException("--connect-timeout must be above 0");
        }
        final int reconnects = p.get("reconnects") == null ? DEFAULT_RECONNECTS
            : integer("reconnects", p.get("reconnects"), 0, 1000, "whole number");
        final Duration awaitCommands = p.get("await-commands") == null ? DEFAULT_AWAIT_COMMANDS
            : duration("await-commands", p.get("await-commands"));
        final int expectCommands = p.get("expect-commands") == null ? 0
            : integer("expect-commands", p.get("expect-commands"), 1, Integer.MAX_VALUE, "whole number");
        final List<String> runChannels = new java.util.ArrayList<>();
        for (String c : p.all("run-channel")) {
            if (c.isBlank()) {
                throw new UsageException("--run-channel must not be empty");
            }
            if (!runChannels.contains(c.strip())) {
                runChannels.add(c.strip());
            }
        }
        final String retarget = p.get("retarget") == null ? null : p.get("retarget").strip();
        if (retarget != null) {
            if (retarget.isEmpty() || retarget.contains("/")) {
                throw new UsageException("--retarget '" + p.get("retarget") + "': expected a rig id without '/'");
            }
            if (p.get("rig") != null || p.get("channel") != null) {
                throw new UsageException("--retarget sets the rig and the channel ids; give it without --rig and "
                    + "--channel");
            }
        }
        return new ReplayArguments(file, bareHost, port, rig, token, channel, batch, speed, start, ackTimeout,
            connectTimeout, reconnects, given, p.get("rig") != null, startOption == null ? null : startOption.strip(),
            List.copyOf(runChannels), retarget, awaitCommands, expectCommands);
    }

    /** The replayer's part of the arguments, sample time = --start-time + run time. */
    public ReplayOptions toReplayOptions() {
        return toReplayOptions(ChronoUnit.MICROS.between(Instant.EPOCH, startTime));
    }

    /** The replayer's part of the arguments, with run time 0 at {@code startMicros}. */
    public ReplayOptions toReplayOptions(final long startMicros) {
        return new ReplayOptions(batchSize, speed, startMicros, ackTimeout, connectTimeout, reconnects,
            Duration.ofSeconds(1));
    }

    /** Whether a binary run file keeps its own sample times (no --start-time, or --start-time file). */
    public boolean keepFileTimes() {
        return startOption == null || "file".equalsIgnoreCase(startOption);
    }

    /** {@code host:port}, IPv6 addresses in brackets. */
    public String gateway() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    static String orDefault(final String value, final String defaultValue) {
        return value == null ? defaultValue : value;
    }

    static int integer(final String option, final String value, final int min, final int max,
                               final String what) {
        try {
            final int v = Integer.parseInt(value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + option + " '" + value + "': expected a " + what + " in " + min + ".." + max);
    }

    static double positive(final String option, final String value) {
        try {
            final double v = Double.parseDouble(value.strip());
            if (v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + option + " '" + value + "': expected a number above 0");
    }

    static CellForm cellForm(final String value) {
        try {
            return CellForm.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cell-form '" + value + "': expected cylindrical, prismatic or pouch");
        }
    }

    static Instant instant(final String option, final String value) {
        try {
            return OffsetDateTime.parse(value.strip()).toInstant().truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            throw new UsageException("--" + option + " '" + value + "': expected an ISO-8601 date and time with a "
                + "zone, e.g. 2026-01-01T00:00:00Z or 2026-01-01T09:00:00+09:00");
        }
    }

    private static double finite(final String number) {
        final double d = Double.parseDouble(number);
        if (!Double.isFinite(d)) {
            throw new NumberFormatException(number);
        }
        return d;
    }

    /** {@code 30}, {@code 30s}, {@code 500ms}, {@code 2m} or ISO-8601 {@code PT30S}; 0 allowed. */
    static Duration duration(final String option, final String value) {
        final String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            final Duration d;
            if (v.startsWith("pt")) {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } else if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                d = Duration.ofMillis(Math.round(finite(v.substring(0, v.length() - 1)) * 1000));
            } else if (v.endsWith("m")) {
                d = Duration.ofMillis(Math.round(finite(v.substring(0, v.length() - 1)) * 60_000));
            } else {
                d = Duration.ofMillis(Math.round(finite(v) * 1000));
            }
            if (!d.isNegative() && d.compareTo(Duration.ofDays(1)) <= 0) {
                return d;
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            // reported below
        }
        throw new UsageException("--" + option + " '" + value + "': expected a duration of 0 to 1 day, e.g. 30s, "
            + "500ms, 2m or 30 (seconds)");
    }

    /**
     * {@code channelId} moved into {@code rig}'s namespace: the part before the first '/' is the recorded rig's
     * (channel ids are {@code RIG/NAME} when the gateway authenticates rigs), so {@code rigA/ch01} becomes
     * {@code RIG/ch01}; an id without a '/' becomes {@code RIG/ID}.
     */
    static String retargeted(final String channelId, final String rig) {
        final int slash = channelId.indexOf('/');
        return rig + "/" + (slash >= 0 ? channelId.substring(slash + 1) : channelId);
    }
}
