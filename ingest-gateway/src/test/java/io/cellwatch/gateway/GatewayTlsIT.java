package io.cellwatch.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import javax.net.ssl.SSLContext;

import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.gateway.tls.TestCertificates;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import io.cellwatch.rig.RigClient;
import io.cellwatch.rig.RigListener;
import io.cellwatch.rig.RigTls;
import io.cellwatch.rig.SampleBatch;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on both ports of a real gateway with a real broker, with certificates of a throwaway CA made by keytool: a rig
 * that trusts the CA gets its ACKs over TLS; a plain-text rig, a rig that does not trust the gateway's certificate
 * and (on a mutual-TLS gateway) a rig without a client certificate are refused and counted; curl reads /health
 * over HTTPS with the CA and refuses the gateway without it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GatewayTlsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;

    private TestCertificates certs;
    private EmbeddedKafkaBroker broker;
    private CellWatchGateway gateway;
    private CellWatchGateway mutualGateway;

    @BeforeAll
    void start() throws Exception {
        certs = TestCertificates.create(dir);
        broker = EmbeddedKafkaBroker.builder().start();
        broker.createTopics(new NewTopic("cellwatch.samples", 1, (short) 1),
            new NewTopic("cellwatch.alerts", 1, (short) 1));
        gateway = start(Map.of("gateway.instance-id", "tls", "gateway.http-tls", "true"));
        mutualGateway = start(Map.of("gateway.instance-id", "mtls", "gateway.http-port", "-1",
            "gateway.rig-tls-client-ca-file", certs.caPem.toString()));
    }

    private CellWatchGateway start(final Map<String, String> extra) throws InterruptedException {
        final Map<String, String> s = new HashMap<>(Map.of(
            "kafka.bootstrap-servers", broker.bootstrapServers(),
            "gateway.rig-port", "0",
            "gateway.http-port", "0",
            "gateway.rig-tokens", "rigT:secret-t",
            "gateway.rig-tls", "true",
            "gateway.tls-cert-file", certs.gatewayCertPem.toString(),
            "gateway.tls-key-file", certs.gatewayKeyPem.toString()));
        s.putAll(extra);
        return new CellWatchGateway(GatewayConfig.from(Settings.of(s))).start();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway, mutualGateway, broker}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // carry on closing the rest
            }
        }
    }

    private static RigClient connect(final CellWatchGateway gw, final SSLContext tls) throws Exception {
        return RigClient.connect("127.0.0.1", gw.rigAddress().getPort(), "rigT", "secret-t", new RigListener() { },
            TIMEOUT, tls);
    }

    /** Declares a channel and sends three batches; all must be ACKed (so Kafka holds them). */
    private static void sendAndAwaitAcks(final RigClient rig) throws Exception {
        rig.declareChannel(new ChannelDeclaration(1, "rigT/ch01", "SN-T", "LOT-T", "cellwatch/monitor", 1,
            CellForm.POUCH, 2.0, Map.of()));
        long last = 0;
        for (int b = 0; b < 3; b++) {
            final SampleBatch batch = new SampleBatch(4);
            for (int i = 0; i < 4; i++) {
                batch.add(System.currentTimeMillis() * 1000 + b * 10 + i, 3.7f, 1f, 25f, Float.NaN, Float.NaN);
            }
            last = rig.sendSamples(1, batch);
        }
        assertTrue(rig.awaitAcked(last, TIMEOUT), "every frame sent over TLS is acknowledged");
        assertEquals(0, rig.unackedCount());
    }

    @Test
    void shouldAcknowledgeARigThatConnectsOverTlsTrustingThePlantCa() throws Exception {
        try (RigClient rig = connect(gateway, RigTls.trusting(certs.caPem))) {
            sendAndAwaitAcks(rig);
        }
    }

    @Test
    void shouldRefuseAndCountAPlainTextRigOnTheTlsPort() throws Exception {
        final LongSupplier failed = counter(gateway, "tls_handshakes_failed{port=rig}");
        final long before = failed.getAsLong();
        final IOException e = assertThrows(IOException.class, () -> connect(gateway, null).close());
        assertTrue(e.getMessage().contains("refused HELLO"), e.getMessage());
        awaitAbove(failed, before);
        assertEquals(0L, counter(gateway, "frames_rejected{reason=internal_error}").getAsLong(),
            "a TLS failure is not mistaken for a gateway bug");
    }

    @Test
    void shouldRefuseAGatewayWhoseCertificateTheRigDoesNotTrust() throws Exception {
        final LongSupplier failed = counter(gateway, "tls_handshakes_failed{port=rig}");
        final long before = failed.getAsLong();
        // The gateway's own certificate is no CA: trusting it alone does not make a valid chain.
        final Path wrongCa = dir.resolve("rig.pem");
        final IOException e = assertThrows(IOException.class, () -> connect(gateway, RigTls.trusting(wrongCa)).close());
        assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
        awaitAbove(failed, before);
    }

    @Test
    void shouldRequireAClientCertificateWhenTheRigPortHasAClientCa() throws Exception {
        try (RigClient rig = connect(mutualGateway, RigTls.withClientCertificate(certs.caPem, certs.rigKeyStore,
            TestCertificates.PASSWORD))) {
            sendAndAwaitAcks(rig);
        }
        final LongSupplier failed = counter(mutualGateway, "tls_handshakes_failed{port=rig}");
        final long before = failed.getAsLong();
        // With TLS 1.3 the client may finish its side before the server checks the (missing) certificate, so the
        // refusal shows either in the handshake or as the connection closing before HELLO_OK.
        assertThrows(IOException.class, () -> connect(mutualGateway, RigTls.trusting(certs.caPem)).close());
        awaitAbove(failed, before);
    }

    @Test
    void shouldServeHealthOverHttpsToCurlTrustingTheCa() throws Exception {
        final String url = "https://127.0.0.1:" + gateway.httpAddress().getPort() + "/health";
        final String ok = curl("--cacert", certs.caPem.toString(), url);
        assertTrue(ok.startsWith("0 200 ") && ok.contains("\"status\":\"up\""), ok);
        final String untrusted = curl(url);
        assertTrue(untrusted.startsWith("60 "), "curl without the CA refuses the certificate: " + untrusted);
        final LongSupplier failed = counter(gateway, "tls_handshakes_failed{port=http}");
        final long before = failed.getAsLong();
        final String plain = curl("http://127.0.0.1:" + gateway.httpAddress().getPort() + "/health");
        assertTrue(!plain.startsWith("0 "), "plain HTTP on the HTTPS port gets no answer: " + plain);
        awaitAbove(failed, before);
    }

    /** Runs curl; returns "exitCode httpStatus body". */
    private static String curl(final String... args) throws Exception {
        final List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl finished");
        final int nl = out.lastIndexOf('\n');
        return p.exitValue() + " " + out.substring(nl + 1).trim() + " " + out.substring(0, Math.max(0, nl));
    }

    private static LongSupplier counter(final CellWatchGateway gw, final String name) {
        return () -> gw.metrics().snapshot().getOrDefault(name, 0L);
    }

    /** The gateway counts on its event loop, after the client saw the failure: wait for it, bounded. */
    private static void awaitAbove(final LongSupplier counter, final long before) throws InterruptedException {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (counter.getAsLong() <= before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(counter.getAsLong() > before, "counted: " + counter.getAsLong() + " <= " + before);
    }
}
