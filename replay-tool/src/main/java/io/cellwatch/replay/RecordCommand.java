package io.cellwatch.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.replay.record.RecordSelection;
import io.cellwatch.replay.record.SamplesCopier;
import io.cellwatch.replay.record.TopicScan;
import io.cellwatch.replay.runfile.AlertOrigin;
import io.cellwatch.replay.runfile.RunFileWriter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code record}: copies a run from the Kafka topics into a run file: the samples topic's frames of the selected
 * channels (by channel id, rig, lot or serial, and a time range; {@link RecordSelection}) as FRAME records with their
 * gateway arrival times and rig ids, merged across partitions in arrival order and renumbered per channel
 * ({@link SamplesCopier}), then the alerts topic's alerts of those channels (read_committed) as the alert set
 * {@code live}. It reads up to the end offsets taken when it starts, so it always ends.
 */
final class RecordCommand implements Subcommand {
    static final OptionSpec SPEC = new OptionSpec("record")
        .add("bootstrap", "HOST:PORT", "Kafka bootstrap servers (required)")
        .addRepeatable("channel", "ID", "copy this channel (the samples topic's record key)")
        .addRepeatable("rig", "ID", "copy every channel the rig with this id sent (the gateway's envelope rig id)")
        .addRepeatable("lot", "LOT", "copy the channels while they were declared with a cell of this lot (from "
            + "such a CHANNEL declaration up to the channel's next declaration)")
        .addRepeatable("serial", "SERIAL", "copy the channels while they were declared with the cell of this serial")
        .add("output", "FILE", "the run file to write (required)")
        .add("force", null, "overwrite the output if it exists")
        .add("from", "ISO", "keep frames the gateway received at or after this time, e.g. 2026-03-06T12:00:00Z "
            + "(each channel's last declaration before it is kept too), and alerts with a sample time at or after it")
        .add("to", "ISO", "keep frames received and alerts sampled before this time")
        .add("samples-topic", "TOPIC", "the samples topic (default cellwatch.samples)")
        .add("alerts-topic", "TOPIC", "the alerts topic (default cellwatch.alerts)")
        .add("timeout", "DUR", "give up when no record arrives for this long before the end offsets are reached "
            + "(default 30s)");

    private final CliContext ctx;

    RecordCommand(final CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "record";
    }

    @Override
    public String summary() {
        return "copy a run (by channel, rig, lot, serial, time range) and its live alerts from Kafka into a run file";
    }

    @Override
    public String help() {
        return "usage: record --bootstrap HOST:PORT --output FILE [--channel ID]... [--rig ID]... [--lot LOT]...\n"
            + "              [--serial SERIAL]... [--from ISO] [--to ISO]\n"
            + "\n"
            + "Reads the samples topic (records keyed by channel id: the gateway's envelope and the rig's frame) and\n"
            + "keeps the selected channels' CHANNEL, SAMPLES and MARK frames, with the gateway's receive time and the\n"
            + "rig id, merged across partitions in arrival order; then reads the alerts topic (read_committed) and\n"
            + "keeps the alerts of the recorded channels as the alert set 'live'. Both topics are read up to their\n"
            + "end offsets when the command starts. Then 'evaluate FILE' compares the offline alerts with the live\n"
            + "ones, channel by channel.\n"
            + "\n"
            + "Selection: give at least one of --channel, --rig, --lot, --serial, --from, --to. Different options\n"
            + "must all match (--rig rigA --lot L-7: the channels of rigA with cells of lot L-7); a repeated option\n"
            + "matches any of its values (--channel a --channel b). Lot and serial are read from each channel's\n"
            + "CHANNEL declaration, so a channel counts from a declaration with that lot until its next declaration.\n"
            + "Several channels go into one file, numbered 0, 1, 2 ... in the file in order of their first frame.\n"
            + "\n"
            + "Options:\n"
            + SPEC.describe()
            + "\n"
            + "Exit codes: " + ExitCode.OK + " written, " + ExitCode.CONNECTION_FAILED + " Kafka could not be "
            + "read, " + ExitCode.BAD_INPUT + " bad arguments, output exists, nothing matched (the message says what\n"
            + "was searched and which channels, rigs and lots the topic holds).\n";
    }

    @Override
    public int run(final List<String> args) {
        final OptionSpec.Parsed p = SPEC.parse(args);
        if (!p.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + p.positional().get(0) + "'; see 'record --help'");
        }
        final String bootstrap = required(p, "bootstrap");
        final Path output = Path.of(required(p, "output"));
        final RecordSelection selection;
        try {
            selection = new RecordSelection(values(p, "channel"), values(p, "rig"), values(p, "lot"),
                values(p, "serial"), time(p, "from", Long.MIN_VALUE), time(p, "to", Long.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (selection.selectsEverything()) {
            throw new UsageException("say what to record: give at least one of --channel, --rig, --lot, --serial, "
                + "--from, --to; see 'record --help'");
        }
        final String samplesTopic = p.get("samples-topic") == null ? "cellwatch.samples" : p.get("samples-topic");
        final String alertsTopic = p.get("alerts-topic") == null ? "cellwatch.alerts" : p.get("alerts-topic");
        final Duration timeout = p.get("timeout") == null ? Duration.ofSeconds(30)
            : ReplayArguments.duration("timeout", p.get("timeout"));
        if (Files.exists(output) && !p.has("force")) {
            ctx.err().println("record: " + output + " exists; give --force to overwrite it");
            return ExitCode.BAD_INPUT;
        }
        final Path abs = output.toAbsolutePath();
        final Path tmp = abs.resolveSibling("." + abs.getFileName() + ".recording");
        final long now = ChronoUnit.MICROS.between(Instant.EPOCH, ctx.wallClock().instant());
        final int code = copy(bootstrap, selection, output, tmp, now, samplesTopic, alertsTopic, timeout);
        if (code != ExitCode.OK) {
            deleteQuietly(tmp);
            return code;
        }
        try {
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            ctx.err().println("record: cannot write " + output + ": " + e);
            return ExitCode.BAD_INPUT;
        }
        return ExitCode.OK;
    }

    private int copy(final String bootstrap, final RecordSelection selection, final Path output, final Path tmp,
                     final long now, final String samplesTopic, final String alertsTopic, final Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap);
             RunFileWriter w = RunFileWriter.create(tmp, now)) {
            w.note(now, "record", "recorded " + selection.describe() + " from " + samplesTopic + " and "
                + alertsTopic + " at " + bootstrap);
            final TopicScan scan = new TopicScan(consumer, ctx.out(), timeout, System::nanoTime);
            final SamplesCopier copier = new SamplesCopier(selection, w);
            scan.scan(samplesTopic, r -> copier.arrival(r.value()),
                r -> copier.accept(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.value()),
                () -> copier.kept() + " frames of " + copier.recordedChannels().size() + " channels kept");
            final List<String> channels = copier.recordedChannels();
            ctx.out().println("samples topic " + samplesTopic + ": " + copier.records() + " records read, "
                + copier.kept() + " frames of " + (channels.size() == 1 ? channels.get(0)
                : channels.size() + " channels") + " kept"
                + (copier.invalid() == 0 ? "" : ", " + copier.invalid() + " invalid skipped")
                + (copier.withoutKey() == 0 ? "" : ", " + copier.withoutKey() + " without a key skipped"));
            if (copier.kept() == 0) {
                ctx.err().println(nothingMatched(selection, samplesTopic, copier));
                return ExitCode.BAD_INPUT;
            }
            if (copier.undeclared() > 0) {
                ctx.err().println("warning: " + copier.undeclared() + " frames of channels whose CHANNEL declaration "
                    + "is not in " + samplesTopic + " (expired, or before the topic's start) could not be matched by "
                    + "lot or serial and were not copied");
            }
            for (String line : copier.channelTable()) {
                ctx.out().println("  " + line);
            }

            final Set<String> recorded = Set.copyOf(channels);
            final List<Alert> alerts = new ArrayList<>();
            final long[] unreadable = new long[1];
            final long alertRecords = scan.scan(alertsTopic, r -> 0L, r -> {
                final Alert a;
                try {
                    a = AlertJson.fromJson(r.value());
                } catch (RuntimeException e) {
                    unreadable[0]++;
                    return;
                }
                if (selection.alert(a, recorded)) {
                    alerts.add(a);
                }
            }, () -> alerts.size() + " alerts kept");
            w.alertSet(now, AlertOrigin.LIVE, EvaluateCommand.LIVE_LABEL, "alerts topic " + alertsTopic + " at "
                + bootstrap + " (read_committed)");
            for (Alert a : alerts) {
                w.alert(EvaluateCommand.LIVE_LABEL, a);
            }
            w.note(now, "record-channels", String.join("\n", copier.channelTable()));
            ctx.out().println("alerts topic " + alertsTopic + ": " + alertRecords + " alerts read, " + alerts.size()
                + " of " + (channels.size() == 1 ? channels.get(0) : "the " + channels.size() + " channels")
                + " kept as alert set '" + EvaluateCommand.LIVE_LABEL + "'"
                + (unreadable[0] == 0 ? "" : ", " + unreadable[0] + " unreadable skipped"));
            ctx.out().println("wrote " + output + " (" + copier.kept() + " frames of " + channels.size() + " channel"
                + (channels.size() == 1 ? "" : "s") + ", " + alerts.size() + " live alerts)");
        } catch (KafkaException | TopicScan.StalledException e) {
            ctx.err().println("record: cannot read from Kafka at " + bootstrap + ": " + e.getMessage());
            return ExitCode.CONNECTION_FAILED;
        } catch (IOException e) {
            ctx.err().println("record: cannot write " + output + ": " + e);
            return ExitCode.BAD_INPUT;
        }
        return ExitCode.OK;
    }

    /** Says what was searched and what the topic holds, so that a typo is visible at once. */
    static String nothingMatched(final RecordSelection selection, final String topic, final SamplesCopier copier) {
        return "record: nothing in " + topic + " matched " + selection.describe() + " (" + copier.records()
            + " records read); the topic holds " + listed("channel", copier.seenChannels()) + "; "
            + listed("rig", copier.seenRigs()) + "; " + listed("lot", copier.seenLots())
            + (copier.undeclared() == 0 ? "" : "; " + copier.undeclared() + " frames of channels without a "
            + "declaration in the topic (lot and serial unknown)") + "; nothing written";
    }

    private static String listed(final String kind, final Set<String> values) {
        if (values.isEmpty()) {
            return "no " + kind + "s";
        }
        final List<String> shown = new ArrayList<>();
        for (String v : values) {
            if (shown.size() == 10) {
                break;
            }
            shown.add("'" + v + "'");
        }
        return values.size() + " " + kind + (values.size() == 1 ? "" : "s") + " (" + String.join(", ", shown)
            + (values.size() > shown.size() ? ", ..." : "") + ")";
    }

    private static Set<String> values(final OptionSpec.Parsed p, final String name) {
        final Set<String> values = new LinkedHashSet<>();
        for (String v : p.all(name)) {
            if (v.isBlank() && !name.equals("lot") && !name.equals("serial")) {
                throw new UsageException("--" + name + " '': expected a value");
            }
            values.add(name.equals("lot") || name.equals("serial") ? v : v.strip());
        }
        return values;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(final String bootstrap) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "cellwatch-replay-record");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String required(final OptionSpec.Parsed p, final String name) {
        final String v = p.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException("--" + name + " is required; see 'record --help'");
        }
        return v.strip();
    }

    private static long time(final OptionSpec.Parsed p, final String name, final long absent) {
        final String v = p.get(name);
        if (v == null) {
            return absent;
        }
        try {
            return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(v.strip()));
        } catch (DateTimeParseException e) {
            throw new UsageException("--" + name + " '" + v + "': expected an ISO-8601 instant such as "
                + "2026-03-06T12:00:00Z");
        }
    }

    private static void deleteQuietly(final Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
