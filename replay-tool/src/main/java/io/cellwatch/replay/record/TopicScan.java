package io.cellwatch.replay.record;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every partition of a topic from its beginning up to the end offsets taken when the scan starts (so it
 * always ends, however busy the topic), and hands the records on <b>merged by a time</b> (the gateway's receive time
 * for the samples topic): among the partitions, always the record with the smallest time at the head of its
 * partition; within a partition, offset order is kept.
 *
 * <p>Why merge: several channels live in several partitions, and the offline evaluation runs one wall clock for the
 * whole file (the silence check and time caps of one channel fire while others still send), as the live job's
 * processing-time clock does. Reading partition after partition would make that clock jump back and forth.
 *
 * <p>At most {@link #BUFFERED_PER_PARTITION} records are held per partition: a partition that is ahead is paused
 * until the others catch up, so memory does not grow with the topic.
 */
public final class TopicScan {
    /** Records held per partition while waiting for the others. */
    static final int BUFFERED_PER_PARTITION = 5_000;
    /** A progress line after this many records. */
    static final long PROGRESS_EVERY = 10_000;

    /** Takes each record in merged order. */
    public interface Handler {
        void handle(ConsumerRecord<byte[], byte[]> record) throws IOException;
    }

    /** No record arrived for too long before the end offsets were reached. */
    public static final class StalledException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StalledException(final String message) {
            super(message);
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PrintStream out;
    private final Duration timeout;
    private final LongSupplier nanoTime;

    public TopicScan(final KafkaConsumer<byte[], byte[]> consumer, final PrintStream out, final Duration timeout,
                     final LongSupplier nanoTime) {
        this.consumer = consumer;
        this.out = out;
        this.timeout = timeout;
        this.nanoTime = nanoTime;
    }

    /**
     * Scans {@code topic}.
     *
     * @param timeOf   the merge time of a record
     * @param progress what has been kept so far, for the progress lines
     * @return the records read
     */
    public long scan(final String topic, final ToLongFunction<ConsumerRecord<byte[], byte[]>> timeOf,
                     final Handler handler, final Supplier<String> progress) throws IOException {
        final List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new KafkaException("topic " + topic + " does not exist");
        }
        final List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo i : infos) {
            partitions.add(new TopicPartition(topic, i.partition()));
        }
        partitions.sort(Comparator.comparingInt(TopicPartition::partition));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        final Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
        final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffered = new HashMap<>();
        long total = 0;
        for (TopicPartition tp : partitions) {
            total += end.get(tp) - consumer.position(tp);
            buffered.put(tp, new ArrayDeque<>());
        }
        out.println("reading " + topic + ": " + partitions.size() + " partition" + (partitions.size() == 1 ? "" : "s")
            + ", " + total + " records up to the end offsets at start");
        final long started = nanoTime.getAsLong();
        long read = 0;
        long nextProgress = PROGRESS_EVERY;
        long lastData = started;
        while (true) {
            // Hand on records while every partition that may still deliver has one waiting.
            while (true) {
                TopicPartition next = null;
                long nextTime = Long.MAX_VALUE;
                boolean waiting = false;
                for (TopicPartition tp : partitions) {
                    final ConsumerRecord<byte[], byte[]> head = buffered.get(tp).peekFirst();
                    if (head == null) {
                        if (consumer.position(tp) < end.get(tp)) {
                            waiting = true;
                        }
                        continue;
                    }
                    final long t = timeOf.applyAsLong(head);
                    if (next == null || t < nextTime) {
                        next = tp;
                        nextTime = t;
                    }
                }
                if (waiting || next == null) {
                    break;
                }
                handler.handle(buffered.get(next).pollFirst());
                read++;
                if (read >= nextProgress) {
                    final double seconds = (nanoTime.getAsLong() - started) / 1e9;
                    out.println(String.format(Locale.ROOT, "progress %.1f s: %s %d of %d records (%.0f %%), %s, "
                            + "%.0f records/s", seconds, topic, read, total, total == 0 ? 100.0 : 100.0 * read / total,
                        progress.get(), seconds > 0 ? read / seconds : 0.0));
                    nextProgress = read + PROGRESS_EVERY;
                }
            }
            boolean done = true;
            final List<TopicPartition> pause = new ArrayList<>();
            final List<TopicPartition> resume = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                final boolean fetched = consumer.position(tp) >= end.get(tp);
                if (!fetched || !buffered.get(tp).isEmpty()) {
                    done = false;
                }
                if (fetched || buffered.get(tp).size() >= BUFFERED_PER_PARTITION) {
                    pause.add(tp);
                } else {
                    resume.add(tp);
                }
            }
            if (done) {
                break;
            }
            consumer.pause(pause);
            consumer.resume(resume);
            final ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
            if (records.isEmpty()) {
                if (nanoTime.getAsLong() - lastData > timeout.toNanos()) {
                    throw new StalledException("no record from " + topic + " for " + timeout.toSeconds()
                        + " s before its end offsets were reached");
                }
                continue;
            }
            lastData = nanoTime.getAsLong();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                final TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() < end.get(tp)) { // later records were written after the scan started
                    buffered.get(tp).addLast(r);
                }
            }
        }
        consumer.unsubscribe();
        return read;
    }
}
