package io.cellwatch.gateway.tcp;

import java.util.List;
import java.util.Map;

import io.cellwatch.core.config.Settings;

/**
 * What one connection may ask of the gateway, so that no client (broken or hostile) can take resources from the
 * others. Every key is documented in docs/config.md, every answer in docs/protocol.md.
 *
 * @param maxChannelsPerConnection  channel numbers one rig connection may declare; one more is TOO_MANY_CHANNELS
 * @param maxSamplesPerSecond       samples per second one rig connection may send on average (a CHANNEL or MARK
 *                                  frame counts as one); above it the gateway stops reading the connection for a
 *                                  while. 0 = no limit
 * @param sampleBurst               samples a connection may send at once above that rate (the token bucket's size)
 * @param frameTimeoutMillis        a rig connection that completes no frame for this long is closed (slow-loris: it
 *                                  trickles bytes of a frame that never ends)
 * @param httpRequestTimeoutMillis  an HTTP connection that completes no request for this long (since it connected or
 *                                  since its last request) is answered 408 and closed
 * @param maxFutureSkewMillis       a sample or mark stamped more than this far ahead of the gateway's clock is
 *                                  TIMESTAMP_IN_FUTURE
 * @param lineTcpTimeoutMillis      a raw-TCP line-protocol connection that completes no line for this long is closed
 *                                  (idle clients and slow-loris alike: that port has no other way to tell)
 */
public record ConnectionLimits(int maxChannelsPerConnection, int maxSamplesPerSecond, int sampleBurst,
                               int frameTimeoutMillis, int httpRequestTimeoutMillis, long maxFutureSkewMillis,
                               int lineTcpTimeoutMillis) {
    public static final String MAX_CHANNELS = "gateway.max-channels-per-connection";
    public static final String MAX_SAMPLES_PER_SECOND = "gateway.max-samples-per-second";
    public static final String SAMPLE_BURST = "gateway.sample-burst";
    public static final String FRAME_TIMEOUT = "gateway.frame-timeout-ms";
    public static final String HTTP_REQUEST_TIMEOUT = "gateway.http-request-timeout-ms";
    public static final String MAX_FUTURE_SKEW = "gateway.max-future-skew-ms";
    public static final String LINE_TCP_TIMEOUT = "gateway.line-protocol-tcp-timeout-ms";

    /** Every key this config reads. */
    public static final List<String> KEYS = List.of(MAX_CHANNELS, MAX_SAMPLES_PER_SECOND, SAMPLE_BURST, FRAME_TIMEOUT,
        HTTP_REQUEST_TIMEOUT, MAX_FUTURE_SKEW, LINE_TCP_TIMEOUT);

    /** Seven days: rig clocks that are hours or a day off are accepted on purpose (rules run on rig time). */
    public static final long DEFAULT_MAX_FUTURE_SKEW_MILLIS = 7L * 24 * 3600 * 1000;

    /**
     * One connection's average: 100 channels at 10 kHz. It was 100,000 until a load run showed the limit, not the
     * machine, capping ten rigs at exactly 1.0 M samples/s (and holding every rig at 1 M/s right at its limit, where
     * a late sender can never catch up): a limit meant for floods must sit well above what a real rig sends.
     */
    public static final int DEFAULT_MAX_SAMPLES_PER_SECOND = 1_000_000;

    /** The defaults. */
    public static final ConnectionLimits DEFAULTS = from(Settings.of(Map.of()));

    public static ConnectionLimits from(final Settings s) {
        final int rate = s.integer(MAX_SAMPLES_PER_SECOND, DEFAULT_MAX_SAMPLES_PER_SECOND, 0, 100_000_000);
        return new ConnectionLimits(
            s.integer(MAX_CHANNELS, 4096, 1, 65536),
            rate,
            s.integer(SAMPLE_BURST, Math.max(rate, 1), 1, Integer.MAX_VALUE),
            s.integer(FRAME_TIMEOUT, 30_000, 100, 3_600_000),
            s.integer(HTTP_REQUEST_TIMEOUT, 30_000, 100, 3_600_000),
            s.longValue(MAX_FUTURE_SKEW, DEFAULT_MAX_FUTURE_SKEW_MILLIS, 1000, 10L * 365 * 24 * 3600 * 1000),
            // five minutes: well above Telegraf's 10 s flush interval and a script writing once a minute
            s.integer(LINE_TCP_TIMEOUT, 300_000, 1000, 86_400_000));
    }
}
