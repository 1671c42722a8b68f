package io.cellwatch.core.alert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON form of an {@link Alert} on the alerts topic: one flat object whose field names are the record's
 * component names. This one codec is shared by the job (writer) and the gateway (reader), so they cannot drift.
 * NaN numbers (no reference) are written as JSON {@code null}.
 */
public final class AlertJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // a newer job may add fields
        .build();

    private AlertJson() {
    }

    public static byte[] toJson(final Alert alert) {
        try {
            return MAPPER.writeValueAsBytes(new Wire(alert));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise alert " + alert.alertId(), e);
        }
    }

    /** Parses an alert; throws {@link IllegalArgumentException} naming the problem for malformed input. */
    public static Alert fromJson(final byte[] json) {
        try {
            final Wire w = MAPPER.readValue(json, Wire.class);
            if (w == null) { // Jackson maps the JSON literal null to null
                throw new IllegalArgumentException("alert JSON is null, not an object");
            }
            if (w.alertId == null || w.channelId == null || w.rule == null) {
                throw new IllegalArgumentException("alert JSON lacks alertId, channelId or rule");
            }
            return w.toAlert();
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed alert JSON: " + e.getMessage(), e);
        }
    }

    /** Mutable mirror of {@link Alert} for Jackson, so the record itself stays free of annotations and NaN stays readable. */
    static final class Wire {
        public String alertId;
        public String channelId;
        public String rigId;
        public String cellSerial;
        public String lot;
        public String procedureId;
        public int procedureVersion;
        public String rule;
        public AlertClass alertClass;
        public StopAction action;
        public long sampleTimeMicros;
        public Double value;
        public Double reference;
        public Double threshold;
        public String unit;
        public long detectedAtMicros;
        public boolean acknowledged;
        public String reason;
        public String trigger;

        Wire() {
        }

        Wire(final Alert a) {
            alertId = a.alertId();
            channelId = a.channelId();
            rigId = a.rigId();
            cellSerial = a.cellSerial();
            lot = a.lot();
            procedureId = a.procedureId();
            procedureVersion = a.procedureVersion();
            rule = a.rule();
            alertClass = a.alertClass();
            action = a.action();
            sampleTimeMicros = a.sampleTimeMicros();
            value = finiteOrNull(a.value());
            reference = finiteOrNull(a.reference());
            threshold = finiteOrNull(a.threshold());
            unit = a.unit();
            detectedAtMicros = a.detectedAtMicros();
            acknowledged = a.acknowledged();
            reason = a.reason();
            trigger = a.trigger();
        }

        Alert toAlert() {
            return new Alert(alertId, channelId, rigId, cellSerial, lot, procedureId, procedureVersion, rule,
                alertClass, action, sampleTimeMicros, nanIfNull(value), nanIfNull(reference), nanIfNull(threshold),
                unit, detectedAtMicros, acknowledged, reason, trigger);
        }

        private static Double finiteOrNull(final double v) {
            return Double.isFinite(v) ? v : null;
        }

        private static double nanIfNull(final Double v) {
            return v == null ? Double.NaN : v;
        }
    }

    /** For tests and tools that want the text. */
    public static String toJsonString(final Alert alert) {
        return new String(toJson(alert), StandardCharsets.UTF_8);
    }
}
