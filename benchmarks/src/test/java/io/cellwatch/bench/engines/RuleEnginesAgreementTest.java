package io.cellwatch.bench.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import io.cellwatch.bench.engines.RuleEnginesBenchmark.Rule;
import io.cellwatch.core.rules.TemperatureReturnRule;
import io.cellwatch.core.rules.TemperatureReturnState;
import io.cellwatch.core.rules.Transition;
import io.cellwatch.core.rules.VoltageDropRule;
import io.cellwatch.core.rules.VoltageDropState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three engines of {@link RuleEnginesBenchmark} raise the same alerts on the benchmark's own batches, so that
 * the benchmark compares the same rule. The first batch only brings every engine into its steady state (see
 * {@link Rule#UPPER_CHARGE_VOLTAGE}); on the batches after it the counts must be equal, and what the rule's input
 * series was built to give. Equal counts could hide a CEP or EPL variant that fires on the wrong sample, so the
 * sample of every alert is checked too, against the rule classes of {@code telemetry-core} run over the same values.
 */
class RuleEnginesAgreementTest {
    private static final int BATCHES = 4;

    private EsperRunner esper;

    @AfterEach
    void closeEsper() {
        if (esper != null) {
            esper.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Rule.class)
    void allEnginesRaiseTheSameAlertsOnEveryBatch(final Rule rule) throws Exception {
        final RuleInputs in = new RuleInputs(rule);
        final OursRunner ours = new OursRunner(in);
        final CepRunner cep = new CepRunner(CepPatterns.of(in));
        esper = new EsperRunner(rule.name(), EplRules.of(in));

        ours.process(in.frame);
        cep.process(in.readings);
        esper.process(in.readings);
        for (int batch = 1; batch < BATCHES; batch++) {
            final int expected = expectedAlertsPerBatch(rule);
            assertEquals(expected, ours.process(in.frame), rule + " batch " + batch + ": ours");
            assertEquals(expected, cep.process(in.readings), rule + " batch " + batch + ": Flink CEP");
            assertEquals(expected, esper.process(in.readings), rule + " batch " + batch + ": Esper");
        }
    }

    @ParameterizedTest
    @EnumSource(Rule.class)
    void cepAndEsperAlertOnTheSameSamplesAsTheRule(final Rule rule) throws Exception {
        final RuleInputs in = new RuleInputs(rule);
        final List<Reading> stream = new ArrayList<>();
        for (int batch = 0; batch < BATCHES; batch++) {
            stream.addAll(in.readings);
        }
        // After the first batch only: before it the pattern forms of the upper-voltage rule need a re-armed sample.
        final List<Integer> expected = alertIndices(referenceAlerts(in, stream), RuleInputs.SAMPLES);
        assertEquals(expectedAlertsPerBatch(rule) * (BATCHES - 1), expected.size(), rule + ": the reference");
        esper = new EsperRunner(rule.name(), EplRules.of(in));
        assertEquals(expected, alertIndices(cepAlerts(new CepRunner(CepPatterns.of(in)), stream), RuleInputs.SAMPLES),
            rule + ": Flink CEP");
        assertEquals(expected, alertIndices(esperAlerts(esper, stream), RuleInputs.SAMPLES), rule + ": Esper");
    }

    /** A short whose peak is its first sample: the CEP pattern's optional "peak", the EPL's reset on the start. */
    @Test
    void temperatureReturnWithThePeakAtThePhaseStart() throws Exception {
        final RuleInputs in = new RuleInputs(Rule.TEMPERATURE_RETURN);
        final List<Reading> stream = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            stream.add(new Reading(i, 0.2, 50, 22.0 + 10.0 * Math.exp(-i / 20.0), 22.0, Double.NaN, i == 0));
        }
        final List<Integer> expected = alertIndices(referenceAlerts(in, stream), 0);
        assertEquals(List.of(33), expected, "the reference: 10 C decaying with tau 20 is at 2 C after 32.2 samples");
        esper = new EsperRunner("peak-at-start", EplRules.of(in));
        assertEquals(expected, alertIndices(cepAlerts(new CepRunner(CepPatterns.of(in)), stream), 0), "Flink CEP");
        assertEquals(expected, alertIndices(esperAlerts(esper, stream), 0), "Esper");
    }

    /** CEP's partial matches must not pile up from batch to batch (a cost that grows per batch is not measurable). */
    @ParameterizedTest
    @EnumSource(Rule.class)
    void cepStateDoesNotGrowFromBatchToBatch(final Rule rule) throws Exception {
        final RuleInputs in = new RuleInputs(rule);
        final CepRunner cep = new CepRunner(CepPatterns.of(in));
        cep.process(in.readings);
        cep.process(in.readings);
        final int partialMatches = cep.partialMatches();
        final int bufferedEvents = cep.bufferedEvents();
        for (int batch = 0; batch < BATCHES; batch++) {
            cep.process(in.readings);
        }
        assertTrue(cep.partialMatches() <= partialMatches,
            rule + ": partial matches " + partialMatches + " grew to " + cep.partialMatches());
        assertTrue(cep.bufferedEvents() <= bufferedEvents,
            rule + ": buffered events " + bufferedEvents + " grew to " + cep.bufferedEvents());
    }

    private static int expectedAlertsPerBatch(final Rule rule) {
        return switch (rule) {
            case UPPER_CHARGE_VOLTAGE -> 4; // one excursion above the limit per 64-sample period
            case VOLTAGE_DROP, TEMPERATURE_RETURN -> 1; // one phase per batch
        };
    }

    /** Per reading, whether the rule classes of telemetry-core raise an alert on it. */
    private static boolean[] referenceAlerts(final RuleInputs in, final List<Reading> stream) {
        final boolean[] alerts = new boolean[stream.size()];
        boolean upperActive = false;
        final VoltageDropState drop = new VoltageDropState();
        final TemperatureReturnState temperature = new TemperatureReturnState();
        for (int i = 0; i < alerts.length; i++) {
            final Reading r = stream.get(i);
            switch (in.rule) {
                case UPPER_CHARGE_VOLTAGE -> {
                    final Transition t = in.upper.evaluate(upperActive, r.getV());
                    alerts[i] = t == Transition.FIRED;
                    upperActive = t == Transition.FIRED || upperActive && t != Transition.CLEARED;
                }
                case VOLTAGE_DROP -> {
                    if (r.isPhaseStart()) {
                        VoltageDropRule.onPressStart(drop, r.getTimestampMicros());
                    }
                    alerts[i] = VoltageDropRule.evaluate(drop, in.parameters, r.getTimestampMicros(), r.getV(),
                        r.getCurrent(), r.getForce()) != VoltageDropRule.NONE;
                }
                case TEMPERATURE_RETURN -> {
                    if (r.isPhaseStart()) {
                        TemperatureReturnRule.onShortApplied(temperature, r.getTimestampMicros());
                    }
                    alerts[i] = TemperatureReturnRule.evaluate(temperature, in.parameters, r.getTimestampMicros(),
                        r.getCellTemperature(), r.getAmbient(), r.getCurrent()) != TemperatureReturnRule.NONE;
                }
            }
        }
        return alerts;
    }

    /** Per reading, whether CEP completed a match on it: the readings are fed one at a time. */
    private static boolean[] cepAlerts(final CepRunner cep, final List<Reading> stream) throws Exception {
        final boolean[] alerts = new boolean[stream.size()];
        for (int i = 0; i < alerts.length; i++) {
            final int matches = cep.process(stream.subList(i, i + 1));
            assertTrue(matches <= 1, "Flink CEP raised " + matches + " alerts on reading " + i);
            alerts[i] = matches == 1;
        }
        return alerts;
    }

    private static boolean[] esperAlerts(final EsperRunner esper, final List<Reading> stream) {
        final boolean[] alerts = new boolean[stream.size()];
        for (int i = 0; i < alerts.length; i++) {
            final int rows = esper.process(stream.subList(i, i + 1));
            assertTrue(rows <= 1, "Esper raised " + rows + " alerts on reading " + i);
            alerts[i] = rows == 1;
        }
        return alerts;
    }

    private static List<Integer> alertIndices(final boolean[] alerts, final int from) {
        final List<Integer> indices = new ArrayList<>();
        for (int i = from; i < alerts.length; i++) {
            if (alerts[i]) {
                indices.add(i);
            }
        }
        return indices;
    }
}
