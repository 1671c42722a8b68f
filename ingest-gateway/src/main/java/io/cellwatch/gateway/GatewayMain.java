package io.cellwatch.gateway;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.cellwatch.core.config.CommandLine;
import io.cellwatch.core.config.ConfigException;
import io.cellwatch.core.config.Settings;
import io.cellwatch.gateway.tls.TlsConfig;

/** Runs a gateway on its own, against an existing Kafka cluster: {@code GatewayMain --help}. */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(final String[] args) throws Exception {
        final CommandLine cl;
        final GatewayConfig config;
        try {
            cl = CommandLine.parse(args, List.of("help"));
            if (cl.takeSwitch("help")) {
                System.out.println(usage());
                return;
            }
            final String file = cl.take("config");
            config = GatewayConfig.from(Settings.load(GatewayConfig.KEYS, file == null ? null : Path.of(file),
                System.getenv(), cl.flags()));
        } catch (ConfigException e) {
            System.err.println("cellwatch-gateway: " + e.getMessage());
            System.exit(2);
            return;
        }
        final CellWatchGateway gateway = new CellWatchGateway(config).start();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        System.out.println("gateway listening for rigs on " + gateway.rigAddress() + "; Ctrl-C stops it");
        stopped.await();
    }

    static String usage() {
        return String.join("\n",
            "usage: GatewayMain [--config FILE] [--KEY=VALUE ...]",
            "",
            "Runs a CellWatch ingest gateway against an existing Kafka cluster.",
            "Settings (defaults < --config file < CELLWATCH_* environment < flags); see docs/config.md:",
            "  --" + GatewayConfig.BOOTSTRAP_SERVERS + "=HOST:PORT   Kafka (default 127.0.0.1:9092)",
            "  --" + GatewayConfig.BIND_ADDRESS + "=ADDR           rig port address (default 127.0.0.1)",
            "  --" + GatewayConfig.RIG_PORT + "=PORT               rig protocol port (default 7411)",
            "  --" + GatewayConfig.SAMPLES_TOPIC + "=NAME               (default cellwatch.samples)",
            "  --" + GatewayConfig.ALERTS_TOPIC + "=NAME                (default cellwatch.alerts)",
            "  --" + GatewayConfig.INSTANCE_ID + "=NAME           (default gw1)",
            "  --" + GatewayConfig.MAX_FRAME_LENGTH + "=BYTES     (default 1048576)",
            "  --" + GatewayConfig.HEARTBEAT_INTERVAL + "=MS  (default 1000)",
            "  --" + GatewayConfig.MAX_UNACKED_FRAMES + "=N     (default 1024)",
            "  --" + GatewayConfig.RIG_TOKENS + "=RIG:TOKEN,...   (default empty = no authentication)",
            "  --" + GatewayConfig.LINE_PROTOCOL_TCP_PORT + "=PORT  raw-TCP line protocol (default -1 = off)",
            "  --" + GatewayConfig.COMMAND_HOLD + "=MS   alert waits for its rig to connect (default 10000)",
            "  --" + TlsConfig.RIG_TLS + "=true --" + TlsConfig.HTTP_TLS + "=true   TLS on the ports (default off)",
            "  --" + TlsConfig.CERT_FILE + "=PEM --" + TlsConfig.KEY_FILE + "=PEM   certificate chain, PKCS#8 key",
            "  --" + TlsConfig.RIG_CLIENT_CA_FILE + "=PEM   require rig client certificates (mutual TLS)");
    }
}
