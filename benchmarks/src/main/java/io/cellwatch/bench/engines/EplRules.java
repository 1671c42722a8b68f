package io.cellwatch.bench.engines;

/** Each stop-condition rule as an EPL module for {@link EsperRunner}: its statement {@code alerts} emits one row per alert. */
final class EplRules {
    private EplRules() {
    }

    static String of(final RuleInputs in) {
        return switch (in.rule) {
            case UPPER_CHARGE_VOLTAGE -> "@name('alerts') select b.v as v from pattern [every (a=Reading(v < "
                + in.rearmBelow() + ") -> b=Reading(v > " + in.fireAbove() + "))]";
            case VOLTAGE_DROP -> "@name('alerts') select b.v as base, d.v as v from pattern [every "
                + "b=Reading(phaseStart = true) -> (d=Reading(b.v - v >= " + RuleInputs.DROP_THRESHOLD + " or force >= "
                + RuleInputs.FORCE_LIMIT + ") and not Reading(phaseStart = true))]";
            case TEMPERATURE_RETURN -> temperatureReturn();
        };
    }

    /**
     * The rule's own state machine in EPL: a one-row table holds the running peak of dT and whether the alert has
     * fired, and one {@code on Reading merge} per sample updates it. The phase's first sample starts the peak over
     * (as SHORT_APPLIED does); the sample that brings dT back within the fraction of the peak inserts the alert
     * into a stream and marks the row fired. The {@code when matched} clauses exclude each other, so their order
     * does not matter. Per sample this is one table row read and written, whatever the length of the phase. One
     * channel: for many, the table would be keyed by channel ({@code primary key}) and merged on it.
     */
    private static String temperatureReturn() {
        final String rise = "(r.cellTemperature - r.ambient)";
        final String peak = "max(s.peak, " + rise + ")";
        final String fires = peak + " >= " + RuleInputs.MIN_RISE + " and " + rise + " <= "
            + RuleInputs.RETURN_FRACTION + " * " + peak;
        return "create table ShortPeak (peak double, fired boolean);\n"
            + "create schema TemperatureReturned (rise double, peak double);\n"
            + "on Reading as r merge ShortPeak as s\n"
            + "  when not matched then insert select " + rise + " as peak, false as fired\n"
            + "  when matched and r.phaseStart then update set peak = " + rise + ", fired = false\n"
            + "  when matched and not r.phaseStart and not s.fired and " + fires + "\n"
            + "    then insert into TemperatureReturned select " + rise + " as rise, " + peak + " as peak\n"
            + "    then update set peak = " + peak + ", fired = true\n"
            + "  when matched and not r.phaseStart and not s.fired and not (" + fires + ")\n"
            + "    then update set peak = " + peak + ";\n"
            + "@name('alerts') select rise, peak from TemperatureReturned;";
    }
}
