package io.cellwatch.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import io.cellwatch.rig.RigClient;
import io.cellwatch.rig.RigListener;
import io.cellwatch.rig.SampleBatch;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of idle connections and a few slow-loris ones against a real gateway and broker, on loopback: a normal
 * rig keeps getting its ACKs within a bound while they are open and while the gateway closes them; the idle ones
 * are closed after three heartbeat intervals, the ones trickling bytes after the frame timeout, and /metrics counts
 * both by reason.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GatewayIdleConnectionsIT {
    private static final int IDLE = 1_500;
    private static final int SLOW = 10;
    /** Generous on a shared 2-core machine; a stalled event loop would take seconds more. */
    private static final Duration ACK_BOUND = Duration.ofSeconds(3);

    private EmbeddedKafkaBroker broker;
    private CellWatchGateway gateway;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder().start();
        broker.createTopics(new NewTopic("cellwatch.samples", 1, (short) 1),
            new NewTopic("cellwatch.alerts", 1, (short) 1));
        gateway = new CellWatchGateway(GatewayConfig.from(Settings.of(Map.of(
            "kafka.bootstrap-servers", broker.bootstrapServers(),
            "gateway.rig-port", "0",
            "gateway.http-port", "0",
            "gateway.heartbeat-interval-ms", "1000",
            "gateway.frame-timeout-ms", "5000")))).start();
    }

    @AfterEach
    void stop() {
        sockets.forEach(s -> {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        });
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldKeepAckingARigWhileThousandsOfIdleAndSlowConnectionsAreOpenAndCloseThem() throws Exception {
        final InetSocketAddress rigPort = gateway.rigAddress();
        try (RigClient rig = RigClient.connect("127.0.0.1", rigPort.getPort(), "rigI", "", new RigListener() { },
            Duration.ofSeconds(10))) {
            rig.declareChannel(new ChannelDeclaration(1, "rigI/ch01", "SN", "LOT", "cellwatch/monitor", 1,
                CellForm.POUCH, 2.0, Map.of()));
            final long openStart = System.nanoTime();
            for (int i = 0; i < IDLE + SLOW; i++) {
                final Socket s = new Socket();
                s.connect(rigPort, 5_000);
                sockets.add(s);
            }
            System.out.printf("opened %d connections in %d ms%n", IDLE + SLOW,
                (System.nanoTime() - openStart) / 1_000_000);
            final List<Socket> slow = sockets.subList(0, SLOW);
            final Thread trickler = new Thread(() -> trickle(slow), "slow-loris");
            trickler.setDaemon(true);
            trickler.start();

            // 8 s of batches, one every 200 ms: covers the idle ones being open (3 s) and being closed.
            long worstMillis = 0;
            for (int b = 0; b < 40; b++) {
                final SampleBatch batch = new SampleBatch(10);
                for (int i = 0; i < 10; i++) {
                    batch.add(System.currentTimeMillis() * 1000 + i, 3.7f, 1f, 25f, Float.NaN, Float.NaN);
                }
                final long t0 = System.nanoTime();
                final long seq = rig.sendSamples(1, batch);
                assertTrue(rig.awaitAcked(seq, ACK_BOUND), "batch " + b + " not ACKed within " + ACK_BOUND);
                worstMillis = Math.max(worstMillis, (System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(200);
            }
            System.out.println("slowest ACK while the idle connections were open and closed: " + worstMillis + " ms");
            assertTrue(rig.isConnected());
            trickler.join(15_000);
        }

        final String metrics = awaitMetric("connections_closed{reason=\"idle_before_hello\"} " + IDLE);
        assertTrue(metrics.contains("cellwatch_gateway_connections_closed{reason=\"incomplete_frame\"} " + SLOW),
            metrics);
        assertEquals(0, gateway.metrics().silentRigsDisconnected.sum(), "the rig itself was never seen as silent");
        int eof = 0;
        final byte[] drain = new byte[256];
        for (Socket s : sockets.subList(SLOW, sockets.size())) {
            s.setSoTimeout(5_000);
            // the gateway sent HEARTBEATs before closing (it heartbeats any quiet connection); then end of stream
            while (s.getInputStream().read(drain) >= 0) {
                continue;
            }
            eof++;
        }
        assertEquals(IDLE, eof, "every idle connection was closed by the gateway");
    }

    /** A HELLO one byte every 300 ms on each slow socket: reads keep coming, a frame never completes in time. */
    private static void trickle(final List<Socket> slow) {
        final byte[] hello = new byte[] {0x1c, 0, 0, 0, 1, 1, 0, 0, 1, 0, 8, 0, 'p', 'r', 'e', 's', 's'};
        try {
            for (byte b : hello) {
                for (Socket s : slow) {
                    final OutputStream out = s.getOutputStream();
                    out.write(b);
                    out.flush();
                }
                Thread.sleep(300);
            }
        } catch (IOException | InterruptedException e) {
            // closed by the gateway, as it should be
        }
    }

    private String awaitMetric(final String line) throws Exception {
        final HttpClient http = HttpClient.newHttpClient();
        final URI uri = URI.create("http://127.0.0.1:" + gateway.httpAddress().getPort() + "/metrics");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String body = "";
        while (System.nanoTime() < deadline) {
            body = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
            if (body.contains("cellwatch_gateway_" + line)) {
                return body;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no '" + line + "' on /metrics within 30 s:\n" + body);
    }
}
