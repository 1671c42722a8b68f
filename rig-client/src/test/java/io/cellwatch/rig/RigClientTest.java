package io.cellwatch.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client against a stand-in gateway on a loopback socket ({@link GatewayPeer}): automatic reconnect with
 * back-off and resend, a sender racing a reconnect, the silent-gateway callback, COMMAND_ACK held back by the rig.
 * The peer refuses what the real gateway refuses (a sequence that does not rise, an undeclared channel).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RigClientTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ChannelDeclaration CH1 = new ChannelDeclaration(1, "rig/ch01", "SN1", "LOT1",
        "cellwatch/monitor", 1, CellForm.POUCH, 2.0, Map.of());

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    /** Remembers every callback, for asserting on after the fact. */
    private static class Recorder implements RigListener {
        final List<Integer> errors = new CopyOnWriteArrayList<>();
        final List<Integer> failedAttempts = new CopyOnWriteArrayList<>();
        final List<Long> nextDelays = new CopyOnWriteArrayList<>();
        final CountDownLatch restored = new CountDownLatch(1);
        final AtomicReference<int[]> restoredAt = new AtomicReference<>();
        final CountDownLatch silent = new CountDownLatch(1);
        volatile long silentMillis;
        final CountDownLatch disconnected = new CountDownLatch(1);
        final List<ReceivedCommand> commands = new CopyOnWriteArrayList<>();
        final List<String> repeats = new CopyOnWriteArrayList<>();

        @Override
        public void onError(final int code, final String message) {
            errors.add(code);
        }

        @Override
        public void onReconnectAttemptFailed(final int attempt, final Throwable cause, final long nextDelayMillis) {
            failedAttempts.add(attempt);
            nextDelays.add(nextDelayMillis);
        }

        @Override
        public void onConnectionRestored(final int attempt, final int resentFrames) {
            restoredAt.set(new int[] {attempt, resentFrames});
            restored.countDown();
        }

        @Override
        public void onGatewaySilent(final long millis) {
            silentMillis = millis;
            silent.countDown();
        }

        @Override
        public void onDisconnected(final Throwable cause) {
            disconnected.countDown();
        }

        @Override
        public void onCommandRepeated(final ReceivedCommand command) {
            repeats.add(command.alertId());
        }

        @Override
        public void onCommand(final ReceivedCommand command) {
            commands.add(command);
        }
    }

    private GatewayPeer peer() throws IOException {
        final GatewayPeer p = new GatewayPeer();
        closeables.add(p);
        return p;
    }

    private RigClient connect(final GatewayPeer peer, final RigListener listener, final RigClientOptions options)
        throws Exception {
        final RigClient c = RigClient.connect("127.0.0.1", peer.port(), "rig", "", listener, options);
        closeables.add(0, c); // closed before the peer
        return c;
    }

    private static SampleBatch batch(final long t) {
        return new SampleBatch(1).add(t, 3.7f, 1f, 25f, Float.NaN, Float.NaN);
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void shouldReconnectWithDoublingBackoffAndResendTheUnackedFramesInOrderWhenTheGatewayDropsTheConnection()
        throws Exception {
        final GatewayPeer peer = peer();
        peer.acking = false;
        final Recorder events = new Recorder();
        final ReconnectPolicy backoff = new ReconnectPolicy(Duration.ofMillis(20), Duration.ofMillis(60), 0.5);
        final RigClient rig = connect(peer, events, RigClientOptions.defaults().withReconnect(backoff));
        final List<String> sent = new ArrayList<>();
        sent.add("CHANNEL " + rig.declareChannel(CH1));
        for (int i = 0; i < 5; i++) {
            sent.add("SAMPLES " + rig.sendSamples(1, batch(i)));
        }
        await(() -> peer.lastSession().size() == 6, "the peer has the first six frames");

        peer.refuseNext.set(2); // the first two reconnect attempts find the gateway not ready
        peer.dropConnections();
        assertTrue(events.restored.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "reconnected");

        assertEquals(List.of(1, 2), events.failedAttempts);
        // after attempt 1 the delay is 40 ms doubled from 20, then capped at 60; jitter takes off up to half
        assertTrue(events.nextDelays.get(0) >= 20 && events.nextDelays.get(0) <= 40, "delay 2 " + events.nextDelays);
        assertTrue(events.nextDelays.get(1) >= 30 && events.nextDelays.get(1) <= 60, "delay 3 " + events.nextDelays);
        assertEquals(3, events.restoredAt.get()[0], "attempt that succeeded");
        assertEquals(6, events.restoredAt.get()[1], "declaration and five unacknowledged frames resent");
        await(() -> peer.lastSession().size() == 6, "the peer has the resends");
        assertEquals(sent, peer.lastSession(), "resent unchanged, with the original sequence numbers, in order");
        assertEquals(2, peer.sessions.size());

        peer.acking = true;
        final long next = rig.sendSamples(1, batch(5));
        assertTrue(rig.awaitAcked(next, WAIT));
        assertEquals(0, rig.unackedCount());
        assertEquals(List.of(), events.errors);
    }

    @Test
    void shouldKeepFramesSentWhileDisconnectedAndSendThemAfterTheAutomaticReconnect() throws Exception {
        final GatewayPeer peer = peer();
        final Recorder events = new Recorder();
        final RigClient rig = connect(peer, events, RigClientOptions.defaults()
            .withReconnect(new ReconnectPolicy(Duration.ofMillis(10), Duration.ofMillis(10), 0)));
        final long declared = rig.declareChannel(CH1);
        assertTrue(rig.awaitAcked(declared, WAIT));
        peer.refuseNext.set(Integer.MAX_VALUE); // the gateway stays away
        peer.dropConnections();
        await(() -> !rig.isConnected(), "the client noticed the break");
        final long whileAway = rig.sendSamples(1, batch(1)); // no exception: queued for the resend
        assertEquals(1, rig.unackedCount());
        peer.refuseNext.set(0);
        assertTrue(rig.awaitAcked(whileAway, WAIT), "sent and acknowledged after the reconnect");
        assertEquals(List.of("CHANNEL " + declared, "SAMPLES " + whileAway), peer.lastSession(),
            "the channel declared again (acknowledged, but the newest for its number), then the queued frame");
    }

    @Test
    void shouldNeverLetAConcurrentSendersFrameOvertakeTheResendsOfAReconnect() throws Exception {
        final GatewayPeer peer = peer();
        peer.acking = false; // everything stays unacknowledged: every reconnect resends all of it
        final Recorder events = new Recorder();
        final RigClient rig = connect(peer, events, RigClientOptions.defaults());
        final List<String> sent = new CopyOnWriteArrayList<>();
        sent.add("CHANNEL " + rig.declareChannel(CH1));
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread sender = new Thread(() -> {
            long t = 0;
            while (!stop.get()) {
                try {
                    sent.add("SAMPLES " + rig.sendSamples(1, batch(t++)));
                } catch (IOException e) {
                    // the old connection is closed under us: the frame is kept and resent by the next reconnect
                }
            }
        }, "racing-sender");
        sender.start();
        try {
            for (int i = 0; i < 30; i++) {
                await(() -> sent.size() > 1, "the sender is running");
                rig.reconnect(WAIT);
            }
        } finally {
            stop.set(true);
            sender.join();
        }
        rig.reconnect(WAIT); // one more, after the sender stopped: it must resend everything
        assertEquals(List.of(), events.errors, "the gateway never refused a frame");
        assertEquals(0, peer.errorsSent.get());
        final List<Long> all = rig.unackedSequences(); // nothing is ACKed: every frame ever allocated, ascending
        await(() -> peer.lastSession().size() == all.size(), "the last connection has every frame");
        final List<Long> received = peer.lastSession().stream().map(l -> Long.parseLong(l.split(" ")[1])).toList();
        assertTrue(received.equals(all), "the last connection received every frame once, in sequence order ("
            + received.size() + " received, " + all.size() + " allocated)");
        final List<Long> returned = sent.stream().map(l -> Long.parseLong(l.split(" ")[1])).toList();
        assertTrue(all.containsAll(returned), "every sequence a send returned is among them");
    }

    @Test
    void shouldTellTheRigWhenTheGatewayFallsSilentForThreeHeartbeatIntervals() throws Exception {
        final GatewayPeer peer = peer();
        peer.heartbeatMillis = 50;
        peer.silentAfterHello = true;
        final Recorder events = new Recorder();
        final RigClient rig = connect(peer, events, RigClientOptions.defaults());
        rig.declareChannel(CH1); // the peer takes it and says nothing, not even a HEARTBEAT
        assertTrue(events.silent.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "onGatewaySilent");
        assertEquals(150, events.silentMillis, "three intervals of the 50 ms the gateway named");
        assertTrue(events.disconnected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the connection is dropped");
        assertFalse(rig.isConnected());
        assertEquals(1, rig.unackedCount(), "the declaration stays for the resend");
    }

    @Test
    void shouldHoldBackCommandAckUntilTheRigAcknowledges() throws Exception {
        final GatewayPeer peer = peer();
        peer.commandsOnDeclare = List.of("a1", "a2");
        final AtomicReference<RigClient> client = new AtomicReference<>();
        final List<Long> marks = new CopyOnWriteArrayList<>();
        final Recorder events = new Recorder() {
            @Override
            public void onCommand(final ReceivedCommand command) {
                super.onCommand(command);
                try {
                    // a frame of our own after each COMMAND: an automatic COMMAND_ACK would come between the two
                    marks.add(client.get().sendMark(1, 1, command.sampleTimeMicros()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        final RigClient rig = connect(peer, events, RigClientOptions.defaults().withManualCommandAcks(true));
        client.set(rig);
        final long declared = rig.declareChannel(CH1);
        await(() -> events.commands.size() == 2 && marks.size() == 2, "both commands handled");
        rig.acknowledgeCommand("a1");
        await(() -> peer.lastSession().size() == 4, "the peer has the COMMAND_ACK");
        assertEquals(List.of("CHANNEL " + declared, "MARK " + marks.get(0), "MARK " + marks.get(1), "COMMAND_ACK a1"),
            peer.lastSession(), "no COMMAND_ACK before the rig gave one, and only the one it gave");
    }

    @Test
    void shouldAnswerEachCommandAtOnceByDefault() throws Exception {
        final GatewayPeer peer = peer();
        peer.commandsOnDeclare = List.of("a1");
        final RigClient rig = connect(peer, new Recorder(), RigClientOptions.defaults());
        final long declared = rig.declareChannel(CH1);
        await(() -> peer.lastSession().size() == 2, "the peer has the COMMAND_ACK");
        assertEquals(List.of("CHANNEL " + declared, "COMMAND_ACK a1"), peer.lastSession());
    }

    @Test
    void shouldDeliverARepeatedCommandOnceAndAcknowledgeEveryRepeat() throws Exception {
        final GatewayPeer peer = peer();
        peer.commandsOnDeclare = List.of("a1", "a1", "a2", "a1"); // resends, as the gateway makes them
        final Recorder events = new Recorder();
        final RigClient rig = connect(peer, events, RigClientOptions.defaults());
        final long declared = rig.declareChannel(CH1);
        await(() -> peer.lastSession().size() == 5, "the peer has four COMMAND_ACKs");
        assertEquals(List.of("a1", "a2"), events.commands.stream().map(ReceivedCommand::alertId).toList(),
            "the rig acts once per alert");
        assertEquals(List.of("a1", "a1"), events.repeats, "the repeats are reported as such");
        assertEquals(List.of("CHANNEL " + declared, "COMMAND_ACK a1", "COMMAND_ACK a1", "COMMAND_ACK a2",
            "COMMAND_ACK a1"), peer.lastSession(), "every repeat acknowledged, so the gateway stops resending");
    }

    @Test
    void shouldNotAnswerARepeatTheRigHasNotAcknowledgedYetWithManualAcks() throws Exception {
        final GatewayPeer peer = peer();
        peer.commandsOnDeclare = List.of("a1", "a1", "a2");
        final Recorder events = new Recorder();
        final RigClient rig = connect(peer, events, RigClientOptions.defaults().withManualCommandAcks(true));
        final long declared = rig.declareChannel(CH1);
        // a2 comes after the repeat on the same stream: once it is delivered, the repeat was read and not answered
        await(() -> events.commands.size() == 2, "both commands delivered");
        final long mark = rig.sendMark(1, 1, 5L);
        rig.acknowledgeCommand("a1");
        await(() -> peer.lastSession().size() == 3, "the peer has the COMMAND_ACK");
        assertEquals(List.of("CHANNEL " + declared, "MARK " + mark, "COMMAND_ACK a1"), peer.lastSession());
        assertEquals(List.of("a1", "a2"), events.commands.stream().map(ReceivedCommand::alertId).toList(),
            "the repeat was not delivered again");
    }

    @Test
    void shouldStopReconnectingWhenTheGatewayRefusesTheRigForGood() throws Exception {
        final GatewayPeer peer = peer();
        final AtomicReference<Integer> abandoned = new AtomicReference<>();
        final CountDownLatch gaveUp = new CountDownLatch(1);
        final RigClient rig = connect(peer, new RigListener() {
            @Override
            public void onReconnectAbandoned(final int errorCode, final String message) {
                abandoned.set(errorCode);
                gaveUp.countDown();
            }
        }, RigClientOptions.defaults().withReconnect(new ReconnectPolicy(Duration.ofMillis(10), Duration.ofMillis(10),
            0)));
        rig.declareChannel(CH1);
        rig.sendSamples(2, batch(1)); // channel 2 was never declared: UNKNOWN_CHANNEL, which a resend cannot fix
        assertTrue(gaveUp.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "onReconnectAbandoned");
        assertEquals(io.cellwatch.core.codec.ErrorCode.UNKNOWN_CHANNEL.code(), abandoned.get());
        assertEquals(1, peer.accepted.get(), "no reconnect attempt");
    }
}
