package io.cellwatch.core.evaluation;

import java.util.Locale;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.core.rules.TemperatureReturnRule;
import io.cellwatch.core.rules.Transition;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.core.rules.VoltageDropRule;

/**
 * Runs every enabled rule of a channel over its samples, marks and the passing of time, and raises alerts. The live
 * Flink job and offline replays both use this class, so they decide the same way on the same data.
 *
 * <p>Order: samples are evaluated in arrival order, which is the rig's send order for a channel. A sample older than
 * the channel's newest (the rig clock jumped back) raises one {@link DataQualityRules#TIME_BACKWARDS} alert and is
 * still evaluated: the channel continues on the rig's new timeline (rules never compare across the jump: rule times
 * of the old timeline after the sample's time, such as a press start or a short's start, move back by the jump, as
 * if no time passed across it; and a clock that is merely hours off changes nothing, because every rule uses the
 * channel's own time). Duplicate
 * timestamps are evaluated as they come. A voltage that is NaN or implausible raises one
 * {@link DataQualityRules#INVALID_VALUE} alert per episode and is not used by the voltage rules; the force limit and
 * the temperature rule still see the sample.
 *
 * <p>No allocation per sample: the loop reads the flyweight into locals; only a raised alert allocates. Not
 * thread-safe; one instance per operator.
 */
public final class ChannelEvaluator {
    /** The procedure of channels that were never declared. */
    public static final String DEFAULT_PROCEDURE_ID = "cellwatch/monitor";
    public static final int DEFAULT_PROCEDURE_VERSION = 1;

    private final ProcedureLibrary library;
    private final RuleParameters defaults;
    private UpperChargeVoltageRule upperRule;

    /**
     * @param library  procedures to resolve declarations with
     * @param defaults parameters for channels that were never declared (their records still get evaluated)
     */
    public ChannelEvaluator(final ProcedureLibrary library, final RuleParameters defaults) {
        this.library = library;
        this.defaults = defaults;
    }

    /** The library's {@code cellwatch/monitor@1} parameters: what an undeclared channel is evaluated with. */
    public static ChannelEvaluator withBuiltInLibrary() {
        final ProcedureLibrary lib = ProcedureLibrary.builtIn();
        return new ChannelEvaluator(lib, lib.procedure(DEFAULT_PROCEDURE_ID, DEFAULT_PROCEDURE_VERSION).parameters());
    }

    /** A fresh state for a channel first seen in a record of {@code rigId}. */
    public ChannelState newState(final String channelId, final String rigId) {
        final ChannelState s = ChannelState.fresh(channelId, rigId, defaults.copy());
        // until a CHANNEL record arrives, alerts name the procedure the channel is evaluated with
        s.procedureId = DEFAULT_PROCEDURE_ID;
        s.procedureVersion = DEFAULT_PROCEDURE_VERSION;
        return s;
    }

    /**
     * Applies a CHANNEL declaration: identity and resolved parameters. Rule states are kept (a rig that reconnects
     * re-declares its channels mid-run).
     *
     * @return null, or why the declaration cannot be used (the channel keeps its previous parameters)
     */
    public String declare(final ChannelState s, final ChannelDeclaration d, final String rigId) {
        final RuleParameters p;
        try {
            p = library.resolve(d);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        s.declared = true;
        s.rigId = rigId;
        s.cellSerial = d.cellSerial();
        s.lot = d.lot();
        s.procedureId = d.procedureId();
        s.procedureVersion = d.procedureVersion();
        s.parameters = p;
        return null;
    }

    /** Applies a phase marker. */
    public void mark(final ChannelState s, final int markType, final long t, final long wallMicros) {
        s.lastSeenWallMicros = wallMicros;
        s.lastEventMicros = t;
        s.silentActive = false;
        switch (markType) {
            case MarkType.RUN_START -> {
                VoltageDropRule.onPressStart(s.drop, t);
                TemperatureReturnRule.onShortApplied(s.temperature, t);
                s.ended = false;
            }
            case MarkType.PRESS_START -> VoltageDropRule.onPressStart(s.drop, t);
            case MarkType.SHORT_APPLIED -> TemperatureReturnRule.onShortApplied(s.temperature, t);
            case MarkType.CURRENT_STOPPED -> TemperatureReturnRule.onCurrentStopped(s.temperature, t);
            case MarkType.TEST_END -> s.ended = true;
            default -> { } // unknown marks are stored in Kafka and ignored by the rules
        }
    }

    /** Evaluates every sample of a SAMPLES frame. */
    public void samples(final ChannelState s, final SamplesFlyweight f, final long wallMicros, final AlertSink out) {
        s.lastSeenWallMicros = wallMicros;
        s.silentActive = false;
        final RuleParameters p = s.parameters;
        final UpperChargeVoltageRule upper = upperRule(p);
        final int n = f.sampleCount();
        for (int i = 0; i < n; i++) {
            final long t = f.timestampMicros(i);
            final double v = f.voltage(i);
            final double current = f.current(i);

            if (t < s.lastSampleMicros) {
                // Rule times of the old timeline move with the jump, so no rule compares across it.
                VoltageDropRule.onClockJump(s.drop, t, t - s.lastSampleMicros);
                TemperatureReturnRule.onClockJump(s.temperature, t, t - s.lastSampleMicros);
                if (!s.timeBackwardsActive) {
                    s.timeBackwardsActive = true;
                    raise(s, DataQualityRules.TIME_BACKWARDS, AlertClass.DATA_QUALITY, StopAction.NOTIFY, t,
                        (t - s.lastSampleMicros) / 1e6, Double.NaN, 0, "s", wallMicros, String.format(Locale.ROOT,
                            "rig time went back by %.6f s; continuing on the new timeline", (s.lastSampleMicros - t) / 1e6),
                        "clock-jump", out);
                }
            } else {
                s.timeBackwardsActive = false;
            }
            s.lastSampleMicros = t;
            s.lastEventMicros = t;

            final boolean valid = v >= p.plausibleVoltageMin && v <= p.plausibleVoltageMax; // false for NaN
            if (!valid) {
                if (!s.invalidValueActive) {
                    s.invalidValueActive = true;
                    raise(s, DataQualityRules.INVALID_VALUE, AlertClass.DATA_QUALITY, StopAction.NOTIFY, t, v,
                        Double.NaN, Double.NaN, "V", wallMicros, String.format(Locale.ROOT,
                            "voltage %s V is not a plausible cell voltage; voltage rules skip it", v), "voltage", out);
                }
            } else {
                s.invalidValueActive = false;
            }
            final double voltage = valid ? v : Double.NaN;

            if (p.upperChargeVoltageEnabled) {
                final Transition tr = upper.evaluate(s.overVoltageActive, voltage);
                if (tr == Transition.FIRED) {
                    s.overVoltageActive = true;
                    final double value = f.voltage(i);
                    raise(s, UpperChargeVoltageRule.ID, AlertClass.SAFETY, StopAction.STOP, t, value, Double.NaN,
                        p.upperChargeVoltageLimit, "V", wallMicros, String.format(Locale.ROOT,
                            "upper charge voltage exceeded: %s V > %s V; stop charging", round(value),
                            p.upperChargeVoltageLimit), "over-limit", out);
                } else if (tr == Transition.CLEARED) {
                    s.overVoltageActive = false;
                }
            }
            if (p.voltageDropEnabled) {
                final double force = f.force(i);
                final int r = VoltageDropRule.evaluate(s.drop, p, t, voltage, current, force);
                if (r != VoltageDropRule.NONE) {
                    raiseDrop(s, p, r, t, voltage, force, wallMicros, out);
                }
            }
            if (p.temperatureReturnEnabled) {
                final int r = TemperatureReturnRule.evaluate(s.temperature, p, t, f.cellTemperature(i),
                    f.ambientTemperature(i), current);
                if (r != TemperatureReturnRule.NONE) {
                    raiseTemperature(s, p, r, r == TemperatureReturnRule.FIRED_RETURNED ? t
                        : TemperatureReturnRule.capTime(s.temperature, p, r), wallMicros, out);
                }
            }
        }
    }

    /**
     * The passing of wall-clock time without data: raises the time caps of the temperature rule (the rig's time is
     * estimated as the newest sample's time plus the wall-clock time since it arrived) and the silence alert.
     *
     * @return the next wall-clock time (us) at which this should be called again, or MAX_VALUE
     */
    public long time(final ChannelState s, final long wallMicros, final AlertSink out) {
        final RuleParameters p = s.parameters;
        if (s.lastSeenWallMicros == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        final long sinceSeen = wallMicros - s.lastSeenWallMicros;
        if (p.temperatureReturnEnabled && !s.ended && s.lastEventMicros != Long.MIN_VALUE) {
            final int cap = TemperatureReturnRule.capReached(s.temperature, p, s.lastEventMicros + sinceSeen);
            if (cap != TemperatureReturnRule.NONE) {
                s.temperature.fired = true;
                raiseTemperature(s, p, cap, TemperatureReturnRule.capTime(s.temperature, p, cap), wallMicros, out);
            }
        }
        if (p.silentAfterMicros > 0 && !s.ended && !s.silentActive && sinceSeen >= p.silentAfterMicros) {
            s.silentActive = true;
            raise(s, DataQualityRules.SILENT, AlertClass.DATA_QUALITY, StopAction.NOTIFY, s.lastEventMicros,
                sinceSeen / 1e6, Double.NaN, p.silentAfterMicros / 1e6, "s", wallMicros, String.format(Locale.ROOT,
                    "no data for %.1f s (limit %.1f s): CellWatch cannot see this channel", sinceSeen / 1e6,
                    p.silentAfterMicros / 1e6), "silent", out);
        }
        return nextWakeUp(s);
    }

    /** When {@link #time} next has something to check, as wall-clock us; MAX_VALUE if nothing. */
    public long nextWakeUp(final ChannelState s) {
        final RuleParameters p = s.parameters;
        if (s.lastSeenWallMicros == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        long next = Long.MAX_VALUE;
        if (p.silentAfterMicros > 0 && !s.ended && !s.silentActive) {
            next = s.lastSeenWallMicros + p.silentAfterMicros;
        }
        if (p.temperatureReturnEnabled && !s.ended && s.lastEventMicros != Long.MIN_VALUE) {
            final long capRig = TemperatureReturnRule.nextCapTime(s.temperature, p);
            if (capRig != Long.MAX_VALUE) {
                next = Math.min(next, s.lastSeenWallMicros + Math.max(0, capRig - s.lastEventMicros));
            }
        }
        return next;
    }

    private void raiseDrop(final ChannelState s, final RuleParameters p, final int r, final long t,
                           final double voltage, final double force, final long wallMicros, final AlertSink out) {
        final double reference = VoltageDropRule.reference(s.drop, p, t);
        final String mode = p.voltageDropMode == VoltageDropRule.MODE_BASELINE ? "baseline" : "rolling-rest window maximum";
        if (r == VoltageDropRule.FIRED_FORCE) {
            // value, reference and threshold share the unit N: the baseline (V) is in the reason, not the reference
            raise(s, VoltageDropRule.ID, AlertClass.SAFETY, StopAction.STOP, t, force, Double.NaN,
                p.voltageDropForceLimit, "N", wallMicros, String.format(Locale.ROOT,
                    "press force %.1f N reached the limit %.1f N before a %.0f mV drop (V = %.4f V, %s %.4f V); stop the press",
                    force, p.voltageDropForceLimit, p.voltageDropThreshold * 1000, voltage, mode, reference), "force", out);
        } else {
            raise(s, VoltageDropRule.ID, AlertClass.SAFETY, StopAction.STOP, t, voltage, reference,
                reference - p.voltageDropThreshold, "V", wallMicros, String.format(Locale.ROOT,
                    "voltage dropped %.2f mV below the %s %s V (limit %.0f mV); stop the press",
                    (reference - voltage) * 1000, mode, round(reference), p.voltageDropThreshold * 1000), "drop", out);
        }
    }

    private void raiseTemperature(final ChannelState s, final RuleParameters p, final int r, final long t,
                                  final long wallMicros, final AlertSink out) {
        // No cell temperature seen yet (a time cap can end a run that never had one): no peak, NaN as Alert documents.
        final double peak = Double.isFinite(s.temperature.maxRise) ? s.temperature.maxRise : Double.NaN;
        final double rise = s.temperature.lastRise;
        final String reading = p.temperatureReturnFraction <= 0.5
            ? String.format(Locale.ROOT, "fallen to %.0f%% of its maximum", p.temperatureReturnFraction * 100)
            : String.format(Locale.ROOT, "declined by %.0f%% from its maximum", (1 - p.temperatureReturnFraction) * 100);
        switch (r) {
            case TemperatureReturnRule.FIRED_RETURNED -> raise(s, TemperatureReturnRule.ID, AlertClass.PROCEDURE,
                StopAction.END, t, rise, peak, p.temperatureReturnFraction * peak, "K", wallMicros,
                String.format(Locale.ROOT, "T_cell - T_ambient = %.2f K has %s (peak %.2f K, threshold %.2f K); "
                    + "end the external short", rise, reading, peak, p.temperatureReturnFraction * peak),
                String.format(Locale.ROOT, "returned-to-%.2f-of-peak", p.temperatureReturnFraction), out);
            case TemperatureReturnRule.FIRED_TIME_CAP -> raise(s, TemperatureReturnRule.ID, AlertClass.PROCEDURE,
                StopAction.END, t, rise, peak, Double.NaN, "K", wallMicros, String.format(Locale.ROOT,
                    "%.1f h since the short began without dT returning (%s); end the external short",
                    p.temperatureReturnTimeCapMicros / 3.6e9, reading), "time-cap", out);
            default -> raise(s, TemperatureReturnRule.ID, AlertClass.PROCEDURE, StopAction.END, t, rise, peak,
                Double.NaN, "K", wallMicros, String.format(Locale.ROOT,
                    "%.1f h since the pack's current stopped; end the external short",
                    p.temperatureReturnCurrentStopCapMicros / 3.6e9), "current-stop-cap", out);
        }
    }

    private static void raise(final ChannelState s, final String rule, final AlertClass alertClass,
                              final StopAction action, final long t, final double value, final double reference,
                              final double threshold, final String unit, final long wallMicros, final String reason,
                              final String trigger, final AlertSink out) {
        out.accept(new Alert(AlertIds.of(s.channelId, rule, t), s.channelId, s.rigId, s.cellSerial, s.lot,
            s.procedureId, s.procedureVersion, rule, alertClass, action, t, round(value), round(reference),
            round(threshold), unit, wallMicros, false, reason, trigger));
    }

    /**
     * Alert figures to 1e-6 of their unit (1 uV, 1 uK, 1 uN): samples are f32 (7 significant digits), so more digits are binary noise
     * (4.2501f is 4.250100135...), and engineers compare these numbers by eye.
     */
    private static double round(final double v) {
        return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : v;
    }

    /** Most channels share the limit: one rule object for all of them rather than one per record. */
    private UpperChargeVoltageRule upperRule(final RuleParameters p) {
        final UpperChargeVoltageRule r = upperRule;
        if (r != null && r.limitVolts() == p.upperChargeVoltageLimit
            && r.hysteresisVolts() == p.upperChargeVoltageHysteresis) {
            return r;
        }
        upperRule = new UpperChargeVoltageRule(p.upperChargeVoltageLimit, p.upperChargeVoltageHysteresis);
        return upperRule;
    }
}
