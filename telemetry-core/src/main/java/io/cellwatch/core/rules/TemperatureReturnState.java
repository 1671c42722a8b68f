package io.cellwatch.core.rules;

/** Per-channel state of the {@link TemperatureReturnRule}. A Flink POJO. */
public class TemperatureReturnState {
    /** When the short began (SHORT_APPLIED mark, else the run's first sample); MIN_VALUE until known. */
    public long startMicros = Long.MIN_VALUE;
    /** The run's first cell temperature, the ambient of last resort. */
    public double firstCellTemperature = Double.NaN;
    /** Running maximum of dT = T_cell - T_ambient since the start. */
    public double maxRise = Double.NEGATIVE_INFINITY;
    /** Whether the short current was seen flowing (so that a later stop of the current can be detected). */
    public boolean currentFlowing;
    /** When the current stopped (packs), or MIN_VALUE. */
    public long currentStoppedMicros = Long.MIN_VALUE;
    /** The end criterion fired; nothing more until the next SHORT_APPLIED. */
    public boolean fired;
    /** dT of the last evaluated sample, for the alert. */
    public double lastRise = Double.NaN;

    public TemperatureReturnState() {
    }
}
