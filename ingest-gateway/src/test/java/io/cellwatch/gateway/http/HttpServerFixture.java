package io.cellwatch.gateway.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.gateway.board.ChannelBoard;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.cellwatch.gateway.tcp.NettyServer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The gateway's HTTP side exactly as {@code CellWatchGateway} assembles it (the same initializer, handler and feed on
 * a {@link NettyServer}), bound to a free port, over a board that the test fills itself: no Kafka needed to test what
 * a screen gets.
 */
final class HttpServerFixture implements AutoCloseable {
    static final ProcedureLibrary PROCEDURES = ProcedureLibrary.builtIn();

    final ChannelBoard board = new ChannelBoard();
    final GatewayMetrics metrics = new GatewayMetrics();
    final LiveFeed feed;
    final InetSocketAddress address;
    private final NettyServer server = new NettyServer(1);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[SamplesFlyweight.frameLength(1)]);
    private final SamplesFlyweight samples = new SamplesFlyweight();

    HttpServerFixture(final Map<String, String> operatorTokens, final long tickMillis) throws InterruptedException {
        feed = new LiveFeed(board, tickMillis);
        feed.start(server.workers());
        address = server.bind("127.0.0.1", 0, new HttpChannelInitializer(
            new HttpApiHandler(board, metrics, () -> Map.of("status", "up"), operatorTokens), feed, null, null, metrics,
            30_000));
    }

    String base() {
        return "http://127.0.0.1:" + address.getPort();
    }

    /** A rig declares a channel running the overcharge procedure (upper charge voltage 4.25 V). */
    void declare(final String channelId, final String rigId, final String serial, final String lot) {
        final ChannelDeclaration d = new ChannelDeclaration(1, channelId, serial, lot,
            "pse-app9/overcharge-protection", 1, CellForm.CYLINDRICAL, 3.0, Map.of());
        board.declared(d, rigId, PROCEDURES.resolve(d));
    }

    /** One sample through the board, as a SAMPLES frame of one sample. */
    void sample(final String channelId, final long wallMillis, final float volts, final float amps,
                final float cellTemperature) {
        SamplesFlyweight.encodeHeader(frame, 0, 1, 1, 1);
        SamplesFlyweight.putSample(frame, 0, 0, wallMillis * 1000, volts, amps, cellTemperature, Float.NaN, Float.NaN);
        samples.wrap(frame, 0);
        board.samples(channelId, samples, wallMillis);
    }

    /** A safety alert on {@code channelId} as the job would raise it for a sample at {@code sampleMillis}. */
    static Alert overVoltage(final String channelId, final long sampleMillis, final double volts) {
        final long t = sampleMillis * 1000;
        return new Alert(AlertIds.of(channelId, UpperChargeVoltageRule.ID, t), channelId, "rigA", "SN-1", "LOT-7",
            "pse-app9/overcharge-protection", 1, UpperChargeVoltageRule.ID, AlertClass.SAFETY, StopAction.STOP, t,
            volts, Double.NaN, 4.25, "V", t + 3_000, false, "upper charge voltage exceeded", "over-limit");
    }

    /**
     * One raw HTTP/1.1 request on its own connection (Connection: close), for what java.net.http would refuse to
     * send (dot segments, bad escapes). Returns the whole response, headers and body.
     */
    String raw(final String requestHead, final byte[] body) throws IOException {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(10_000);
            final OutputStream out = s.getOutputStream();
            out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            final InputStream in = s.getInputStream();
            final ByteArrayOutputStream response = new ByteArrayOutputStream();
            final byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    response.write(buf, 0, n);
                }
            } catch (IOException e) {
                // reset after the response (the server closes while the rest of a refused body is in flight)
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    String rawGet(final String target) throws IOException {
        return raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", new byte[0]);
    }

    @Override
    public void close() {
        feed.close();
        server.close();
    }
}
