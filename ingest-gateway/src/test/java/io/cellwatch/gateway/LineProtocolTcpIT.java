package io.cellwatch.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.cellwatch.core.config.Settings;
import io.cellwatch.gateway.StoredSamples.Sample;
import io.cellwatch.gateway.metrics.GatewayMetrics.LineRejection;
import io.cellwatch.gateway.tcp.ConnectionLimits;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw-TCP line protocol against a real gateway and broker, as Telegraf's socket_writer or a lab script would send
 * it: lines read are in Kafka, a bad line is skipped with the connection kept open, an oversize line closes it, and
 * the configured precision applies. Sent with a plain java Socket, and with nc when the machine has it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LineProtocolTcpIT {
    private static final String SAMPLES = "cellwatch.samples";

    private EmbeddedKafkaBroker broker;
    private CellWatchGateway gateway;
    private int port;

    @TempDir
    Path tmp;

    @BeforeAll
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder().start();
        broker.createTopics(new NewTopic(SAMPLES, 1, (short) 1), new NewTopic("cellwatch.alerts", 1, (short) 1));
        gateway = new CellWatchGateway(GatewayConfig.from(Settings.of(Map.of(
            "kafka.bootstrap-servers", broker.bootstrapServers(),
            "gateway.rig-port", "0",
            "gateway.http-port", "-1",
            GatewayConfig.LINE_PROTOCOL_TCP_PORT, "0",
            GatewayConfig.LINE_PROTOCOL_TCP_PRECISION, "ms",
            GatewayConfig.LINE_PROTOCOL_TCP_MAX_LINE, "1024")))).start();
        port = gateway.lineProtocolTcpAddress().getPort();
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** Polls the samples topic until the channel has {@code n} samples (the gateway stores asynchronously). */
    private List<Sample> awaitSamples(final String channel, final int n) throws InterruptedException {
        final Predicate<Sample> mine = s -> s.channelId().equals(channel);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<Sample> found;
        do {
            found = StoredSamples.readAll(broker.bootstrapServers(), SAMPLES, 1).stream().filter(mine).toList();
            if (found.size() >= n) {
                return found;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return found;
    }

    @Test
    void shouldStoreTheLinesAndSkipABadOneWithTheConnectionStillOpen() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            final OutputStream out = s.getOutputStream();
            out.write(("cell,channel=tcpA/ch01,serial=S1 voltage=4.10,current=1.5,temp=25.1 1790000000000\n"
                + "cell,channel=tcpA/ch01,serial=S1 voltage=not-a-number 1790000000100\n"
                + "cell,channel=tcpA/ch01,serial=S1 voltage=4.11,current=1.5,temp=25.2 1790000000200\n")
                .getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertEquals(2, awaitSamples("tcpA/ch01", 2).size());
            // the same connection still works after the bad line
            out.write("cell,channel=tcpA/ch01,serial=S1 voltage=4.12 1790000000300\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            final List<Sample> stored = awaitSamples("tcpA/ch01", 3);
            assertEquals(List.of(new Sample("tcpA/ch01", 1_790_000_000_000_000L, 4.10f),
                new Sample("tcpA/ch01", 1_790_000_000_200_000L, 4.11f),
                new Sample("tcpA/ch01", 1_790_000_000_300_000L, 4.12f)), stored, "ms precision from the config");
        }
        assertEquals(1, gateway.metrics().linesRejectedCount(LineRejection.INVALID_LINE));
    }

    @Test
    void shouldCloseTheConnectionAfterStoringWhatPrecededAnOversizeLine() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            final OutputStream out = s.getOutputStream();
            out.write(("cell,channel=tcpB/ch01 voltage=4.2 1790000000000\ncell,channel=tcpB/ch01 voltage="
                + "1".repeat(2000) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            final InputStream in = s.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (SocketTimeoutException e) {
                read = -2;
            }
            assertEquals(-1, read, "the gateway closed the connection");
        }
        assertEquals(1, awaitSamples("tcpB/ch01", 1).size(), "the line before the oversize one is stored");
        assertEquals(1, gateway.metrics().linesRejectedCount(LineRejection.LINE_TOO_LONG));
    }

    @Test
    void shouldCloseAConnectionThatTricklesALineThatNeverEndsAndCountIt() throws Exception {
        // a gateway of its own with a one-second line timeout (the shared one keeps the five-minute default)
        try (CellWatchGateway shortTimeout = new CellWatchGateway(GatewayConfig.from(Settings.of(Map.of(
            "kafka.bootstrap-servers", broker.bootstrapServers(),
            "gateway.rig-port", "0",
            "gateway.http-port", "-1",
            GatewayConfig.LINE_PROTOCOL_TCP_PORT, "0",
            ConnectionLimits.LINE_TCP_TIMEOUT, "1000")))).start();
             Socket s = new Socket("127.0.0.1", shortTimeout.lineProtocolTcpAddress().getPort())) {
            final OutputStream out = s.getOutputStream();
            final byte[] never = "cell,channel=tcpD/ch01 voltage=4.2".getBytes(StandardCharsets.UTF_8);
            boolean closed = false;
            // one byte every 200 ms: bytes keep arriving, but no line is ever completed
            for (int i = 0; i < never.length && !closed; i++) {
                try {
                    out.write(never[i]);
                    out.flush();
                    Thread.sleep(200);
                } catch (java.io.IOException e) {
                    closed = true; // the gateway closed it and the write noticed first
                }
            }
            if (!closed) {
                s.setSoTimeout(10_000);
                closed = s.getInputStream().read() == -1;
            }
            assertTrue(closed, "the gateway closed the trickling connection");
            assertEquals(1, shortTimeout.metrics().labeled("connections_closed", "reason",
                "line_protocol_tcp_timeout").sum(), "counted by reason");
        }
    }

    @Test
    void shouldStoreWhatNcSends() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/nc").canExecute() || new File("/bin/nc").canExecute(),
            "nc is not installed (.ci/run installs netcat-openbsd)");
        final StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            lines.append("cell,channel=ncA/ch01,serial=S1 voltage=").append(4.0 + i / 10_000.0).append(' ')
                .append(1_790_000_000_000L + i).append('\n');
        }
        final Path file = Files.writeString(tmp.resolve("lines.txt"), lines);
        // -N: half-close after the end of the file, so the gateway sees a clean end of stream; -w: never hang
        final Process nc = new ProcessBuilder("nc", "-N", "-w", "10", "127.0.0.1", Integer.toString(port))
            .redirectInput(file.toFile()).redirectErrorStream(true).start();
        final String output = new String(nc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(nc.waitFor(30, TimeUnit.SECONDS), "nc finished");
        assertEquals(0, nc.exitValue(), output);
        assertEquals(500, awaitSamples("ncA/ch01", 500).size());
    }
}
