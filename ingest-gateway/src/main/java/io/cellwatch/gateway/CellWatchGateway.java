package io.cellwatch.gateway;

import java.net.InetSocketAddress;

import io.cellwatch.gateway.command.AlertCommandConsumer;
import io.cellwatch.gateway.command.CommandRouter;
import io.cellwatch.gateway.kafka.KafkaRecordPublisher;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.cellwatch.gateway.tcp.RigChannelInitializer;
import io.cellwatch.gateway.tcp.RigServer;
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
    private RigServer server;
    private InetSocketAddress rigAddress;

    public CellWatchGateway(final GatewayConfig config) {
        this.config = config;
    }

    /** Starts everything; returns when the rig port accepts connections. */
    public CellWatchGateway start() throws InterruptedException {
        if (config.rigTokens().isEmpty()) {
            LOG.warn("gateway.rig-tokens is empty: any rig id is accepted without a token (development mode)");
        }
        publisher = new KafkaRecordPublisher(config.bootstrapServers(), config.samplesTopic(),
            "cellwatch-gateway-" + config.instanceId());
        final CommandRouter router = new CommandRouter(metrics);
        commands = new AlertCommandConsumer(config.bootstrapServers(), config.alertsTopic(),
            "cellwatch-gateway-" + config.instanceId(), router, metrics);
        commands.start();
        server = new RigServer();
        rigAddress = server.bind(config.bindAddress(), config.rigPort(),
            new RigChannelInitializer(config, publisher, router, metrics));
        LOG.info("gateway {} listening for rigs on {}", config.instanceId(), rigAddress);
        return this;
    }

    public InetSocketAddress rigAddress() {
        return rigAddress;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Stops accepting rigs, then flushes what Kafka still has to take, then stops the command consumer. */
    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (commands != null) {
            commands.close();
        }
    }
}
