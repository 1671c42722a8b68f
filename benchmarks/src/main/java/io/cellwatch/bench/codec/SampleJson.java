package io.cellwatch.bench.codec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One sample as one JSON object, the JSON-per-sample baseline (one Kafka record or one HTTP/MQTT message per
 * sample). Without a frame around it, each object has to name its channel and carry its own sequence number.
 * Absent optional values are left out of the text and read back as null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SampleJson(String channelId, long sequence, long timestampMicros, float voltage, float current,
                         Float cellTemperature, Float ambientTemperature, Float force) {
}
