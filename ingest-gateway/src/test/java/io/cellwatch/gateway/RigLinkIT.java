package io.cellwatch.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.core.codec.ErrorCode;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.gateway.command.CommandRouter;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import io.cellwatch.rig.ReceivedCommand;
import io.cellwatch.rig.RigClient;
import io.cellwatch.rig.RigClientOptions;
import io.cellwatch.rig.RigListener;
import io.cellwatch.rig.SampleBatch;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The rig client against a real gateway and a real broker: an unacknowledged COMMAND is resent and escalated, and
 * the late COMMAND_ACK is still recorded; a graceful shutdown ACKs everything Kafka holds; a wrong token and a
 * foreign channel are refused and counted. Alerts are written to the alerts topic as the job writes them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RigLinkIT {
    private static final String SAMPLES = "cellwatch.samples";
    private static final String ALERTS = "cellwatch.alerts";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private EmbeddedKafkaBroker broker;
    private AlertsTopicWriter alerts;
    private final List<AutoCloseable> perTest = new ArrayList<>();

    @BeforeAll
    void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.builder().start();
        broker.createTopics(new NewTopic(SAMPLES, 1, (short) 1), new NewTopic(ALERTS, 1, (short) 1));
        alerts = new AlertsTopicWriter(broker.bootstrapServers(), ALERTS);
    }

    @AfterEach
    void closePerTest() throws Exception {
        for (AutoCloseable c : perTest) {
            c.close(); // rigs first, then their gateway
        }
        perTest.clear();
    }

    @AfterAll
    void stopBroker() {
        if (alerts != null) {
            alerts.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private CellWatchGateway gateway(final Map<String, String> extra) throws InterruptedException {
        final Map<String, String> s = new HashMap<>(Map.of(
            "kafka.bootstrap-servers", broker.bootstrapServers(),
            "gateway.rig-port", "0",
            "gateway.http-port", "-1"));
        s.putAll(extra);
        final CellWatchGateway g = new CellWatchGateway(GatewayConfig.from(Settings.of(s))).start();
        perTest.add(g);
        return g;
    }

    private RigClient rig(final CellWatchGateway gw, final String rigId, final String token,
                          final RigListener listener, final RigClientOptions options) throws Exception {
        final RigClient rig = RigClient.connect("127.0.0.1", gw.rigAddress().getPort(), rigId, token, listener,
            options);
        perTest.add(0, rig);
        return rig;
    }

    private static ChannelDeclaration channel(final String channelId) {
        return new ChannelDeclaration(1, channelId, "SN-1", "LOT-1", "cellwatch/monitor", 1, CellForm.POUCH, 2.0,
            Map.of());
    }

    /** A condition that may need I/O to check. */
    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(final Condition condition, final String what) throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.holds()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    /** The alert views of GET /api/alerts. */
    private static List<JsonNode> apiAlerts(final CellWatchGateway gw) throws IOException, InterruptedException {
        final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + gw.httpAddress().getPort() + "/api/alerts?limit=100")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        final List<JsonNode> out = new ArrayList<>();
        new ObjectMapper().readTree(r.body()).get("alerts").forEach(out::add);
        return out;
    }

    private static JsonNode apiAlert(final CellWatchGateway gw, final String alertId)
        throws IOException, InterruptedException {
        return apiAlerts(gw).stream().filter(a -> a.get("alertId").asText().equals(alertId)).findFirst().orElse(null);
    }

    /** Every alert on the alerts topic so far. */
    private List<Alert> alertsTopic() {
        final Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final List<Alert> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            final TopicPartition tp = new TopicPartition(ALERTS, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            final long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(AlertJson.fromJson(r.value()));
                }
            }
        }
        return out;
    }

    @Test
    void shouldResendAndEscalateAnUnacknowledgedCommandAndRecordTheLateAck() throws Exception {
        final CellWatchGateway gw = gateway(Map.of("gateway.instance-id", "escalation", "gateway.http-port", "0",
            GatewayConfig.COMMAND_RESEND, "200", GatewayConfig.COMMAND_DEADLINE, "1000"));
        final List<String> commands = new CopyOnWriteArrayList<>();
        final List<String> repeats = new CopyOnWriteArrayList<>();
        final RigClient rig = rig(gw, "rigE", "", new RigListener() {
            @Override
            public void onCommand(final ReceivedCommand c) {
                commands.add(c.alertId());
            }

            @Override
            public void onCommandRepeated(final ReceivedCommand c) {
                repeats.add(c.alertId());
            }
        }, RigClientOptions.defaults().withManualCommandAcks(true)); // the rig does not answer (yet)
        assertTrue(rig.awaitAcked(rig.declareChannel(channel("rigE/ch01")), WAIT), "channel held");

        final Alert stop = alerts.raiseStop("rigE");
        await(() -> alertsTopic().stream().anyMatch(a -> a.rule().equals(CommandRouter.ESCALATION_RULE)
            && a.channelId().equals("rigE/ch01")), "the escalation alert is on the alerts topic");
        assertTrue(gw.metrics().commandsResent.sum() >= 2, "resent " + gw.metrics().commandsResent.sum());
        await(() -> repeats.size() >= 2, "the rig has the command and two resends");
        assertEquals(List.of(stop.alertId()), commands, "the rig acts once; resends arrive as repeats");
        assertTrue(repeats.stream().allMatch(stop.alertId()::equals), "always the same command: " + repeats);
        await(() -> apiAlerts(gw).stream().anyMatch(a -> a.get("rule").asText().equals(CommandRouter.ESCALATION_RULE)),
            "the escalation is in /api/alerts");
        final JsonNode before = apiAlert(gw, stop.alertId());
        assertTrue(before.get("commandSentAtMicros").isNumber(), before.toString());
        assertTrue(before.get("commandAckedAtMicros").isNull(), "not acknowledged yet: " + before);

        rig.acknowledgeCommand(stop.alertId());
        await(() -> apiAlert(gw, stop.alertId()).get("commandAckedAtMicros").isNumber(), "the late ACK is recorded");
        final JsonNode after = apiAlert(gw, stop.alertId());
        final long sent = after.get("commandSentAtMicros").asLong();
        final long acked = after.get("commandAckedAtMicros").asLong();
        assertEquals(before.get("commandSentAtMicros").asLong(), sent, "resends do not move the first send time");
        assertTrue(stop.sampleTimeMicros() <= sent && sent < acked,
            "sample " + stop.sampleTimeMicros() + " <= sent " + sent + " < acked " + acked);
        assertEquals(1, gw.metrics().commandsAcknowledged.sum());
    }

    @Test
    void shouldAcknowledgeEveryFrameKafkaHoldsWhenTheGatewayShutsDownGracefully() throws Exception {
        final CellWatchGateway gw = gateway(Map.of("gateway.instance-id", "shutdown"));
        final CountDownLatch disconnected = new CountDownLatch(1);
        final RigClient rig = rig(gw, "rigS", "", new RigListener() {
            @Override
            public void onDisconnected(final Throwable cause) {
                disconnected.countDown();
            }
        }, RigClientOptions.defaults());
        final int frames = 200;
        final long startMicros = System.currentTimeMillis() * 1000L;
        rig.declareChannel(channel("rigS/ch01"));
        final SampleBatch batch = new SampleBatch(10);
        for (int f = 0; f < frames; f++) {
            batch.clear();
            for (int i = 0; i < 10; i++) {
                batch.add(startMicros + f * 10L + i, 3.7f, 1f, 25f, Float.NaN, Float.NaN);
            }
            rig.sendSamples(1, batch);
        }
        // the gateway has read every frame and handed it to Kafka; some may still wait for the broker
        await(() -> gw.metrics().recordsSent.sum() == frames + 1, "all frames read by the gateway");
        gw.close();
        assertTrue(disconnected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the gateway closed the connection");
        assertEquals(0, rig.unackedCount(), "the rig holds nothing unacknowledged: " + rig.unackedSequences());
        final long stored = StoredSamples.readAll(broker.bootstrapServers(), SAMPLES, 1).stream()
            .filter(s -> s.channelId().equals("rigS/ch01")).count();
        assertEquals(frames * 10L, stored, "every acknowledged sample is in Kafka, once");
    }

    @Test
    void shouldRefuseAWrongTokenWithAuthenticationFailedAndCountIt() throws Exception {
        final CellWatchGateway gw = gateway(Map.of("gateway.instance-id", "auth",
            "gateway.rig-tokens", "rigA:right-token"));
        final List<Integer> errors = new CopyOnWriteArrayList<>();
        final IOException e = assertThrows(IOException.class, () -> rig(gw, "rigA", "wrong-token", new RigListener() {
            @Override
            public void onError(final int code, final String message) {
                errors.add(code);
            }
        }, RigClientOptions.defaults()));
        assertTrue(e.getMessage().contains("refused HELLO"), e.getMessage());
        assertEquals(List.of(ErrorCode.AUTHENTICATION_FAILED.code()), errors);
        assertEquals(1, gw.metrics().rejectedCount(ErrorCode.AUTHENTICATION_FAILED));
        // the right token still works
        final RigClient ok = rig(gw, "rigA", "right-token", new RigListener() { }, RigClientOptions.defaults());
        assertTrue(ok.awaitAcked(ok.declareChannel(channel("rigA/ch01")), WAIT));
    }

    @Test
    void shouldRefuseAChannelOutsideTheRigsNamespaceWithChannelNotPermitted() throws Exception {
        final CellWatchGateway gw = gateway(Map.of("gateway.instance-id", "namespace",
            "gateway.rig-tokens", "rigA:token-a"));
        final List<Integer> errors = new CopyOnWriteArrayList<>();
        final CountDownLatch disconnected = new CountDownLatch(1);
        final RigClient rig = rig(gw, "rigA", "token-a", new RigListener() {
            @Override
            public void onError(final int code, final String message) {
                errors.add(code);
            }

            @Override
            public void onDisconnected(final Throwable cause) {
                disconnected.countDown();
            }
        }, RigClientOptions.defaults());
        rig.declareChannel(channel("rigB/ch01"));
        assertTrue(disconnected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the gateway closed the connection");
        assertEquals(List.of(ErrorCode.CHANNEL_NOT_PERMITTED.code()), errors);
        assertEquals(1, gw.metrics().rejectedCount(ErrorCode.CHANNEL_NOT_PERMITTED));
        assertFalse(rig.isConnected());
        assertEquals(1, rig.unackedCount(), "nothing of it was stored");
    }
}
