package io.cellwatch.bench.codec;

/**
 * One sample as an object: the representation of the object-per-sample baselines (what many telemetry stacks
 * decode each sample into). Optional values are NaN when absent, as in {@link io.cellwatch.core.codec.SamplesFlyweight}.
 */
public record Sample(long timestampMicros, float voltage, float current, float cellTemperature,
                     float ambientTemperature, float force, int flags) {
}
