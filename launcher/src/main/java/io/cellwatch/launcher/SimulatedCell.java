package io.cellwatch.launcher;

import java.util.Map;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.model.MarkType;

/**
 * One simulated channel of the demo rig: which test it runs, and its cell's voltage, current, temperatures and
 * force over time. Each scenario meets one stop condition a few seconds after start, so a person watching
 * {@code cellwatch up --simulate} sees every rule fire; when the rig receives the stop command the scenario reacts
 * as a real rig would (charger off, press stopped, test ended).
 */
abstract class SimulatedCell {
    /** One sample: V, A, C, C (NaN = absent), N (NaN = absent). */
    record Reading(float voltage, float current, float cellTemperature, float ambientTemperature, float force) { }

    final int channelNo;
    final String channelId;
    volatile boolean stopped;
    private boolean marked;

    SimulatedCell(final int channelNo, final String channelId) {
        this.channelNo = channelNo;
        this.channelId = channelId;
    }

    abstract String procedure();

    CellForm form() {
        return CellForm.CYLINDRICAL;
    }

    ChannelDeclaration declaration() {
        return new ChannelDeclaration(channelNo, channelId, "SIM-" + (1000 + channelNo), "LOT-SIM-1", procedure(), 1,
            form(), 3.0, Map.of());
    }

    /** The phase marker this scenario sends, and when (seconds after start); null for none. */
    int[] mark() {
        return null;
    }

    /** A marker due at {@code seconds}, or -1. Sent once. */
    int dueMark(final double seconds) {
        final int[] m = mark();
        if (m == null || marked || seconds < m[1]) {
            return -1;
        }
        marked = true;
        return m[0];
    }

    abstract Reading at(double seconds);

    /** Creates the scenario for channel {@code no}: 1 ORT cycling, 2 overcharge, 3 press, 4 external short, then ORT. */
    static SimulatedCell forChannel(final int no, final String channelId) {
        return switch (no) {
            case 2 -> new Overcharge(no, channelId);
            case 3 -> new Press(no, channelId);
            case 4 -> new ExternalShort(no, channelId);
            default -> new Cycling(no, channelId);
        };
    }

    /** ORT cycling: 20 s charge at 1.5 A, 10 s rest, 20 s discharge, 10 s rest; steps of ~100 mV, never a stop. */
    static final class Cycling extends SimulatedCell {
        Cycling(final int no, final String id) {
            super(no, id);
        }

        @Override
        String procedure() {
            return "ort/cycling";
        }

        @Override
        Reading at(final double t) {
            final double phase = t % 60;
            final double current;
            final double ocv;
            if (phase < 20) {
                current = 1.5;
                ocv = 3.95 + 0.004 * phase;
            } else if (phase < 30) {
                current = 0;
                ocv = 4.03;
            } else if (phase < 50) {
                current = -1.5;
                ocv = 4.03 - 0.004 * (phase - 30);
            } else {
                current = 0;
                ocv = 3.95;
            }
            return new Reading((float) (ocv + 0.06 * current), (float) current, 25.5f, Float.NaN, Float.NaN);
        }
    }

    /** A charger that does not stop: +20 mV/s from 4.15 V, over 4.25 V after 5 s; STOP turns the charger off. */
    static final class Overcharge extends SimulatedCell {
        private double stoppedAt = -1;

        Overcharge(final int no, final String id) {
            super(no, id);
        }

        @Override
        String procedure() {
            return "pse-app9/overcharge-protection";
        }

        @Override
        Reading at(final double t) {
            if (stopped) {
                if (stoppedAt < 0) {
                    stoppedAt = t;
                }
                return new Reading((float) (4.18 + 0.08 * Math.exp(-(t - stoppedAt) / 3)), 0f, 26f, Float.NaN, Float.NaN);
            }
            return new Reading((float) (4.15 + 0.02 * t), 1.5f, 26f, Float.NaN, Float.NaN);
        }
    }

    /**
     * Forced internal short: the press starts at 3 s (PRESS_START) and pushes at 40 N/s; from 8 s a soft short
     * pulls the voltage down 10 mV/s, so the 50 mV drop (at ~13 s) comes before 800 N (at 23 s). STOP stops the press.
     */
    static final class Press extends SimulatedCell {
        private double stoppedAt = -1;

        Press(final int no, final String id) {
            super(no, id);
        }

        @Override
        String procedure() {
            return "pse-app9/forced-internal-short";
        }

        @Override
        int[] mark() {
            return new int[] {MarkType.PRESS_START, 3};
        }

        @Override
        Reading at(final double t) {
            if (stopped && stoppedAt < 0) {
                stoppedAt = t;
            }
            final double pressTime = stopped ? stoppedAt : t;
            final double force = pressTime < 3 ? 0 : 40 * (pressTime - 3);
            final double voltage = 4.10 - (pressTime < 8 ? 0 : 0.010 * (pressTime - 8));
            return new Reading((float) voltage, 0f, 25f, Float.NaN, (float) force);
        }
    }

    /**
     * External short of a cell in a 55 C chamber: shorted at 2 s (SHORT_APPLIED), heats to dT = 25 K at 10 s, then
     * cools with a 5 s time constant: dT is back at 20 % of its peak (5 K) about 18 s after start. END ends the test.
     */
    static final class ExternalShort extends SimulatedCell {
        ExternalShort(final int no, final String id) {
            super(no, id);
        }

        @Override
        String procedure() {
            return "pse-app9/external-short-cell";
        }

        @Override
        int[] mark() {
            return new int[] {MarkType.SHORT_APPLIED, 2};
        }

        @Override
        Reading at(final double t) {
            final double rise = t < 2 ? 0 : t < 10 ? 25 * (t - 2) / 8 : 25 * Math.exp(-(t - 10) / 5);
            final float current = t < 2 ? 0f : (float) (-40 * Math.exp(-(t - 2) / 4));
            return new Reading((float) (t < 2 ? 4.1 : 0.2), current, (float) (55 + rise), 55f, Float.NaN);
        }
    }
}
