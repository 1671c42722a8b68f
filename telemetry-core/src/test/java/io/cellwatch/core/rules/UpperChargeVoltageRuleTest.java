package io.cellwatch.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class UpperChargeVoltageRuleTest {
    private final UpperChargeVoltageRule rule = new UpperChargeVoltageRule(
        UpperChargeVoltageRule.DEFAULT_LIMIT_VOLTS, UpperChargeVoltageRule.DEFAULT_HYSTERESIS_VOLTS);

    /** Feeds voltages through the rule the way the job does, keeping the episode bit; returns the transitions. */
    private static List<Transition> run(final UpperChargeVoltageRule rule, final double... volts) {
        boolean active = false;
        final List<Transition> out = new ArrayList<>();
        for (double v : volts) {
            final Transition t = rule.evaluate(active, v);
            if (t == Transition.FIRED) {
                active = true;
            } else if (t == Transition.CLEARED) {
                active = false;
            }
            out.add(t);
        }
        return out;
    }

    @Test
    void shouldNotFireWhenTheVoltageIsExactlyTheLimit() {
        assertEquals(Transition.NONE, rule.evaluate(false, 4.25));
        assertEquals(Transition.NONE, rule.evaluate(false, 4.25f));
    }

    @Test
    void shouldFireWhenTheVoltageIsJustAboveTheLimit() {
        assertEquals(Transition.FIRED, rule.evaluate(false, 4.2501));
        assertEquals(Transition.FIRED, rule.evaluate(false, 4.2501f)); // as a sample carries it: f32
        assertEquals(Transition.FIRED, rule.evaluate(false, Math.nextUp(4.25f)));
    }

    @Test
    void shouldRaiseOneAlertPerEpisodeWhenTheVoltageStaysAbove() {
        assertEquals(List.of(Transition.NONE, Transition.FIRED, Transition.NONE, Transition.NONE, Transition.NONE),
            run(rule, 4.20, 4.26, 4.27, 4.30, 4.26));
    }

    @Test
    void shouldClearOnlyWhenTheVoltageFallsBelowLimitMinusHysteresis() {
        final double rearm = 4.25 - 0.05;
        assertEquals(List.of(Transition.FIRED, Transition.NONE, Transition.NONE, Transition.NONE, Transition.CLEARED),
            run(rule, 4.26, 4.25, 4.21, rearm, 4.1999));
        assertEquals(Transition.NONE, rule.evaluate(true, (float) rearm)); // 4.2f is 4.1999998: still "at" 4.2
        assertEquals(Transition.CLEARED, rule.evaluate(true, Math.nextDown((float) rearm)));
    }

    @Test
    void shouldFireAgainWhenTheVoltageRisesAfterClearing() {
        assertEquals(List.of(Transition.FIRED, Transition.CLEARED, Transition.NONE, Transition.FIRED),
            run(rule, 4.30, 4.10, 4.25, 4.2501));
    }

    @Test
    void shouldNotFireAgainWhenTheVoltageHoversAroundTheLimit() {
        final List<Transition> out = run(rule, 4.2501, 4.2499, 4.2502, 4.2498, 4.2503, 4.2497);
        assertEquals(1, out.stream().filter(t -> t == Transition.FIRED).count());
        assertEquals(0, out.stream().filter(t -> t == Transition.CLEARED).count());
    }

    @Test
    void shouldChangeNothingWhenTheVoltageIsNaN() {
        assertEquals(Transition.NONE, rule.evaluate(false, Double.NaN));
        assertEquals(Transition.NONE, rule.evaluate(true, Double.NaN));
        assertEquals(Transition.NONE, rule.evaluate(false, Float.NaN));
        assertEquals(List.of(Transition.FIRED, Transition.NONE, Transition.NONE, Transition.CLEARED),
            run(rule, 4.3, Double.NaN, 4.3, 4.0));
    }

    @Test
    void shouldNotFireWhenAnF32SampleEqualsALimitThatF32RoundsUp() {
        // 4.40f is 4.400000095..., 3.65f is 3.650000095...: a rig reporting exactly the limit is not above it
        final UpperChargeVoltageRule highVoltage = new UpperChargeVoltageRule(4.40, 0.05);
        assertEquals(Transition.NONE, highVoltage.evaluate(false, 4.40f));
        assertEquals(Transition.FIRED, highVoltage.evaluate(false, Math.nextUp(4.40f)));
        assertEquals(Transition.FIRED, highVoltage.evaluate(false, 4.4001));
        final UpperChargeVoltageRule lfp = new UpperChargeVoltageRule(3.65, 0.05);
        assertEquals(Transition.NONE, lfp.evaluate(false, 3.65f));
        assertEquals(Transition.FIRED, lfp.evaluate(false, 3.6501f));
        // 4.35f rounds down (4.3499999): it was never above the limit
        final UpperChargeVoltageRule other = new UpperChargeVoltageRule(4.35, 0.05);
        assertEquals(Transition.NONE, other.evaluate(false, 4.35f));
        assertEquals(Transition.NONE, other.evaluate(false, 4.35));
        assertEquals(Transition.FIRED, other.evaluate(false, Math.nextUp(4.35f)));
        assertEquals(4.40, highVoltage.limitVolts());
    }

    @Test
    void shouldUseTheLimitWhenAHighVoltageCellOverridesIt() {
        final UpperChargeVoltageRule highVoltage = new UpperChargeVoltageRule(4.35, 0.0);
        assertEquals(Transition.NONE, highVoltage.evaluate(false, 4.30));
        assertEquals(Transition.FIRED, highVoltage.evaluate(false, 4.36));
        assertEquals(Transition.CLEARED, highVoltage.evaluate(true, 4.34));
    }

    @Test
    void shouldRejectTheParametersWithAMessageNamingTheValueWhenTheyAreInvalid() {
        assertMessageNames("0.0", () -> new UpperChargeVoltageRule(0.0, 0.05));
        assertMessageNames("-4.25", () -> new UpperChargeVoltageRule(-4.25, 0.05));
        assertMessageNames("NaN", () -> new UpperChargeVoltageRule(Double.NaN, 0.05));
        assertMessageNames("Infinity", () -> new UpperChargeVoltageRule(Double.POSITIVE_INFINITY, 0.05));
        assertMessageNames("-0.01", () -> new UpperChargeVoltageRule(4.25, -0.01));
        assertMessageNames("NaN", () -> new UpperChargeVoltageRule(4.25, Double.NaN));
        assertMessageNames("4.25", () -> new UpperChargeVoltageRule(4.25, 4.25));
        assertMessageNames("Infinity", () -> new UpperChargeVoltageRule(4.25, Double.POSITIVE_INFINITY));
    }

    private static void assertMessageNames(final String value, final Runnable construct) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct::run);
        assertTrue(e.getMessage().contains("got " + value), e.getMessage());
    }
}
