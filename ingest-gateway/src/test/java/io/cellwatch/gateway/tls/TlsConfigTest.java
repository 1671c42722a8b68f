package io.cellwatch.gateway.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.cellwatch.core.config.ConfigException;
import io.cellwatch.core.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsConfigTest {
    @TempDir
    Path dir;

    @Test
    void shouldBeOffWithoutAnyKey() {
        final TlsConfig tls = TlsConfig.from(Settings.of(Map.of()));
        assertFalse(tls.rigTls() || tls.httpTls() || tls.mutual());
        assertNull(ServerTlsContexts.rig(tls));
        assertNull(ServerTlsContexts.http(tls));
    }

    @Test
    void shouldNameTheMissingKeyWhenTlsIsOnWithoutACertificate() {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> TlsConfig.from(Settings.of(Map.of("gateway.http-tls", "true"))));
        assertTrue(e.getMessage().contains("gateway.tls-cert-file") && e.getMessage().contains("gateway.http-tls"),
            e.getMessage());
    }

    @Test
    void shouldNameTheFileWhenItDoesNotExist() {
        final ConfigException e = assertThrows(ConfigException.class, () -> TlsConfig.from(Settings.of(Map.of(
            "gateway.rig-tls", "true", "gateway.tls-cert-file", dir.resolve("nope.pem").toString(),
            "gateway.tls-key-file", dir.resolve("nope.pem").toString()))));
        assertTrue(e.getMessage().contains("nope.pem") && e.getMessage().contains("readable"), e.getMessage());
    }

    @Test
    void shouldRefuseAClientCaWithoutTlsOnTheRigPort() throws IOException {
        final Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        final ConfigException e = assertThrows(ConfigException.class, () -> TlsConfig.from(Settings.of(Map.of(
            "gateway.rig-tls-client-ca-file", ca.toString()))));
        assertTrue(e.getMessage().contains("gateway.rig-tls=true"), e.getMessage());
    }

    @Test
    void shouldRefuseToStartWhenTheFilesAreNotPem() throws IOException {
        final Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        final TlsConfig tls = TlsConfig.from(Settings.of(Map.of("gateway.rig-tls", "true",
            "gateway.tls-cert-file", junk.toString(), "gateway.tls-key-file", junk.toString())));
        final ConfigException e = assertThrows(ConfigException.class, () -> ServerTlsContexts.rig(tls));
        assertTrue(e.getMessage().contains("junk.pem") && e.getMessage().contains("gateway.tls-key-file"),
            e.getMessage());
    }
}
