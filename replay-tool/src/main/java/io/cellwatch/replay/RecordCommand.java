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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.replay.runfile.AlertOrigin;
import io.cellwatch.replay.runfile.RunFileWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code record}: copies one channel's run from the Kafka topics into a run file: the samples topic's records of the
 * channel (by key) as FRAME records with their gateway arrival times and rig ids, then the alerts topic's alerts of
 * the channel (read_committed) as the alert set {@code live}. It reads up to the end offsets taken when it starts,
 * so it always ends.
 */
final class RecordCommand implements Subcommand {
    static final OptionSpec SPEC = new OptionSpec("record")
        .add("bootstrap", "HOST:PORT", "Kafka bootstrap servers (required)")
        .add("channel", "ID", "the channel id to copy (required); the samples topic's record key")
        .add("output", "FILE", "the run file to write (required)")
        .add("force", null, "overwrite the output if it exists")
        .add("from", "ISO", "keep frames the gateway received at or after this time, e.g. 2026-03-06T12:00:00Z "
            + "(the channel's last declaration before it is kept too), and alerts with a sample time at or after it")
        .add("to", "ISO", "keep frames received and alerts sampled before this time")
        .add("samples-topic", "TOPIC", "the samples topic (default cellwatch.samples)")
        .add("alerts-topic", "TOPIC", "the alerts topic (default cellwatch.alerts)")
        .add("timeout", "DUR", "give up when no record arrives for this long before the end offsets are reached "
            + "(default 30s)");

    private static final long PROGRESS_EVERY = 10_000;

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
        return "copy a channel's run and its live alerts from the Kafka topics into a run file";
    }

    @Override
    public String help() {
        return "usage: record --bootstrap HOST:PORT --channel ID --output FILE [--from ISO] [--to ISO]\n"
            + "\n"
            + "Reads the samples topic (records keyed by channel id: the gateway's envelope and the rig's frame) and\n"
            + "keeps the channel's CHANNEL, SAMPLES and MARK frames, with the gateway's receive time and the rig id,\n"
            + "in topic order; then reads the alerts topic (read_committed) and keeps the channel's alerts as the\n"
            + "alert set 'live'. Both topics are read up to their end offsets when the command starts. Then\n"
            + "'evaluate FILE' compares the offline alerts with the live ones.\n"
            + "\n"
            + "Options:\n"
            + SPEC.describe()
            + "\n"
            + "Exit codes: " + ExitCode.OK + " written, " + ExitCode.CONNECTION_FAILED + " Kafka could not be "
            + "read, " + ExitCode.BAD_INPUT + " bad arguments, output exists, no record of the channel.\n";
    }

    @Override
    public int run(final List<String> args) {
        final OptionSpec.Parsed p = SPEC.parse(args);
        if (!p.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + p.positional().get(0) + "'; see 'record --help'");
        }
        final String bootstrap = required(p, "bootstrap");
        final String channel = required(p, "channel");
        final Path output = Path.of(required(p, "output"));
        final long from = time(p, "from", Long.MIN_VALUE);
        final long to = time(p, "to", Long.MAX_VALUE);
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
        final byte[] key = channel.getBytes(StandardCharsets.UTF_8);
        final Counts counts = new Counts();
        final int code = copy(bootstrap, channel, output, tmp, now, key, from, to, samplesTopic, alertsTopic, timeout,
            counts);
        if (code != ExitCode.OK || counts.empty) {
            deleteQuietly(tmp);
            if (counts.empty) {
                ctx.err().println("record: no record of channel '" + channel + "' in " + samplesTopic
                    + " (in the time range); nothing written");
            }
            return code;
        }
        try {
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            ctx.err().println("record: cannot write " + output + ": " + e);
            return ExitCode.BAD_INPUT;
        }
        ctx.out().println("wrote " + output + " (" + counts.kept + " frames)");
        return ExitCode.OK;
    }

    private int copy(final String bootstrap, final String channel, final Path output, final Path tmp, final long now,
                     final byte[] key, final long from, final long to, final String samplesTopic,
                     final String alertsTopic, final Duration timeout, final Counts counts) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap);
             RunFileWriter w = RunFileWriter.create(tmp, now)) {
            w.note(now, "record", "recorded channel " + channel + " from " + samplesTopic + " and " + alertsTopic
                + " at " + bootstrap + (from == Long.MIN_VALUE ? "" : "; from " + Formats.instant(from))
                + (to == Long.MAX_VALUE ? "" : "; to " + Formats.instant(to)));
            final TelemetryRecordFlyweight envelope = new TelemetryRecordFlyweight();
            final byte[][] pendingChannel = new byte[1][];
            read(consumer, samplesTopic, timeout, counts, r -> {
                if (r.key() == null || !java.util.Arrays.equals(r.key(), key)) {
                    return;
                }
                final UnsafeBuffer buffer = new UnsafeBuffer(r.value());
                envelope.wrap(buffer, 0, r.value().length);
                if (envelope.validate() != null) {
                    counts.bad++;
                    return;
                }
                final long at = envelope.receivedAtMicros();
                final int type = buffer.getByte(envelope.frameOffset() + FrameDescriptor.TYPE_OFFSET) & 0xFF;
                if (at < from) {
                    if (type == FrameType.CHANNEL) {
                        pendingChannel[0] = r.value(); // the declaration in force when the range starts
                    }
                    return;
                }
                if (at >= to) {
                    return;
                }
                if (pendingChannel[0] != null) {
                    write(w, envelope, pendingChannel[0], counts);
                    pendingChannel[0] = null;
                    envelope.wrap(buffer, 0, r.value().length);
                }
                write(w, envelope, r.value(), counts);
            });
            ctx.out().println("samples topic " + samplesTopic + ": " + counts.read + " records read, " + counts.kept
                + " frames of " + channel + " kept" + (counts.bad == 0 ? "" : ", " + counts.bad + " invalid skipped"));
            if (counts.kept == 0) {
                counts.empty = true;
                return ExitCode.BAD_INPUT; // the file is deleted below, once closed
            }
            final List<Alert> alerts = new ArrayList<>();
            final long[] alertRecords = new long[1];
            final Counts alertCounts = new Counts();
            read(consumer, alertsTopic, timeout, alertCounts, r -> {
                alertRecords[0]++;
                final Alert a;
                try {
                    a = AlertJson.fromJson(r.value());
                } catch (RuntimeException e) {
                    alertCounts.bad++;
                    return;
                }
                if (a.channelId().equals(channel) && a.sampleTimeMicros() >= from && a.sampleTimeMicros() < to) {
                    alerts.add(a);
                }
            });
            w.alertSet(now, AlertOrigin.LIVE, EvaluateCommand.LIVE_LABEL, "alerts topic " + alertsTopic + " at "
                + bootstrap + " (read_committed)");
            for (Alert a : alerts) {
                w.alert(EvaluateCommand.LIVE_LABEL, a);
            }
            ctx.out().println("alerts topic " + alertsTopic + ": " + alertRecords[0] + " alerts read, "
                + alerts.size() + " of " + channel + " kept as alert set '" + EvaluateCommand.LIVE_LABEL + "'"
                + (alertCounts.bad == 0 ? "" : ", " + alertCounts.bad + " unreadable skipped"));
        } catch (KafkaException | TimeoutFailure e) {
            deleteQuietly(tmp);
            ctx.err().println("record: cannot read from Kafka at " + bootstrap + ": " + e.getMessage());
            return ExitCode.CONNECTION_FAILED;
        } catch (IOException e) {
            deleteQuietly(tmp);
            ctx.err().println("record: cannot write " + output + ": " + e);
            return ExitCode.BAD_INPUT;
        }
        return ExitCode.OK;
    }

    private static final class Counts {
        long read;
        long kept;
        long bad;
        boolean empty;
    }

    /** No record arrived for too long before the end offsets were reached. */
    private static final class TimeoutFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TimeoutFailure(final String message) {
            super(message);
        }
    }

    private interface RecordHandler {
        void handle(ConsumerRecord<byte[], byte[]> record) throws IOException;
    }

    private static void write(final RunFileWriter w, final TelemetryRecordFlyweight envelope, final byte[] value,
                              final Counts counts) throws IOException {
        final UnsafeBuffer buffer = new UnsafeBuffer(value);
        envelope.wrap(buffer, 0, value.length);
        try {
            w.frame(envelope.receivedAtMicros(), envelope.rigId(), buffer, envelope.frameOffset(),
                envelope.frameLength());
            counts.kept++;
        } catch (IllegalArgumentException e) {
            counts.bad++;
        }
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

    /** Reads every partition of {@code topic} from the beginning up to its end offsets now, in partition order. */
    private void read(final KafkaConsumer<byte[], byte[]> consumer, final String topic, final Duration timeout,
                      final Counts counts, final RecordHandler handler) throws IOException {
        final List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new KafkaException("topic " + topic + " does not exist");
        }
        final List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo i : infos) {
            partitions.add(new TopicPartition(topic, i.partition()));
        }
        partitions.sort(java.util.Comparator.comparingInt(TopicPartition::partition));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        final Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
        long total = 0;
        for (TopicPartition tp : partitions) {
            total += end.get(tp) - consumer.position(tp);
        }
        ctx.out().println("reading " + topic + ": " + partitions.size() + " partition"
            + (partitions.size() == 1 ? "" : "s") + ", " + total
            + " records up to the end offsets at start");
        long nextProgress = PROGRESS_EVERY;
        long lastData = System.nanoTime();
        while (true) {
            boolean done = true;
            for (TopicPartition tp : partitions) {
                if (consumer.position(tp) < end.get(tp)) {
                    done = false;
                }
            }
            if (done) {
                break;
            }
            final var records = consumer.poll(Duration.ofMillis(500));
            if (records.isEmpty()) {
                if (System.nanoTime() - lastData > timeout.toNanos()) {
                    throw new TimeoutFailure("no record from " + topic + " for " + timeout.toSeconds() + " s before "
                        + "its end offsets were reached");
                }
                continue;
            }
            lastData = System.nanoTime();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                final TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() >= end.get(tp)) {
                    continue; // written after the start
                }
                counts.read++;
                handler.handle(r);
            }
            if (counts.read >= nextProgress) {
                ctx.out().println(String.format(java.util.Locale.ROOT, "  %s: %d of %d records (%.0f %%)", topic,
                    counts.read, total, total == 0 ? 100.0 : 100.0 * counts.read / total));
                nextProgress = counts.read + PROGRESS_EVERY;
            }
            for (TopicPartition tp : partitions) {
                if (consumer.position(tp) >= end.get(tp)) {
                    consumer.pause(List.of(tp));
                }
            }
        }
        consumer.unsubscribe();
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
