package io.cellwatch.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cellwatch.kafka.embedded.EmbeddedKafkaMain.Options;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EmbeddedKafkaMainTest {

    @Test
    void shouldUseTemporaryDirectoryAndFreePortWhenNoArguments() {
        Options options = Options.parse(new String[0]);

        assertNull(options.dataDirectory());
        assertEquals(0, options.port());
        assertEquals(false, options.help());
    }

    @Test
    void shouldReadDataDirAndPortWhenGivenInEitherForm() {
        assertEquals(new Options(Path.of("/tmp/k"), 9092, false),
                Options.parse(new String[] {"--data-dir", "/tmp/k", "--port", "9092"}));
        assertEquals(new Options(Path.of("/tmp/k"), 9092, false),
                Options.parse(new String[] {"--data-dir=/tmp/k", "--port=9092"}));
    }

    @Test
    void shouldAskForHelpWhenHelpFlagGiven() {
        assertTrue(Options.parse(new String[] {"--port", "1", "--help"}).help());
        assertTrue(EmbeddedKafkaMain.USAGE.contains("--data-dir"));
    }

    @Test
    void shouldRejectArgumentsWhenPortIsInvalidOrUnknownFlagGiven() {
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--port", "x"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--port", "70000"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--port"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--verbose"}));
    }
}
