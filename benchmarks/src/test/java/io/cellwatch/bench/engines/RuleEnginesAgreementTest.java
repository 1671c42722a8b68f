package io.cellwatch.bench.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cellwatch.bench.engines.RuleEnginesBenchmark.Rule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three engines of {@link RuleEnginesBenchmark} raise the same alerts on the benchmark's own batches, so that
 * the benchmark compares the same rule. The first batch only brings every engine into its steady state (see
 * {@link Rule#UPPER_CHARGE_VOLTAGE}); on the batches after it the counts must be equal, and what the rule's input
 * series was built to give.
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
}
