package io.cellwatch.bench.engines;

import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * Each stop-condition rule as a Flink CEP pattern over {@link Reading}s, one alert per match. Every pattern skips
 * past the match's last event, so one phase (or one excursion above the limit) gives one alert.
 */
final class CepPatterns {
    private CepPatterns() {
    }

    static Pattern<Reading, ?> of(final RuleInputs in) {
        final AfterMatchSkipStrategy skip = AfterMatchSkipStrategy.skipPastLastEvent();
        return switch (in.rule) {
            // An alert needs a re-armed sample before it: that is the rule's hysteresis.
            case UPPER_CHARGE_VOLTAGE -> Pattern.<Reading>begin("low", skip)
                .where(new BelowRearm(in.rearmBelow()))
                .followedBy("high").where(new AboveLimit(in.fireAbove()));
            case VOLTAGE_DROP -> Pattern.<Reading>begin("base", skip).where(new PhaseStart())
                .followedBy("drop").where(new DroppedFromBase());
            /*
             * "dT <= 0.2 x (running max of dT since the start), once that max is >= 2 C" holds at a sample exactly
             * when some earlier sample of the phase had dT >= 2 C and this dT <= 0.2 x that sample's dT (take the
             * sample of the maximum; and any such earlier sample is at most the maximum). A CEP condition has no
             * state of its own to keep a running max in, so the pattern says it that way: every sample with
             * dT >= 2 C after the start opens a partial match ("peak", followedByAny), and the first later sample
             * back within 20% of one of them ends it. The start sample itself counts as a peak too (the optional
             * "peak" covers a maximum at the start). Each condition reads only the start and one peak, so a sample
             * costs one evaluation per open partial match: per sample, the cost grows with the number of samples
             * since the start that reached the minimum rise, not with the whole match as the looping pattern did.
             */
            case TEMPERATURE_RETURN -> Pattern.<Reading>begin("start", skip).where(new PhaseStart())
                .followedByAny("peak").where(new RiseAtLeast(RuleInputs.MIN_RISE)).optional()
                .followedBy("end").where(new BackWithinFractionOfPeak());
        };
    }

    static final class BelowRearm extends SimpleCondition<Reading> {
        private final double level;

        BelowRearm(final double level) {
            this.level = level;
        }

        @Override
        public boolean filter(final Reading r) {
            return r.getV() < level;
        }
    }

    static final class AboveLimit extends SimpleCondition<Reading> {
        private final double level;

        AboveLimit(final double level) {
            this.level = level;
        }

        @Override
        public boolean filter(final Reading r) {
            return r.getV() > level;
        }
    }

    static final class PhaseStart extends SimpleCondition<Reading> {
        @Override
        public boolean filter(final Reading r) {
            return r.isPhaseStart();
        }
    }

    /** The drop is measured from the phase's first sample, which the condition reads back from the match. */
    static final class DroppedFromBase extends IterativeCondition<Reading> {
        @Override
        public boolean filter(final Reading r, final Context<Reading> ctx) throws Exception {
            final Reading base = ctx.getEventsForPattern("base").iterator().next();
            return base.getV() - r.getV() >= RuleInputs.DROP_THRESHOLD || r.getForce() >= RuleInputs.FORCE_LIMIT;
        }
    }

    static final class RiseAtLeast extends SimpleCondition<Reading> {
        private final double minRise;

        RiseAtLeast(final double minRise) {
            this.minRise = minRise;
        }

        @Override
        public boolean filter(final Reading r) {
            return r.rise() >= minRise;
        }
    }

    /** dT back within the fraction of the peak of this partial match: its start, or its one "peak" sample. */
    static final class BackWithinFractionOfPeak extends IterativeCondition<Reading> {
        @Override
        public boolean filter(final Reading r, final Context<Reading> ctx) throws Exception {
            double peak = ctx.getEventsForPattern("start").iterator().next().rise();
            for (Reading p : ctx.getEventsForPattern("peak")) {
                peak = Math.max(peak, p.rise());
            }
            return peak >= RuleInputs.MIN_RISE && r.rise() <= RuleInputs.RETURN_FRACTION * peak;
        }
    }
}
