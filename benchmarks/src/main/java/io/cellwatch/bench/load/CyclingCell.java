package io.cellwatch.bench.load;

import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.SamplesFlyweight;
import org.agrona.MutableDirectBuffer;

/**
 * A cell on an ORT cycling rack, as a function of rig time, so that a long load run exercises the rules' state the way
 * a real channel does: one cycle an hour of 25 min constant-current charge (+1.5 A, 3.60 -> 4.15 V), 5 min rest
 * (relaxing 30 mV in the first 2 min), 25 min discharge (-1.5 A, 4.12 -> 3.60 V) and 5 min rest (recovering 30 mV).
 * The cell warms from 26 to 33 C in the first 5 min under current and cools back over each rest; the chamber is at
 * 25 C. It stays below the 4.20 V re-arm level of the upper-charge-voltage rule, and its rests are flat once the
 * rolling-rest drop rule's settle time (120 s in {@code ort/cycling@2}) has passed, so it raises no alert of its own:
 * only the harness's injected trips do.
 */
final class CyclingCell {
    static final long MINUTE_MICROS = 60_000_000L;
    static final long CYCLE_MICROS = 60 * MINUTE_MICROS;
    static final float AMBIENT_CELSIUS = 25f;
    private static final double CHARGE_AMPS = 1.5;
    private static final double RELAX_VOLTS = 0.03;
    private static final double WARM_KELVIN = 7;

    private CyclingCell() {
    }

    /** Minutes into the cycle (0 .. 60) at {@code micros} of rig time since the run began. */
    private static double minute(final long micros) {
        return Math.floorMod(micros, CYCLE_MICROS) / (double) MINUTE_MICROS;
    }

    static double volts(final long micros) {
        final double m = minute(micros);
        if (m < 25) {
            return 3.60 + 0.55 * m / 25;
        } else if (m < 30) {
            return 4.15 - RELAX_VOLTS * Math.min(m - 25, 2) / 2;
        } else if (m < 55) {
            return 4.12 - 0.52 * (m - 30) / 25;
        }
        return 3.60 + RELAX_VOLTS * Math.min(m - 55, 2) / 2;
    }

    static double amps(final long micros) {
        final double m = minute(micros);
        if (m < 25) {
            return CHARGE_AMPS;
        } else if (m < 30) {
            return 0;
        } else if (m < 55) {
            return -CHARGE_AMPS;
        }
        return 0;
    }

    static double cellCelsius(final long micros) {
        final double m = minute(micros);
        final double intoPhase = m < 25 ? m : m < 30 ? m - 25 : m < 55 ? m - 30 : m - 55;
        final boolean underCurrent = m < 25 || (m >= 30 && m < 55);
        final double warm = WARM_KELVIN * Math.min(intoPhase, 5) / 5;
        return AMBIENT_CELSIUS + 1 + (underCurrent ? warm : WARM_KELVIN - warm);
    }

    /**
     * Writes voltage, current and both temperatures of the sample at {@code sampleAt} (its byte offset), and its
     * flags: both temperatures present, no force.
     */
    static void write(final MutableDirectBuffer buffer, final int sampleAt, final long micros) {
        buffer.putFloat(sampleAt + SamplesFlyweight.VOLTAGE_OFFSET, (float) volts(micros), FrameDescriptor.BYTE_ORDER);
        buffer.putFloat(sampleAt + SamplesFlyweight.CURRENT_OFFSET, (float) amps(micros), FrameDescriptor.BYTE_ORDER);
        buffer.putFloat(sampleAt + SamplesFlyweight.CELL_TEMPERATURE_OFFSET, (float) cellCelsius(micros),
            FrameDescriptor.BYTE_ORDER);
        buffer.putFloat(sampleAt + SamplesFlyweight.AMBIENT_TEMPERATURE_OFFSET, AMBIENT_CELSIUS,
            FrameDescriptor.BYTE_ORDER);
        buffer.putInt(sampleAt + SamplesFlyweight.FLAGS_OFFSET,
            SamplesFlyweight.FLAG_CELL_TEMPERATURE | SamplesFlyweight.FLAG_AMBIENT, FrameDescriptor.BYTE_ORDER);
    }
}
