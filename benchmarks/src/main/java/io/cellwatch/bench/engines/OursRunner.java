package io.cellwatch.bench.engines;

import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.core.rules.TemperatureReturnRule;
import io.cellwatch.core.rules.TemperatureReturnState;
import io.cellwatch.core.rules.Transition;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.core.rules.VoltageDropRule;
import io.cellwatch.core.rules.VoltageDropState;
import org.agrona.DirectBuffer;

/**
 * One channel's rule as CellWatch runs it: the rule's state machine from {@code telemetry-core} straight over
 * {@link SamplesFlyweight} (decode + rule), the per-channel state carried from batch to batch as the job's function
 * keeps it. For the two phase rules each batch begins with its phase mark, applied before the loop as the job does
 * on a MARK frame.
 */
final class OursRunner {
    private final RuleInputs inputs;
    private final SamplesFlyweight flyweight = new SamplesFlyweight();
    private final RuleParameters parameters;
    private final UpperChargeVoltageRule upper;
    private boolean upperActive;
    private final VoltageDropState drop = new VoltageDropState();
    private final TemperatureReturnState temperature = new TemperatureReturnState();

    OursRunner(final RuleInputs inputs) {
        this.inputs = inputs;
        this.parameters = inputs.parameters;
        this.upper = inputs.upper;
    }

    /** Runs one batch (the frame) through the rule; returns the number of alerts it raised. */
    int process(final DirectBuffer frameBuffer) {
        final SamplesFlyweight frame = flyweight.wrap(frameBuffer, 0);
        return switch (inputs.rule) {
            case UPPER_CHARGE_VOLTAGE -> upperChargeVoltage(frame);
            case VOLTAGE_DROP -> voltageDrop(frame);
            case TEMPERATURE_RETURN -> temperatureReturn(frame);
        };
    }

    /** Counts FIRED only (the alerts); CLEARED re-arms. */
    private int upperChargeVoltage(final SamplesFlyweight frame) {
        final UpperChargeVoltageRule rule = upper;
        final int n = frame.sampleCount();
        boolean active = upperActive;
        int alerts = 0;
        for (int i = 0; i < n; i++) {
            final Transition t = rule.evaluate(active, frame.voltage(i));
            if (t == Transition.FIRED) {
                alerts++;
                active = true;
            } else if (t == Transition.CLEARED) {
                active = false;
            }
        }
        upperActive = active;
        return alerts;
    }

    private int voltageDrop(final SamplesFlyweight frame) {
        final VoltageDropState s = drop;
        final RuleParameters p = parameters;
        VoltageDropRule.onPressStart(s, inputs.phaseStartMicros); // the batch's MARK frame
        final int n = frame.sampleCount();
        int alerts = 0;
        for (int i = 0; i < n; i++) {
            final int flags = frame.flags(i);
            if (VoltageDropRule.evaluate(s, p, frame.timestampMicros(i), frame.voltage(i), frame.current(i),
                frame.force(i, flags)) != VoltageDropRule.NONE) {
                alerts++;
            }
        }
        return alerts;
    }

    private int temperatureReturn(final SamplesFlyweight frame) {
        final TemperatureReturnState s = temperature;
        final RuleParameters p = parameters;
        TemperatureReturnRule.onShortApplied(s, inputs.phaseStartMicros); // the batch's MARK frame
        final int n = frame.sampleCount();
        int alerts = 0;
        for (int i = 0; i < n; i++) {
            final int flags = frame.flags(i);
            if (TemperatureReturnRule.evaluate(s, p, frame.timestampMicros(i), frame.cellTemperature(i, flags),
                frame.ambientTemperature(i, flags), frame.current(i)) != TemperatureReturnRule.NONE) {
                alerts++;
            }
        }
        return alerts;
    }
}
