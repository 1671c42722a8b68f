package io.cellwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.cellwatch.core.config.ConfigException;
import io.cellwatch.core.config.Settings;
import org.junit.jupiter.api.Test;

/** docs/config.md must list every key the code reads, and bad settings must name the key and the value. */
class LauncherConfigDocTest {

    @Test
    void shouldDocumentEveryConfigKeyWhenAKeyIsAddedToTheCode() throws IOException {
        final String doc = Files.readString(Path.of("..", "docs", "config.md"));
        final List<String> missing = LauncherConfig.keys().stream()
            .filter(k -> !doc.contains("`" + k + "`"))
            .collect(Collectors.toList());
        assertEquals(List.of(), missing, "keys missing from docs/config.md");
    }

    @Test
    void shouldNameTheKeyAndValueWhenASettingIsInvalid() {
        final ConfigException e = assertThrows(ConfigException.class, () -> LauncherConfig.from(
            Settings.load(LauncherConfig.keys(), null, Map.of(), Map.of("gateway.rig-port", "99999"))));
        assertTrue(e.getMessage().contains("gateway.rig-port") && e.getMessage().contains("99999"), e.getMessage());
    }

    @Test
    void shouldRefuseAnUnknownKeyWhenItIsGivenOnTheCommandLine() {
        final ConfigException e = assertThrows(ConfigException.class, () ->
            Settings.load(LauncherConfig.keys(), null, Map.of(), Map.of("gateway.rig-prot", "7411")));
        assertTrue(e.getMessage().contains("gateway.rig-prot"), e.getMessage());
    }

    @Test
    void shouldLetTheEnvironmentOverrideTheFileAndFlagsOverrideTheEnvironment() throws IOException {
        final Path file = Files.createTempFile("cellwatch", ".properties");
        try {
            Files.writeString(file, "gateway.rig-port=7000\nsimulator.channels=8\n");
            final LauncherConfig c = LauncherConfig.from(Settings.load(LauncherConfig.keys(), file,
                Map.of("CELLWATCH_GATEWAY_RIG_PORT", "7100", "CELLWATCH_SIMULATOR_RATE_HZ", "50"),
                Map.of("gateway.rig-port", "7200")));
            assertEquals(7200, c.gateway().rigPort());
            assertEquals(8, c.simulatedChannels());
            assertEquals(50, c.simulatedRateHz());
            assertTrue(c.embeddedKafka(), "no bootstrap servers given: the embedded broker is used");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void shouldUseTheExternalClusterWhenBootstrapServersAreGiven() {
        final LauncherConfig c = LauncherConfig.from(Settings.of(Map.of("kafka.bootstrap-servers", "k1:9092")));
        assertEquals(false, c.embeddedKafka());
        assertEquals("k1:9092", c.gateway().bootstrapServers());
        assertEquals("k1:9092", c.job().bootstrapServers());
    }
}
