package io.cellwatch.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** Builds and writes the {@code server.properties} of the single-node combined broker+controller. */
final class BrokerConfig {

    /** Host of every listener: loopback only, so a test broker is never reachable from the network. */
    static final String HOST = "127.0.0.1";

    /** Keys derived from the ports and the data directory; overriding them would break bootstrapServers(). */
    static final Set<String> RESERVED_KEYS = Set.of(
            "process.roles", "node.id", "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "listeners", "advertised.listeners", "controller.listener.names", "inter.broker.listener.name",
            "listener.security.protocol.map", "log.dirs", "log.dir");

    private BrokerConfig() {
    }

    /**
     * Returns the broker configuration in a stable, readable order.
     *
     * @param logDir         the Kafka log directory (data and KRaft metadata)
     * @param port           the PLAINTEXT port
     * @param controllerPort the CONTROLLER port
     * @param extra          extra properties; they override the defaults here but may not use reserved keys
     * @return the configuration
     */
    static Map<String, String> serverProperties(Path logDir, int port, int controllerPort, Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        // One JVM is both the KRaft controller and the broker: the smallest real cluster there is.
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        // Topics are created explicitly (KafkaTopics) so a typo in a topic name fails instead of creating a topic.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // The internal topics default to replication factor 3, which a single node can never satisfy:
        // consumer groups, transactions and share groups would then wait forever.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // The default 3 s delay only helps when many consumers join at once; tests would just wait for it.
        p.put("group.initial.rebalance.delay.ms", "0");
        // The default 128 MiB cleaner buffer alone would take a quarter of the child's 512 MiB heap.
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        // transaction.max.timeout.ms stays at Kafka's default (15 min): Flink's EXACTLY_ONCE sink must stay below it.
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (RESERVED_KEYS.contains(e.getKey())) {
                throw new IllegalArgumentException("broker property '" + e.getKey()
                        + "' is set by EmbeddedKafkaBroker itself and cannot be overridden");
            }
            p.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(p);
    }

    /**
     * Writes properties in the {@link Properties} file format, in the given order.
     *
     * @param file       the file to (over)write
     * @param properties the properties
     */
    static void write(Path file, Map<String, String> properties) {
        StringBuilder text = new StringBuilder("# Written by io.cellwatch.kafka.embedded.EmbeddedKafkaBroker\n");
        for (Map.Entry<String, String> e : properties.entrySet()) {
            // Properties.store does the escaping (Windows paths, ':' and '='); one entry at a time keeps the order.
            // The OutputStream variant also escapes non-ASCII as backslash-u: Kafka reads the file as ISO-8859-1.
            Properties one = new Properties();
            one.setProperty(e.getKey(), e.getValue());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                one.store(out, null);
            } catch (IOException impossible) {
                throw new UncheckedIOException(impossible);
            }
            out.toString(StandardCharsets.ISO_8859_1).lines().filter(line -> !line.startsWith("#")).forEach(line -> text.append(line).append('\n'));
        }
        try {
            Files.writeString(file, text, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
