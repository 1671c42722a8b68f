package io.cellwatch.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.cellwatch.core.config.ConfigException;
import io.cellwatch.core.config.Settings;
import org.junit.jupiter.api.Test;

/** Gateway keys with rules beyond a number range (raw-TCP line protocol, held commands, Kafka compression): defaults and refusals. */
class GatewayConfigTest {

    @Test
    void shouldLeaveRawTcpLineProtocolOffAndHoldCommandsTenSecondsWhenNothingIsSet() {
        final GatewayConfig c = GatewayConfig.from(Settings.of(Map.of()));
        assertEquals(-1, c.lineProtocolTcpPort());
        assertEquals("ns", c.lineProtocolTcpPrecision());
        assertEquals(65_536, c.lineProtocolTcpMaxLine());
        assertEquals(10_000, c.commandHoldMillis());
        assertEquals("lz4", c.kafkaCompression());
    }

    @Test
    void shouldTakeAKafkaCompressionTypeAndRefuseAnUnknownOneNamingTheValue() {
        assertEquals("none", GatewayConfig.from(Settings.of(Map.of(GatewayConfig.KAFKA_COMPRESSION, "none")))
            .kafkaCompression());
        final ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.from(Settings.of(Map.of(
            GatewayConfig.KAFKA_COMPRESSION, "brotli"))));
        assertTrue(e.getMessage().contains(GatewayConfig.KAFKA_COMPRESSION) && e.getMessage().contains("brotli"),
            e.getMessage());
    }

    @Test
    void shouldUseNettysDefaultLoopCountUnlessIoThreadsIsSetAndRefuseANegativeOneNamingTheValue() {
        assertEquals(0, GatewayConfig.from(Settings.of(Map.of())).ioThreads());
        assertEquals(1, GatewayConfig.from(Settings.of(Map.of(GatewayConfig.IO_THREADS, "1"))).ioThreads());
        final ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.from(Settings.of(Map.of(
            GatewayConfig.IO_THREADS, "-2"))));
        assertTrue(e.getMessage().contains(GatewayConfig.IO_THREADS) && e.getMessage().contains("-2"), e.getMessage());
    }

    @Test
    void shouldRefuseRawTcpLineProtocolWhenRigsAuthenticate() {
        final ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.from(Settings.of(Map.of(
            GatewayConfig.LINE_PROTOCOL_TCP_PORT, "8094", GatewayConfig.RIG_TOKENS, "rigA:secret"))));
        assertTrue(e.getMessage().contains(GatewayConfig.LINE_PROTOCOL_TCP_PORT) && e.getMessage().contains("8094"),
            e.getMessage());
    }

    @Test
    void shouldRefuseAnUnknownPrecisionNamingTheValue() {
        final ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.from(Settings.of(Map.of(
            GatewayConfig.LINE_PROTOCOL_TCP_PRECISION, "minutes"))));
        assertTrue(e.getMessage().contains(GatewayConfig.LINE_PROTOCOL_TCP_PRECISION)
            && e.getMessage().contains("minutes"), e.getMessage());
    }
}
