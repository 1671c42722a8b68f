package io.cellwatch.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import io.cellwatch.core.config.Settings;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A line-protocol client (curl, as lab scripts use it) against a real gateway and broker: 204 only once Kafka has
 * the points, gzip accepted, 400 naming the bad line with nothing written, 401 without the rig's token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LineProtocolHttpIT {
    private static final String SAMPLES = "cellwatch.samples";

    private EmbeddedKafkaBroker broker;
    private CellWatchGateway gateway;
    private String url;

    @TempDir
    Path tmp;

    @BeforeAll
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder().start();
        broker.createTopics(new NewTopic(SAMPLES, 1, (short) 1), new NewTopic("cellwatch.alerts", 1, (short) 1));
        gateway = new CellWatchGateway(GatewayConfig.from(Settings.of(Map.of(
            "kafka.bootstrap-servers", broker.bootstrapServers(),
            "gateway.rig-port", "0",
            "gateway.http-port", "0",
            "gateway.rig-tokens", "labA:secret-a")))).start();
        url = "http://127.0.0.1:" + gateway.httpAddress().getPort();
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

    /** Runs curl; returns "status body". */
    private String curl(final String path, final byte[] body, final String... headers) throws Exception {
        final Path file = Files.write(tmp.resolve("body-" + System.nanoTime()), body);
        final List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-o", "-", "-w", "\n%{http_code}",
            "--max-time", "30", "-X", "POST", "--data-binary", "@" + file));
        for (String h : headers) {
            cmd.add("-H");
            cmd.add(h);
        }
        cmd.add(url + path);
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(40, TimeUnit.SECONDS), "curl finished");
        final int nl = out.lastIndexOf('\n');
        return out.substring(nl + 1).trim() + " " + out.substring(0, Math.max(0, nl));
    }

    private static byte[] gzip(final String s) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void shouldStoreGzippedPointsBeforeAnswering204() throws Exception {
        final String lines = "cell,channel=labA/ch01,serial=S1,lot=L1 voltage=4.10,current=1.5,temp=25.1 1790000000000\n"
            + "cell,channel=labA/ch01 voltage=4.11,current=1.5,temp=25.2 1790000000100\n";
        final String reply = curl("/api/v2/write?precision=ms", gzip(lines), "Content-Encoding: gzip",
            "Authorization: Token secret-a");
        assertTrue(reply.startsWith("204"), reply);
        final List<Float> volts = storedVoltages();
        assertEquals(List.of(4.10f, 4.11f), volts, "Kafka held both points when 204 was answered");
    }

    @Test
    void shouldRefuseTheWholeRequestNamingTheBadLine() throws Exception {
        final int before = storedVoltages().size();
        final String reply = curl("/write?precision=s", ("cell,channel=labA/ch02 voltage=4.0 1\n"
            + "cell,channel=labA/ch02 voltage=four 2\n").getBytes(StandardCharsets.UTF_8), "Authorization: Token secret-a");
        assertTrue(reply.startsWith("400") && reply.contains("line 2"), reply);
        assertEquals(before, storedVoltages().size(), "nothing of the refused request was written");
    }

    @Test
    void shouldRefuseAWriteWithoutTheRigsToken() throws Exception {
        assertTrue(curl("/write", "cell,channel=labA/ch01 voltage=4.0".getBytes(StandardCharsets.UTF_8))
            .startsWith("401"));
        assertTrue(curl("/write", "cell,channel=labB/ch01 voltage=4.0".getBytes(StandardCharsets.UTF_8),
            "Authorization: Token secret-a").startsWith("400"), "labA's token cannot write labB's channels");
    }

    private List<Float> storedVoltages() {
        return StoredSamples.readAll(broker.bootstrapServers(), SAMPLES, 1).stream()
            .map(StoredSamples.Sample::voltage).toList();
    }
}
