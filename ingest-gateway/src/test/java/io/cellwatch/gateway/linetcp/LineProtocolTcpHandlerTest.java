package io.cellwatch.gateway.linetcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.gateway.StoredSamples;
import io.cellwatch.gateway.StoredSamples.Sample;
import io.cellwatch.gateway.kafka.RecordPublisher;
import io.cellwatch.gateway.lineprotocol.LineProtocolWriter;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.cellwatch.gateway.metrics.GatewayMetrics.LineRejection;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The raw-TCP line-protocol pipeline (line splitter + handler) on an EmbeddedChannel, with a publisher the test
 * completes by hand: batching per read, fragmented lines, bad lines skipped by reason, oversize lines closing the
 * connection, back-pressure while Kafka is behind, and the configured precision.
 */
class LineProtocolTcpHandlerTest {
    /** Records what was published; the test completes each send when it wants. */
    private record Sent(String channelId, byte[] value, RecordPublisher.Completion completion) { }

    private final List<Sent> sent = new ArrayList<>();
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final LineProtocolWriter writer = new LineProtocolWriter(new RecordPublisher() {
        @Override
        public void publish(final String channelId, final byte[] value, final Completion completion) {
            sent.add(new Sent(channelId, value, completion));
        }

        @Override
        public void close() {
        }
    }, ProcedureLibrary.builtIn());
    private EmbeddedChannel ch;

    private EmbeddedChannel connection(final String precision, final int maxLine) {
        // the initializer's two handlers (it is typed for real sockets, which an EmbeddedChannel is not)
        ch = new EmbeddedChannel(new TerminatedLineDecoder(maxLine, metrics),
            new LineProtocolTcpHandler(writer, precision, metrics));
        return ch;
    }

    @AfterEach
    void release() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
    }

    private static void read(final EmbeddedChannel ch, final String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private List<Sample> samples() {
        final List<Sample> out = new ArrayList<>();
        sent.forEach(s -> out.addAll(StoredSamples.of(s.channelId(), s.value())));
        return out;
    }

    private void completeAll(final Exception failure) {
        sent.forEach(s -> s.completion().onComplete(failure));
        ch.runPendingTasks();
    }

    @Test
    void shouldStoreOneBatchPerReadAndJoinALineSplitAcrossReads() {
        final EmbeddedChannel c = connection("ns", 4096);
        read(c, "cell,channel=labA/ch01,serial=S1 voltage=4.10,current=1.5 1790000000000000000\n"
            + "cell,channel=labA/ch01,serial=S1 voltage=4.11 1790000000001000000\ncell,chan");
        assertEquals(2, sent.size(), "CHANNEL, then one SAMPLES record for both complete lines");
        read(c, "nel=labA/ch01,serial=S1 voltage=4.12 1790000000002000000\r\n");
        assertEquals(3, sent.size(), "the split line is one point in the next batch");
        assertEquals(List.of(new Sample("labA/ch01", 1_790_000_000_000_000L, 4.10f),
            new Sample("labA/ch01", 1_790_000_000_001_000L, 4.11f),
            new Sample("labA/ch01", 1_790_000_000_002_000L, 4.12f)), samples());
        assertEquals(0, metrics.lineProtocolTcpPointsIn.sum(), "counted only once Kafka has them");
        completeAll(null);
        assertEquals(3, metrics.lineProtocolTcpPointsIn.sum());
        assertTrue(c.isActive());
    }

    @Test
    void shouldReadTimestampsInTheConfiguredPrecision() {
        final EmbeddedChannel c = connection("s", 4096);
        read(c, "cell,channel=labA/ch01 voltage=4.1 1790000000\n");
        assertEquals(1_790_000_000_000_000L, samples().get(0).timestampMicros());
    }

    @Test
    void shouldSkipBadLinesCountingTheReasonAndKeepTheConnectionOpen() {
        final EmbeddedChannel c = connection("ns", 4096);
        read(c, "cell,channel=labA/ch01 voltage=4.10 1790000000000000000\n"
            + "this is not line protocol\n"
            + "cell,channel=labA/ch01 current=1.0 1790000000001000000\n" // no voltage: parses, does not map
            + "# a comment\n\n"
            + "cell,channel=labA/ch01 voltage=4.13 1790000000003000000\n");
        assertTrue(c.isActive(), "a bad line does not end the connection");
        assertEquals(1, metrics.linesRejectedCount(LineRejection.INVALID_LINE));
        assertEquals(1, metrics.linesRejectedCount(LineRejection.UNMAPPABLE));
        assertEquals(List.of(4.10f, 4.13f), samples().stream().map(Sample::voltage).toList());
        read(c, "cell,channel=labA/ch01 voltage=4.14 1790000000004000000\n");
        assertEquals(3, samples().size(), "lines after the bad ones are still stored");
    }

    @Test
    void shouldStoreTheLinesBeforeAnOversizeLineThenCloseTheConnection() {
        final EmbeddedChannel c = connection("ns", 256);
        read(c, "cell,channel=labA/ch01 voltage=4.10 1790000000000000000\ncell,channel=labA/ch01 voltage="
            + "9".repeat(300));
        assertFalse(c.isActive(), "an oversize line closes the connection");
        assertEquals(1, metrics.linesRejectedCount(LineRejection.LINE_TOO_LONG));
        assertEquals(List.of(4.10f), samples().stream().map(Sample::voltage).toList());
    }

    @Test
    void shouldDropAndCountAnUnterminatedLineWhenTheConnectionCloses() {
        final EmbeddedChannel c = connection("ns", 4096);
        read(c, "cell,channel=labA/ch01 voltage=4.10 1790000000000000000\ncell,channel=labA/ch01 voltage=4.1");
        c.close();
        assertEquals(1, metrics.linesRejectedCount(LineRejection.TRUNCATED));
        assertEquals(List.of(4.10f), samples().stream().map(Sample::voltage).toList(), "4.1 may be 4.15 cut off");
    }

    @Test
    void shouldStopReadingWhileKafkaIsBehindAndResumeAtHalf() {
        final EmbeddedChannel c = connection("ns", 4096);
        for (int i = 0; i < LineProtocolTcpHandler.MAX_BATCHES_IN_FLIGHT; i++) {
            assertTrue(c.config().isAutoRead(), "still reading after " + i + " batches");
            read(c, "cell,channel=labA/ch01 voltage=4.1 " + (1790000000000000000L + i) + "\n");
        }
        assertFalse(c.config().isAutoRead(), "paused with every batch waiting for Kafka");
        assertEquals(1, metrics.backpressurePauses.sum());
        // sent[0] is the CHANNEL record of the first batch: complete it and the first half of the batches
        for (int i = 0; i <= LineProtocolTcpHandler.MAX_BATCHES_IN_FLIGHT / 2; i++) {
            sent.get(i).completion().onComplete(null);
        }
        c.runPendingTasks();
        assertTrue(c.config().isAutoRead(), "resumed at half");
    }

    @Test
    void shouldCloseAndCountWhenKafkaDoesNotTakeABatch() {
        final EmbeddedChannel c = connection("ns", 4096);
        read(c, "cell,channel=labA/ch01 voltage=4.1 1\ncell,channel=labA/ch01 voltage=4.2 2\n");
        completeAll(new IllegalStateException("broker down"));
        assertFalse(c.isActive(), "the client learns of the loss by its next write failing");
        assertEquals(2, metrics.linesRejectedCount(LineRejection.STORAGE_UNAVAILABLE));
        assertEquals(0, metrics.lineProtocolTcpPointsIn.sum());
    }
}
