package io.cellwatch.gateway;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.config.ConfigException;
import io.cellwatch.core.config.Settings;
import io.cellwatch.gateway.kafka.KafkaLimits;
import io.cellwatch.gateway.lineprotocol.LineProtocolParser;
import io.cellwatch.gateway.tcp.ConnectionLimits;
import io.cellwatch.gateway.tls.TlsConfig;

/**
 * The gateway's whole configuration, validated at start-up. Every key is listed in {@link #KEYS} and documented in
 * docs/config.md.
 *
 * @param bindAddress              address the rig port binds to
 * @param rigPort                  TCP port of the rig protocol (0 = any free port)
 * @param bootstrapServers         Kafka bootstrap servers
 * @param samplesTopic             topic for CHANNEL, SAMPLES and MARK records, keyed by channel id
 * @param alertsTopic              topic the job writes alerts to; the gateway turns them into COMMAND frames
 * @param instanceId               name of this gateway instance (consumer group of its command consumer)
 * @param maxFrameLength           largest frame accepted, bytes
 * @param heartbeatIntervalMillis  how often the gateway sends HEARTBEAT on an idle connection; a rig silent for
 *                                 three intervals is disconnected
 * @param maxUnackedFrames         frames per connection sent to Kafka but not yet acknowledged by it; above this
 *                                 the gateway stops reading the connection (back-pressure)
 * @param rigTokens                rig id to token; empty = authentication disabled (development only)
 * @param httpPort                 HTTP port (health, metrics, REST, dashboard); 0 = any free port, -1 = off
 * @param operatorTokens           operator name to token for acknowledging alerts; empty = no token needed
 * @param commandResendMillis      interval between sends of a COMMAND the rig has not acknowledged
 * @param commandDeadlineMillis    a COMMAND unacknowledged this long after its first send is escalated
 * @param lineProtocolTcpPort      raw-TCP InfluxDB line protocol port; -1 = off (default), 0 = any free port
 * @param lineProtocolTcpPrecision timestamp precision of raw-TCP lines (ns, us, ms, s): TCP has no query string
 * @param lineProtocolTcpMaxLine   longest raw-TCP line accepted, bytes; a longer one closes the connection
 * @param commandHoldMillis        an alert for a channel no connection here holds waits this long for its rig to
 *                                 declare the channel here (rig between gateways); 0 = do not wait
 * @param kafkaCompression         compression of the gateway's Kafka batches (none, gzip, snappy, lz4, zstd)
 * @param tls                      TLS on the rig and HTTP ports ({@link TlsConfig#KEYS})
 * @param limits                   what one connection may ask of the gateway ({@link ConnectionLimits#KEYS})
 * @param ioThreads                event-loop threads serving the rig connections; 0 = Netty's default (2 x cores)
 * @param kafka                    the in-flight byte budget, the producer's memory, when Kafka counts as unreachable
 *                                 ({@link KafkaLimits#KEYS})
 */
public record GatewayConfig(String bindAddress, int rigPort, String bootstrapServers, String samplesTopic,
                            String alertsTopic, String instanceId, int maxFrameLength, int heartbeatIntervalMillis,
                            int maxUnackedFrames, Map<String, String> rigTokens, int httpPort,
                            Map<String, String> operatorTokens, int commandResendMillis,
                            int commandDeadlineMillis, int lineProtocolTcpPort, String lineProtocolTcpPrecision,
                            int lineProtocolTcpMaxLine, int commandHoldMillis, String kafkaCompression, TlsConfig tls,
                            ConnectionLimits limits, int ioThreads, KafkaLimits kafka) {

    public static final String BIND_ADDRESS = "gateway.bind-address";
    public static final String RIG_PORT = "gateway.rig-port";
    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap-servers";
    public static final String SAMPLES_TOPIC = "topics.samples";
    public static final String ALERTS_TOPIC = "topics.alerts";
    public static final String INSTANCE_ID = "gateway.instance-id";
    public static final String MAX_FRAME_LENGTH = "gateway.max-frame-length";
    public static final String HEARTBEAT_INTERVAL = "gateway.heartbeat-interval-ms";
    public static final String MAX_UNACKED_FRAMES = "gateway.max-unacked-frames";
    public static final String RIG_TOKENS = "gateway.rig-tokens";
    public static final String HTTP_PORT = "gateway.http-port";
    public static final String OPERATOR_TOKENS = "gateway.operator-tokens";
    public static final String COMMAND_RESEND = "gateway.command-resend-ms";
    public static final String COMMAND_DEADLINE = "gateway.command-deadline-ms";
    public static final String LINE_PROTOCOL_TCP_PORT = "gateway.line-protocol-tcp-port";
    public static final String LINE_PROTOCOL_TCP_PRECISION = "gateway.line-protocol-tcp-precision";
    public static final String LINE_PROTOCOL_TCP_MAX_LINE = "gateway.line-protocol-tcp-max-line-length";
    public static final String COMMAND_HOLD = "gateway.command-hold-ms";
    public static final String KAFKA_COMPRESSION = "gateway.kafka-compression";
    public static final String IO_THREADS = "gateway.io-threads";
    private static final List<String> COMPRESSION_TYPES = List.of("none", "gzip", "snappy", "lz4", "zstd");

    /** Every key this config reads. */
    public static final List<String> KEYS = Stream.of(List.of(BIND_ADDRESS, RIG_PORT, BOOTSTRAP_SERVERS, SAMPLES_TOPIC,
        ALERTS_TOPIC, INSTANCE_ID, MAX_FRAME_LENGTH, HEARTBEAT_INTERVAL, MAX_UNACKED_FRAMES, RIG_TOKENS, HTTP_PORT,
        OPERATOR_TOKENS, COMMAND_RESEND, COMMAND_DEADLINE, LINE_PROTOCOL_TCP_PORT, LINE_PROTOCOL_TCP_PRECISION,
        LINE_PROTOCOL_TCP_MAX_LINE, COMMAND_HOLD, KAFKA_COMPRESSION, IO_THREADS), TlsConfig.KEYS,
        ConnectionLimits.KEYS, KafkaLimits.KEYS).flatMap(List::stream).toList();

    public static final int DEFAULT_RIG_PORT = 7411;
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final String DEFAULT_SAMPLES_TOPIC = "cellwatch.samples";
    public static final String DEFAULT_ALERTS_TOPIC = "cellwatch.alerts";

    public GatewayConfig {
        rigTokens = Map.copyOf(rigTokens);
        operatorTokens = Map.copyOf(operatorTokens);
    }

    /** Builds and validates the config from layered settings. */
    public static GatewayConfig from(final Settings s) {
        final String bootstrap = s.string(BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        if (bootstrap.isBlank()) {
            throw s.invalid(BOOTSTRAP_SERVERS, "must name at least one host:port");
        }
        final GatewayConfig c = new GatewayConfig(
            s.string(BIND_ADDRESS, "127.0.0.1"),
            s.integer(RIG_PORT, DEFAULT_RIG_PORT, 0, 65535),
            bootstrap,
            s.string(SAMPLES_TOPIC, DEFAULT_SAMPLES_TOPIC),
            s.string(ALERTS_TOPIC, DEFAULT_ALERTS_TOPIC),
            s.string(INSTANCE_ID, "gw1"),
            s.integer(MAX_FRAME_LENGTH, FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH, 1024, FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH),
            s.integer(HEARTBEAT_INTERVAL, 1000, 50, 600_000),
            s.integer(MAX_UNACKED_FRAMES, 1024, 1, 1_000_000),
            parseTokens(s, RIG_TOKENS, "rigId"),
            s.integer(HTTP_PORT, DEFAULT_HTTP_PORT, -1, 65535),
            parseTokens(s, OPERATOR_TOKENS, "operator"),
            s.integer(COMMAND_RESEND, 1000, 50, 600_000),
            s.integer(COMMAND_DEADLINE, 5000, 100, 3_600_000),
            s.integer(LINE_PROTOCOL_TCP_PORT, -1, -1, 65535),
            lineProtocolPrecision(s),
            s.integer(LINE_PROTOCOL_TCP_MAX_LINE, 65_536, 256, 8 * 1024 * 1024),
            s.integer(COMMAND_HOLD, 10_000, 0, 600_000),
            kafkaCompression(s),
            TlsConfig.from(s),
            ConnectionLimits.from(s),
            s.integer(IO_THREADS, 0, 0, 256),
            KafkaLimits.from(s));
        if (c.lineProtocolTcpPort() >= 0 && !c.rigTokens().isEmpty()) {
            // raw TCP line protocol carries no credentials: it would let anyone write any rig's channels
            throw s.invalid(LINE_PROTOCOL_TCP_PORT, "must be -1 (off) while " + RIG_TOKENS + " is set: raw TCP "
                + "line protocol has no authentication; use HTTP /api/v2/write with 'Authorization: Token' instead");
        }
        return c;
    }

    /** The raw-TCP line protocol's precision: one of the HTTP API's names ({@code n} and {@code u} too). */
    private static String lineProtocolPrecision(final Settings s) {
        final String p = s.string(LINE_PROTOCOL_TCP_PRECISION, "ns");
        if (LineProtocolParser.microsPer(p) < 0) {
            throw s.invalid(LINE_PROTOCOL_TCP_PRECISION, "must be ns, us, ms or s");
        }
        return p;
    }

    /** One of Kafka's compression types; the producer would only refuse a bad one when the gateway starts. */
    private static String kafkaCompression(final Settings s) {
        final String c = s.string(KAFKA_COMPRESSION, "lz4");
        if (!COMPRESSION_TYPES.contains(c)) {
            throw s.invalid(KAFKA_COMPRESSION, "must be one of " + String.join(", ", COMPRESSION_TYPES));
        }
        return c;
    }

    /** Parses {@code rigA:secret1,rigB:secret2}. */
    private static Map<String, String> parseTokens(final Settings s, final String key, final String who) {
        final String raw = s.string(key, "");
        final Map<String, String> tokens = new TreeMap<>();
        if (raw.isBlank()) {
            return tokens;
        }
        for (String pair : raw.split(",")) {
            final int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new ConfigException("setting '" + key + "' must be " + who + ":token pairs separated by commas; "
                    + "bad entry '" + pair.trim().replaceAll(":.*", ":***") + "'");
            }
            tokens.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
        }
        return tokens;
    }

    /** A copy that talks to another Kafka cluster (the launcher learns the embedded broker address at run time). */
    public GatewayConfig withKafka(final String servers) {
        return new GatewayConfig(bindAddress, rigPort, servers, samplesTopic, alertsTopic, instanceId, maxFrameLength,
            heartbeatIntervalMillis, maxUnackedFrames, rigTokens, httpPort, operatorTokens, commandResendMillis,
            commandDeadlineMillis, lineProtocolTcpPort, lineProtocolTcpPrecision, lineProtocolTcpMaxLine,
            commandHoldMillis, kafkaCompression, tls, limits, ioThreads, kafka);
    }
}
