package io.cellwatch.bench.engines;

/**
 * One decoded sample as an event object, the input the CEP engines get: a JavaBean (Esper reads properties through
 * getters) and a Flink POJO (public no-arg constructor). {@code phaseStart} marks the first sample after a phase
 * mark (PRESS_START, SHORT_APPLIED), which CellWatch receives as a separate MARK frame.
 */
public final class Reading {
    private long timestampMicros;
    private double v;
    private double current;
    private double cellTemperature;
    private double ambient;
    private double force;
    private boolean phaseStart;

    public Reading() {
    }

    public Reading(final long timestampMicros, final double v, final double current, final double cellTemperature,
                   final double ambient, final double force, final boolean phaseStart) {
        this.timestampMicros = timestampMicros;
        this.v = v;
        this.current = current;
        this.cellTemperature = cellTemperature;
        this.ambient = ambient;
        this.force = force;
        this.phaseStart = phaseStart;
    }

    public long getTimestampMicros() {
        return timestampMicros;
    }

    public void setTimestampMicros(final long timestampMicros) {
        this.timestampMicros = timestampMicros;
    }

    public double getV() {
        return v;
    }

    public void setV(final double v) {
        this.v = v;
    }

    public double getCurrent() {
        return current;
    }

    public void setCurrent(final double current) {
        this.current = current;
    }

    public double getCellTemperature() {
        return cellTemperature;
    }

    public void setCellTemperature(final double cellTemperature) {
        this.cellTemperature = cellTemperature;
    }

    public double getAmbient() {
        return ambient;
    }

    public void setAmbient(final double ambient) {
        this.ambient = ambient;
    }

    public double getForce() {
        return force;
    }

    public void setForce(final double force) {
        this.force = force;
    }

    public boolean isPhaseStart() {
        return phaseStart;
    }

    public void setPhaseStart(final boolean phaseStart) {
        this.phaseStart = phaseStart;
    }

    /** T_cell - T_ambient, the temperature-return rule's dT. */
    public double rise() {
        return cellTemperature - ambient;
    }
}
