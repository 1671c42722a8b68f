package io.cellwatch.gateway.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import org.junit.jupiter.api.Test;

/** Command delivery, resend until COMMAND_ACK, escalation, and channel ownership, driven with explicit ticks. */
class CommandRouterTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** A connection that records what it was sent. */
    private static final class Target implements CommandTarget {
        final String rig;
        final List<String> sent = new ArrayList<>();
        boolean active = true;
        boolean superseded;

        Target(final String rig) {
            this.rig = rig;
        }

        @Override
        public void sendCommand(final Alert alert) {
            sent.add(alert.alertId());
        }

        @Override
        public String rigId() {
            return rig;
        }

        @Override
        public boolean isActive() {
            return active;
        }

        @Override
        public void supersede() {
            superseded = true;
            active = false;
        }
    }

    private final GatewayMetrics metrics = new GatewayMetrics();
    private final List<Alert> escalations = new ArrayList<>();
    private final List<Alert> seen = new ArrayList<>();
    private final CommandRouter router = new CommandRouter(metrics, seen::add, escalations::add, 1000, 5000);

    private static Alert alert(final String id, final String channel, final String rule) {
        return new Alert(id, channel, "rigA", "SN", "LOT", "p", 1, rule, AlertClass.SAFETY, StopAction.STOP, 42L,
            4.3, Double.NaN, 4.25, "V", 1L, false, "r", "over-limit");
    }

    @Test
    void shouldResendUntilAcknowledgedAndEscalateOnceAfterTheDeadline() {
        final Target rig = new Target("rigA");
        assertTrue(router.claim("rigA/ch1", rig));
        assertTrue(router.deliver(alert("a1", "rigA/ch1", "upper-charge-voltage")));
        final long t0 = System.nanoTime();
        router.tick(t0 + 500 * MS);
        assertEquals(List.of("a1"), rig.sent, "not yet due for a resend");
        router.tick(t0 + 1_100 * MS);
        router.tick(t0 + 2_200 * MS);
        assertEquals(List.of("a1", "a1", "a1"), rig.sent);
        router.tick(t0 + 5_100 * MS);
        router.tick(t0 + 6_300 * MS);
        assertEquals(1, escalations.size(), "escalated once");
        final Alert e = escalations.get(0);
        assertEquals(CommandRouter.ESCALATION_RULE, e.rule());
        assertEquals(AlertClass.DATA_QUALITY, e.alertClass());
        assertEquals("rigA/ch1", e.channelId());
        assertTrue(e.reason().contains("a1"), e.reason());
        assertTrue(router.acknowledged("a1"));
        final int before = rig.sent.size();
        router.tick(t0 + 20_000 * MS);
        assertEquals(before, rig.sent.size(), "no resend after COMMAND_ACK");
        assertEquals(0, router.pendingCount());
    }

    @Test
    void shouldSendPendingCommandsAgainAtOnceWhenTheRigReconnects() {
        final Target first = new Target("rigA");
        router.claim("rigA/ch1", first);
        router.deliver(alert("a1", "rigA/ch1", "voltage-drop"));
        first.active = false; // connection lost before COMMAND_ACK
        final Target second = new Target("rigA");
        assertTrue(router.claim("rigA/ch1", second));
        assertEquals(List.of("a1"), second.sent);
    }

    @Test
    void shouldRefuseAChannelHeldByAnotherRigsLiveConnectionAndLetTheSameRigTakeItOver() {
        final Target a = new Target("rigA");
        assertTrue(router.claim("shared/ch1", a));
        assertFalse(router.claim("shared/ch1", new Target("rigB")), "CHANNEL_CONFLICT");
        final Target a2 = new Target("rigA");
        assertTrue(router.claim("shared/ch1", a2));
        assertTrue(a.superseded, "the older connection of the same rig is closed");
        assertEquals(a2, router.owner("shared/ch1"));
    }

    @Test
    void shouldNeverTurnTheGatewaysOwnAlertsIntoCommands() {
        final Target rig = new Target("rigA");
        router.claim("rigA/ch1", rig);
        assertFalse(router.deliver(alert("e1", "rigA/ch1", CommandRouter.ESCALATION_RULE)));
        assertTrue(rig.sent.isEmpty());
        assertEquals(1, seen.size(), "but screens see it");
    }

    @Test
    void shouldDeliverEachAlertIdOnce() {
        final Target rig = new Target("rigA");
        router.claim("rigA/ch1", rig);
        router.deliver(alert("a1", "rigA/ch1", "upper-charge-voltage"));
        router.deliver(alert("a1", "rigA/ch1", "upper-charge-voltage"));
        assertEquals(List.of("a1"), rig.sent);
        assertEquals(1, metrics.commandsDuplicate.sum());
    }

    @Test
    void shouldMeasureTheDispatchLatencyFromWhenTheConsumerReceivedTheAlert() {
        final Target rig = new Target("rigA");
        router.claim("rigA/ch1", rig);
        // received 20 ms before it reached the router (e.g. parsing, or an earlier record of the same poll)
        router.deliver(alert("a1", "rigA/ch1", "upper-charge-voltage"), System.nanoTime() - 20_000_000L);
        router.written("a1");
        final StringBuilder text = new StringBuilder();
        metrics.commandDispatchLatency.appendPrometheus(text);
        assertTrue(text.toString().contains("cellwatch_gateway_command_dispatch_seconds_bucket{le=\"0.01\"} 0\n"),
            "at least the 20 ms since receipt: " + text);
        assertTrue(text.toString().contains("cellwatch_gateway_command_dispatch_seconds_count 1\n"), text.toString());
    }

    @Test
    void shouldRecordDispatchAndAckLatencyOncePerCommandWhenItIsWrittenAndAcknowledged() {
        final Target rig = new Target("rigA");
        router.claim("rigA/ch1", rig);
        router.deliver(alert("a1", "rigA/ch1", "upper-charge-voltage"));
        router.written("a1");
        router.written("a1"); // a resend: the dispatch latency is the first write's
        assertEquals(1, metrics.commandDispatchLatency.count());
        assertEquals(0, metrics.commandAckLatency.count(), "not acknowledged yet");
        assertTrue(router.acknowledged("a1"));
        assertFalse(router.acknowledged("a1"), "a repeated COMMAND_ACK");
        assertEquals(1, metrics.commandAckLatency.count());
        assertEquals(1, metrics.sampleToAckLatency.count(), "sample time 42 us after the epoch: long ago, positive");
        router.written("unknown");
        assertFalse(router.acknowledged("unknown"), "never sent from here (e.g. by another gateway)");
        assertEquals(1, metrics.commandDispatchLatency.count());
        assertEquals(1, metrics.commandAckLatency.count());
    }

    @Test
    void shouldCountASampleTimeAheadOfTheGatewayClockInsteadOfRecordingIt() {
        final Target rig = new Target("rigA");
        router.claim("rigA/ch1", rig);
        final long future = (System.currentTimeMillis() + 3_600_000L) * 1000L; // a rig clock one hour ahead
        router.deliver(new Alert("a1", "rigA/ch1", "rigA", "SN", "LOT", "p", 1, "upper-charge-voltage",
            AlertClass.SAFETY, StopAction.STOP, future, 4.3, Double.NaN, 4.25, "V", 1L, false, "r", "over-limit"));
        assertTrue(router.acknowledged("a1"));
        assertEquals(0, metrics.sampleToAckLatency.count());
        assertEquals(1, metrics.sampleToAckLatency.negativeCount());
        assertEquals(1, metrics.commandAckLatency.count(), "the gateway-clock latency is still recorded");
    }

    @Test
    void shouldSendAHeldAlertWhenItsRigDeclaresTheChannelWithinTheHoldWindow() {
        final CommandRouter holding = new CommandRouter(metrics, seen::add, escalations::add, 1000, 5000, 10_000);
        assertFalse(holding.deliver(alert("a1", "rigA/ch1", "upper-charge-voltage")), "no connection holds it");
        assertEquals(1, holding.heldCount());
        assertEquals(1, metrics.commandsUndeliverable.sum());
        final Target other = new Target("rigA");
        holding.claim("rigA/ch2", other);
        assertTrue(other.sent.isEmpty(), "another channel's declaration does not take it");
        final Target rig = new Target("rigA");
        holding.claim("rigA/ch1", rig);
        assertEquals(List.of("a1"), rig.sent);
        assertEquals(1, metrics.commandsHeldDelivered.sum());
        assertEquals(0, holding.heldCount());
        assertEquals(1, holding.pendingCount(), "then resent until COMMAND_ACK like any command");
    }

    @Test
    void shouldDropAHeldAlertWhenTheHoldWindowPassesWithoutItsRig() {
        final CommandRouter holding = new CommandRouter(metrics, seen::add, escalations::add, 1000, 5000, 10_000);
        holding.deliver(alert("a1", "rigA/ch1", "upper-charge-voltage"));
        holding.tick(System.nanoTime() + 9_000 * MS);
        assertEquals(1, holding.heldCount(), "still within the window");
        holding.tick(System.nanoTime() + 10_100 * MS);
        assertEquals(0, holding.heldCount());
        assertEquals(1, metrics.commandsHeldExpired.sum());
        final Target rig = new Target("rigA");
        holding.claim("rigA/ch1", rig);
        assertTrue(rig.sent.isEmpty(), "too late: the rig has gone to its safe state by its own heartbeat timeout");
    }

    @Test
    void shouldNotHoldAlertsWhenTheHoldWindowIsZero() {
        router.deliver(alert("a1", "rigA/ch1", "upper-charge-voltage"));
        assertEquals(0, router.heldCount());
        final Target rig = new Target("rigA");
        router.claim("rigA/ch1", rig);
        assertTrue(rig.sent.isEmpty());
    }
}
