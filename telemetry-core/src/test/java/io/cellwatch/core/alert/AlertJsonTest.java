package io.cellwatch.core.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AlertJsonTest {
    private static final long SAMPLE_TIME = 1_767_225_601_200_000L;

    private static Alert alert(final double reference) {
        return new Alert(AlertIds.of("press-01/ch03", "upper-charge-voltage", SAMPLE_TIME), "press-01/ch03",
            "press-01", "SN-0042", "LOT-2601", "pse-app9/3-11", 3, "upper-charge-voltage", AlertClass.SAFETY,
            StopAction.STOP, SAMPLE_TIME, 4.250100135803223, reference, 4.25, "V", SAMPLE_TIME + 4_000, false,
            "voltage 4.2501 V above the upper charge voltage 4.25 V", "over-limit");
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldRoundTripEveryFieldWhenTheAlertIsComplete() {
        final Alert alert = alert(4.1);
        assertEquals(alert, AlertJson.fromJson(AlertJson.toJson(alert)));
    }

    @Test
    void shouldWriteNullAndReadNaNWhenTheReferenceIsNaN() {
        final Alert alert = alert(Double.NaN);
        final String json = AlertJson.toJsonString(alert);
        assertTrue(json.contains("\"reference\":null"), json);
        assertFalse(json.contains("NaN"), json);
        final Alert back = AlertJson.fromJson(utf8(json));
        assertTrue(Double.isNaN(back.reference()));
        assertEquals(alert, back);
    }

    @Test
    void shouldUseTheRecordComponentNamesWhenWritingJson() {
        final String json = AlertJson.toJsonString(alert(4.1));
        for (var component : Alert.class.getRecordComponents()) {
            assertTrue(json.contains("\"" + component.getName() + "\":"), component.getName() + " in " + json);
        }
        assertTrue(json.contains("\"alertClass\":\"SAFETY\""), json);
        assertTrue(json.contains("\"action\":\"STOP\""), json);
    }

    @Test
    void shouldIgnoreUnknownFieldsWhenANewerWriterAddedThem() {
        final String json = AlertJson.toJsonString(alert(4.1));
        final String newer = "{\"futureField\":{\"nested\":[1,2,3]},\"anotherOne\":\"x\"," + json.substring(1);
        assertEquals(alert(4.1), AlertJson.fromJson(utf8(newer)));
    }

    @Test
    void shouldReadNaNWhenNumbersAreMissing() {
        final Alert alert = AlertJson.fromJson(utf8("{\"alertId\":\"a\",\"channelId\":\"c\",\"rule\":\"r\"}"));
        assertEquals("a", alert.alertId());
        assertTrue(Double.isNaN(alert.value()));
        assertTrue(Double.isNaN(alert.reference()));
        assertTrue(Double.isNaN(alert.threshold()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "not json",
        "{",
        "[]",
        "null",
        "42",
        "\"a string\"",
        "{\"alertId\":\"a\",\"channelId\":\"c\"}",
        "{\"channelId\":\"c\",\"rule\":\"r\"}",
        "{\"alertId\":\"a\",\"channelId\":\"c\",\"rule\":\"r\",\"sampleTimeMicros\":\"yesterday\"}",
        "{\"alertId\":\"a\",\"channelId\":\"c\",\"rule\":\"r\",\"alertClass\":\"NO_SUCH_CLASS\"}",
        "{\"alertId\":\"a\",\"channelId\":\"c\",\"rule\":\"r\",\"value\":[1]}"
    })
    void shouldThrowIllegalArgumentWhenTheJsonIsMalformed(final String json) {
        assertThrows(IllegalArgumentException.class, () -> AlertJson.fromJson(utf8(json)), json);
    }
}
