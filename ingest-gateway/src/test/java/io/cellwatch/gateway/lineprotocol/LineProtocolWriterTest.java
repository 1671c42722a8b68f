package io.cellwatch.gateway.lineprotocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.FrameFlyweight;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.FrameValidator;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.gateway.kafka.RecordPublisher;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Line-protocol points become the same records as rig frames; the request completes only when Kafka has them. */
class LineProtocolWriterTest {
    private record Sent(String key, byte[] value, RecordPublisher.Completion completion) { }

    private final List<Sent> sent = new ArrayList<>();
    private final LineProtocolWriter writer = new LineProtocolWriter(new RecordPublisher() {
        @Override
        public void publish(final String channelId, final byte[] value, final Completion completion) {
            sent.add(new Sent(channelId, value, completion));
        }

        @Override
        public void close() {
        }
    }, ProcedureLibrary.builtIn());

    private static UnsafeBuffer frameOf(final byte[] value) {
        final UnsafeBuffer buf = new UnsafeBuffer(value);
        final TelemetryRecordFlyweight r = new TelemetryRecordFlyweight().wrap(buf, 0, value.length);
        final UnsafeBuffer frame = new UnsafeBuffer(value, r.frameOffset(), r.frameLength());
        assertEquals(r.frameLength(), FrameValidator.check(frame, 0, r.frameLength(), Integer.MAX_VALUE));
        return frame;
    }

    @Test
    void shouldDeclareTheChannelOnceAndBatchItsSamplesWhenPointsArrive() throws Exception {
        final CompletableFuture<Integer> done = writer.write(LineProtocolParser.parse(String.join("\n",
            "cell,channel=rigA/ch03,serial=S1,lot=L1,procedure=pse-app9/overcharge-protection@1 voltage=4.12,current=1.0,temp=25.3 1000",
            "cell,channel=rigA/ch03 voltage=4.13,current=1.0 2000"), "us"), null);
        assertEquals(2, sent.size(), "CHANNEL, then one SAMPLES record");
        assertEquals("rigA/ch03", sent.get(0).key());
        final UnsafeBuffer channel = frameOf(sent.get(0).value());
        assertEquals(FrameType.CHANNEL, FrameFlyweight.frameType(channel, 0));
        final ChannelFlyweight c = new ChannelFlyweight();
        c.wrap(channel, 0);
        assertEquals("pse-app9/overcharge-protection", c.declaration().procedureId());
        assertEquals("S1", c.declaration().cellSerial());
        final SamplesFlyweight s = new SamplesFlyweight().wrap(frameOf(sent.get(1).value()), 0);
        assertEquals(2, s.sampleCount());
        assertEquals(1000L, s.timestampMicros(0));
        assertEquals(4.13f, s.voltage(1));
        assertTrue(Float.isNaN(s.cellTemperature(1)), "absent field stays absent");
        assertTrue(s.sequence() > c.sequence(), "sequences rise like a rig's");

        assertFalse(done.isDone(), "not answered before Kafka holds the records");
        sent.forEach(x -> x.completion().onComplete(null));
        assertEquals(2, done.get());

        writer.write(LineProtocolParser.parse("cell,channel=rigA/ch03,serial=S1,lot=L1,procedure=pse-app9/overcharge-protection@1 voltage=4.14 3000", "us"), null);
        assertEquals(3, sent.size(), "an unchanged channel is not declared again");
    }

    @Test
    void shouldRefuseAPointStampedFurtherAheadThanTheSkewLimitAndWriteNothingOfTheRequest() throws Exception {
        final long nowSeconds = System.currentTimeMillis() / 1000;
        final long eightDaysAhead = nowSeconds + 8 * 24 * 3600;
        final LineProtocolException e = assertThrows(LineProtocolException.class, () -> writer.write(
            LineProtocolParser.parse("cell,channel=rigA/ch01 voltage=4.0 " + nowSeconds + "\n"
                + "cell,channel=rigA/ch01 voltage=4.0 " + eightDaysAhead, "s"), null));
        assertTrue(e.timestampInFuture(), e.getMessage());
        assertTrue(e.getMessage().startsWith("line 2: ") && e.getMessage().contains("ahead"), e.getMessage());
        assertEquals(List.of(), sent, "a bad point refuses the whole request");
        // the same point as a raw-TCP line: check() says why, so the listener can count it by reason
        assertTrue(assertThrows(LineProtocolException.class, () -> writer.check(LineProtocolParser.parse(
            "cell,channel=rigA/ch01 voltage=4.0 " + eightDaysAhead, "s").get(0), null)).timestampInFuture());
        // six days ahead is within the default seven (rig clocks a day off are accepted on purpose)
        writer.check(LineProtocolParser.parse("cell,channel=rigA/ch01 voltage=4.0 " + (nowSeconds + 6 * 24 * 3600),
            "s").get(0), null);
    }

    @Test
    void shouldFailTheRequestWhenKafkaFails() throws Exception {
        final CompletableFuture<Integer> done = writer.write(
            LineProtocolParser.parse("cell,channel=rigA/ch01 voltage=4.0 1", "s"), null);
        sent.get(0).completion().onComplete(null);
        sent.get(1).completion().onComplete(new RuntimeException("broker down"));
        assertTrue(done.isCompletedExceptionally());
    }

    @Test
    void shouldRefuseTheWholeRequestWhenOnePointIsUnusable() throws Exception {
        assertThrows(LineProtocolException.class, () -> writer.write(LineProtocolParser.parse(
            "cell,channel=a/1 voltage=4\ncell current=1,voltage=4", "ns"), null));
        assertThrows(LineProtocolException.class, () -> writer.write(LineProtocolParser.parse(
            "cell,channel=a/1 current=1", "ns"), null));
        assertThrows(LineProtocolException.class, () -> writer.write(LineProtocolParser.parse(
            "cell,channel=a/1,procedure=nope@9 voltage=4", "ns"), null));
        assertThrows(LineProtocolException.class, () -> writer.write(LineProtocolParser.parse(
            "cell,channel=rigB/1 voltage=4", "ns"), "rigA"), "a token for rigA cannot write rigB's channels");
        assertTrue(sent.isEmpty(), "nothing of a refused request is written");
    }
}
