package io.cellwatch.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import io.cellwatch.rig.ReceivedCommand;
import io.cellwatch.rig.RigClient;
import io.cellwatch.rig.RigListener;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two gateways on one Kafka cluster, as behind one load-balanced address: every COMMAND reaches the instance that
 * holds the rig's connection, exactly once, and follows the rig when it moves to the other gateway, including an
 * alert raised while the rig was connected nowhere (held for {@code gateway.command-hold-ms}). Alerts are written
 * to the alerts topic as the job writes them (key = channel id, value = alert JSON).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MultiGatewayCommandIT {
    private static final String ALERTS = "cellwatch.alerts";
    private static final int HOLD_MS = 3_000;
    /** Longer than the resend interval (1 s): a duplicate, had one been sent, would have arrived by then. */
    private static final long GRACE_MS = 1_500;

    private EmbeddedKafkaBroker broker;
    private CellWatchGateway gatewayA;
    private CellWatchGateway gatewayB;
    private AlertsTopicWriter alerts;
    private final List<AutoCloseable> rigs = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder().start();
        broker.createTopics(new NewTopic("cellwatch.samples", 2, (short) 1), new NewTopic(ALERTS, 2, (short) 1));
        gatewayA = gateway("gwA");
        gatewayB = gateway("gwB");
        alerts = new AlertsTopicWriter(broker.bootstrapServers(), ALERTS);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable r : rigs) {
            r.close();
        }
        if (alerts != null) {
            alerts.close();
        }
        for (CellWatchGateway g : new CellWatchGateway[] {gatewayA, gatewayB}) {
            if (g != null) {
                g.close();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    private CellWatchGateway gateway(final String id) throws InterruptedException {
        return new CellWatchGateway(GatewayConfig.from(Settings.of(Map.of(
            "kafka.bootstrap-servers", broker.bootstrapServers(),
            "gateway.instance-id", id,
            "gateway.rig-port", "0",
            "gateway.http-port", "-1",
            GatewayConfig.COMMAND_HOLD, Integer.toString(HOLD_MS))))).start();
    }

    /** Connects a rig to a gateway and declares its channel 1; returns once the gateway holds the channel. */
    private RigClient rig(final CellWatchGateway on, final String rigId, final List<String> commands)
        throws Exception {
        final RigClient rig = RigClient.connect("127.0.0.1", on.rigAddress().getPort(), rigId, "", new RigListener() {
            @Override
            public void onCommand(final ReceivedCommand c) {
                commands.add(c.alertId());
            }

            @Override
            public void onCommandRepeated(final ReceivedCommand c) {
                commands.add(c.alertId()); // every COMMAND frame counts here: a duplicate send must show
            }
        }, Duration.ofSeconds(10));
        rigs.add(rig);
        final long seq = rig.declareChannel(new ChannelDeclaration(1, rigId + "/ch01", "SN-" + rigId, "LOT-1",
            "cellwatch/monitor", 1, CellForm.POUCH, 2.0, Map.of()));
        // the gateway claims the channel before it stores the CHANNEL frame, so the ACK means it is claimed
        assertTrue(rig.awaitAcked(seq, Duration.ofSeconds(30)), "CHANNEL frame acknowledged");
        return rig;
    }

    /** Writes an alert as the job does and returns its id. */
    private String raise(final String rigId) throws Exception {
        return alerts.raiseStop(rigId).alertId();
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void shouldSendEachCommandOnceFromTheGatewayHoldingTheRigAndFollowTheRigToTheOtherGateway() throws Exception {
        final List<String> rig1 = new CopyOnWriteArrayList<>();
        final List<String> rig2 = new CopyOnWriteArrayList<>();
        final RigClient rig1OnA = rig(gatewayA, "rig1", rig1);
        rig(gatewayB, "rig2", rig2);

        // 1. each gateway sees both alerts; only the one holding the rig sends the command
        final String a1 = raise("rig1");
        final String a2 = raise("rig2");
        await(() -> rig1.size() >= 1 && rig2.size() >= 1, "both rigs have a command");
        await(() -> gatewayA.metrics().commandAckLatency.count() == 1
            && gatewayB.metrics().commandAckLatency.count() == 1, "both COMMAND_ACKs are recorded");
        Thread.sleep(GRACE_MS);
        assertEquals(List.of(a1), rig1);
        assertEquals(List.of(a2), rig2);
        assertEquals(1, gatewayA.metrics().commandsSent.sum());
        assertEquals(1, gatewayB.metrics().commandsSent.sum());
        assertEquals(1, gatewayA.metrics().commandsUndeliverable.sum(), "A saw rig2's alert and did not send it");
        assertEquals(1, gatewayB.metrics().commandsUndeliverable.sum(), "B saw rig1's alert and did not send it");
        for (CellWatchGateway g : new CellWatchGateway[] {gatewayA, gatewayB}) {
            assertEquals(1, g.metrics().commandDispatchLatency.count(), "alert -> COMMAND written, once");
            assertEquals(1, g.metrics().sampleToAckLatency.count(), "sample -> COMMAND_ACK, once");
            assertEquals(0, g.metrics().commandsResent.sum(), "acknowledged at once, never resent");
        }

        // 2. rig1 moves to B after the hold window: B does not repeat a1, and sends rig1's next alert
        Thread.sleep(HOLD_MS);
        rig1OnA.close();
        final RigClient rig1OnB = rig(gatewayB, "rig1", rig1);
        final String a3 = raise("rig1");
        await(() -> rig1.size() >= 2, "rig1 has its second command");
        Thread.sleep(GRACE_MS);
        assertEquals(List.of(a1, a3), rig1, "a3 once, and no repeat of a1");
        assertEquals(1, gatewayA.metrics().commandsSent.sum(), "A no longer holds rig1");
        assertEquals(2, gatewayB.metrics().commandsSent.sum());
        assertEquals(List.of(a2), rig2);

        // 3. an alert raised while rig1 is connected nowhere reaches it when it connects within the hold window.
        // First let A's copy of a3 expire: a rig that moves back within the window would get a3 again, with the
        // same id, which the rig ignores (docs/deploy.md, section 3: at-least-once across a quick move).
        await(() -> gatewayA.metrics().commandsHeldExpired.sum() >= 2, "A dropped its copies of a2 and a3");
        rig1OnB.close();
        await(() -> gatewayB.metrics().connectionsActive.sum() == 1, "B noticed rig1 left");
        final long heldBefore = gatewayA.metrics().commandsHeld.sum();
        final String a4 = raise("rig1");
        await(() -> gatewayA.metrics().commandsHeld.sum() > heldBefore, "A holds rig1's alert");
        rig(gatewayA, "rig1", rig1);
        await(() -> rig1.size() >= 3, "rig1 has the alert raised while it was away");
        Thread.sleep(GRACE_MS);
        assertEquals(List.of(a1, a3, a4), rig1);
        assertEquals(2, gatewayA.metrics().commandsSent.sum(), "A sent a4 on the new connection");
        assertEquals(1, gatewayA.metrics().commandsHeldDelivered.sum());
        assertEquals(2, gatewayB.metrics().commandsSent.sum(), "B never had rig1 again");
        await(() -> gatewayB.metrics().commandsHeldExpired.sum() >= 2, "B dropped a1 and a4 after the window");
    }
}
