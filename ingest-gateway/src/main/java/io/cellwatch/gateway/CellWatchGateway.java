package io.cellwatch.gateway;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.gateway.board.ChannelBoard;
import io.cellwatch.gateway.command.AlertCommandConsumer;
import io.cellwatch.gateway.command.CommandRouter;
import io.cellwatch.gateway.kafka.KafkaRecordPublisher;
import io.cellwatch.gateway.kafka.KafkaSendTracker;
import io.cellwatch.gateway.http.HttpApiHandler;
import io.cellwatch.gateway.http.HttpChannelInitializer;
import io.cellwatch.gateway.http.LineProtocolHttpHandler;
import io.cellwatch.gateway.http.LiveFeed;
import io.cellwatch.gateway.lineprotocol.LineProtocolWriter;
import io.cellwatch.gateway.linetcp.LineProtocolTcpInitializer;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.cellwatch.gateway.tcp.InFlightBudget;
import io.cellwatch.gateway.tcp.RigChannelInitializer;
import io.cellwatch.gateway.tcp.NettyServer;
import io.cellwatch.gateway.tls.ServerTlsContexts;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway instance: the Kafka producer, the alert consumer that sends commands, and the rig port, started and
 * stopped in dependency order.
 */
public final class CellWatchGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CellWatchGateway.class);

    private final GatewayConfig config;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private KafkaRecordPublisher publisher;
    private AlertCommandConsumer commands;
    private final ChannelBoard board = new ChannelBoard();
    private CommandRouter router;
    private NettyServer server;
    private NettyServer http;
    private NettyServer lineProtocolTcp;
    private InetSocketAddress lineProtocolTcpAddress;
    private LiveFeed feed;
    private InetSocketAddress rigAddress;
    private InetSocketAddress httpAddress;
    private final long startedAtMillis = System.currentTimeMillis();
    /** How long start() waits for the topics' metadata before it goes on without (sends fail until Kafka answers). */
    private static final Duration METADATA_WAIT = Duration.ofSeconds(10);

    public CellWatchGateway(final GatewayConfig config) {
        this.config = config;
    }

    /** Starts everything; returns when the rig port accepts connections. */
    public CellWatchGateway start() throws InterruptedException {
        if (!config.tls().rigTls() && !config.rigTokens().isEmpty()) {
            LOG.warn("rig tokens travel in clear text: gateway.rig-tls is off (trusted networks only)");
        }
        if (config.rigTokens().isEmpty()) {
            LOG.warn("gateway.rig-tokens is empty: any rig id is accepted without a token (development mode)");
        }
        // Built first: a bad certificate or key stops the start before anything else runs.
        final SslContext rigTls = ServerTlsContexts.rig(config.tls());
        final SslContext httpTls = ServerTlsContexts.http(config.tls());
        final KafkaSendTracker sends = new KafkaSendTracker(metrics.kafkaSendLatency, config.kafka().unreachableMillis());
        publisher = new KafkaRecordPublisher(config.bootstrapServers(), config.samplesTopic(),
            "cellwatch-gateway-" + config.instanceId(), config.kafkaCompression(), config.kafka().bufferMemory(), sends);
        // sends never wait for metadata (they run on event loops): fetch it now, while waiting is allowed
        publisher.awaitTopics(METADATA_WAIT, config.alertsTopic());
        final InFlightBudget budget = new InFlightBudget(config.kafka().maxInFlightBytes());
        metrics.gauge("kafka_in_flight_bytes", budget::bytes);
        metrics.gauge("kafka_in_flight_bytes_max", budget::peakBytes);
        metrics.gauge("kafka_in_flight_bytes_limit", budget::limit);
        metrics.gauge("kafka_acks_outstanding", sends::outstanding);
        metrics.counter("kafka_records_failed", sends::failedCount);
        router = new CommandRouter(metrics, board::alert, this::publishEscalation, config.commandResendMillis(),
            config.commandDeadlineMillis(), config.commandHoldMillis()).start();
        commands = new AlertCommandConsumer(config.bootstrapServers(), config.alertsTopic(),
            "cellwatch-gateway-" + config.instanceId(), router, metrics);
        commands.start();
        metrics.gauge("commands_pending", router::pendingCount);
        metrics.gauge("commands_held_waiting", router::heldCount);
        server = new NettyServer(config.ioThreads());
        rigAddress = server.bind(config.bindAddress(), config.rigPort(),
            new RigChannelInitializer(config, publisher, router, metrics, board, budget, rigTls));
        LOG.info("gateway {} listening for rigs on {}{}", config.instanceId(), rigAddress,
            rigTls == null ? " (plain TCP)" : config.tls().mutual() ? " (TLS, client certificates required)" : " (TLS)");
        // one writer for HTTP and raw TCP: it numbers each channel's records, and both ways must share the numbers
        final LineProtocolWriter lineWriter = new LineProtocolWriter(publisher, ProcedureLibrary.builtIn(),
            config.limits().maxFutureSkewMillis());
        if (config.lineProtocolTcpPort() >= 0) {
            lineProtocolTcp = new NettyServer(1);
            lineProtocolTcpAddress = lineProtocolTcp.bind(config.bindAddress(), config.lineProtocolTcpPort(),
                new LineProtocolTcpInitializer(lineWriter, config.lineProtocolTcpPrecision(),
                    config.lineProtocolTcpMaxLine(), config.limits().lineTcpTimeoutMillis(), metrics));
            LOG.info("gateway {} accepting line protocol over TCP on {} (precision {}, no authentication)",
                config.instanceId(), lineProtocolTcpAddress, config.lineProtocolTcpPrecision());
        }
        if (config.httpPort() >= 0) {
            if (config.operatorTokens().isEmpty()) {
                LOG.warn("gateway.operator-tokens is empty: anyone can acknowledge alerts (development mode)");
            }
            http = new NettyServer(1);
            feed = new LiveFeed(board);
            feed.start(http.workers());
            metrics.gauge("feed_clients_active", feed::clientCount);
            metrics.counter("feed_ticks_skipped", feed::ticksSkipped);
            metrics.counter("feed_slow_clients_closed", feed::slowClientsClosed);
            final LineProtocolHttpHandler lineProtocol = new LineProtocolHttpHandler(
                lineWriter, config.rigTokens(),
                metrics.lineProtocolPointsIn, metrics.lineProtocolRequestsRejected);
            httpAddress = http.bind(config.bindAddress(), config.httpPort(), new HttpChannelInitializer(
                new HttpApiHandler(board, metrics, this::health, config.operatorTokens()), feed, lineProtocol, httpTls,
                metrics, config.limits().httpRequestTimeoutMillis()));
            LOG.info("gateway {} serving HTTP{} (dashboard, REST, /metrics, /health) on {}", config.instanceId(),
                httpTls == null ? "" : "S", httpAddress);
        }
        return this;
    }

    public InetSocketAddress rigAddress() {
        return rigAddress;
    }

    /** Writes an escalation alert to the alerts topic (it comes back through the consumer to every screen). */
    private void publishEscalation(final Alert alert) {
        LOG.warn("escalating: {}", alert.reason());
        publisher.publishTo(config.alertsTopic(), alert.channelId(), AlertJson.toJson(alert), failure -> {
            if (failure != null) {
                LOG.error("could not record escalation alert {}: {}", alert.alertId(), failure.toString());
            }
        });
    }

    /** The raw-TCP line-protocol address, or null when it is off. */
    public InetSocketAddress lineProtocolTcpAddress() {
        return lineProtocolTcpAddress;
    }

    /** The HTTP address, or null when HTTP is off. */
    public InetSocketAddress httpAddress() {
        return httpAddress;
    }

    public ChannelBoard board() {
        return board;
    }

    public LiveFeed feed() {
        return feed;
    }

    /**
     * /health: "up" (200), or "down" (503) with the reason when Kafka is unreachable ({@link KafkaSendTracker}): the
     * gateway then acknowledges nothing, and a load balancer should send rigs elsewhere.
     */
    private Map<String, Object> health() {
        final Map<String, Object> m = new LinkedHashMap<>();
        final String kafkaProblem = publisher.tracker().problem(System.nanoTime());
        m.put("status", kafkaProblem == null ? "up" : "down");
        if (kafkaProblem != null) {
            m.put("reason", "Kafka unreachable: " + kafkaProblem);
        }
        m.put("instanceId", config.instanceId());
        m.put("uptimeSeconds", (System.currentTimeMillis() - startedAtMillis) / 1000);
        m.put("rigsConnected", metrics.rigsConnected.sum());
        m.put("connections", metrics.connectionsActive.sum());
        m.put("kafkaAcksOutstanding", publisher.tracker().outstanding());
        m.put("feedClients", feed == null ? 0 : feed.clientCount());
        return m;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /**
     * Graceful shutdown: stop accepting rigs; let Kafka take what it was given and send those ACKs while the rig
     * connections are still open (so a rig resends as little as possible); then close the connections, the HTTP
     * side and the command consumer.
     */
    @Override
    public void close() {
        if (router != null) {
            router.close(); // no more resends or escalations
        }
        if (server != null) {
            server.stopAccepting();
        }
        if (lineProtocolTcp != null) {
            lineProtocolTcp.close(); // no ACKs to wait for: closing hands each connection's last batch to the producer
        }
        if (publisher != null) {
            publisher.close(); // flushes: the callbacks ACK on the still-running event loops
        }
        if (server != null) {
            server.close();
        }
        if (feed != null) {
            feed.close();
        }
        if (http != null) {
            http.close();
        }
        if (commands != null) {
            commands.close();
        }
    }
}
