package io.cellwatch.replay;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.procedure.ParameterKeys;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.core.rules.VoltageDropRule;
import io.cellwatch.replay.run.ChannelInfo;

/**
 * The channel metadata given on a command line ({@code --channel --serial --lot --procedure --cell-form
 * --capacity-ah} and limit overrides), each null when not given, so that it can be laid over metadata from a file.
 *
 * @param channelId        plant-wide channel id
 * @param serial           cell serial
 * @param lot              lot
 * @param procedureId      test procedure id
 * @param procedureVersion its version
 * @param cellForm         cell form
 * @param capacityAh       rated capacity, Ah
 * @param overrides        limit overrides given (empty when none)
 */
record ChannelOptions(String channelId, String serial, String lot, String procedureId, Integer procedureVersion,
                      CellForm cellForm, Double capacityAh, Map<String, Double> overrides) {

    ChannelOptions {
        overrides = Map.copyOf(overrides);
    }

    /** Reads the channel options of {@code p}; {@code --procedure} may be {@code id} or {@code id@version}. */
    static ChannelOptions parse(final OptionSpec.Parsed p, final Map<String, Double> overrides) {
        final String channel = p.get("channel");
        if (channel != null && channel.isBlank()) {
            throw new UsageException("--channel must not be empty");
        }
        String procedure = p.get("procedure");
        Integer version = p.get("procedure-version") == null ? null
            : ReplayArguments.integer("procedure-version", p.get("procedure-version"), 0, 0xFFFF, "whole number");
        if (procedure != null && procedure.indexOf('@') >= 0) {
            final int at = procedure.lastIndexOf('@');
            final int v = ReplayArguments.integer("procedure", procedure.substring(at + 1), 0, 0xFFFF,
                "procedure version after '@' (id@version)");
            if (version != null && version != v) {
                throw new UsageException("--procedure '" + procedure + "' names version " + v
                    + " but --procedure-version says " + version);
            }
            version = v;
            procedure = procedure.substring(0, at);
        }
        if (procedure != null && procedure.isBlank()) {
            throw new UsageException("--procedure must not be empty");
        }
        return new ChannelOptions(channel, p.get("serial"), p.get("lot"), procedure, version,
            p.get("cell-form") == null ? null : ReplayArguments.cellForm(p.get("cell-form")),
            p.get("capacity-ah") == null ? null : ReplayArguments.positive("capacity-ah", p.get("capacity-ah")),
            overrides);
    }

    /** {@code base} with every given value in its place; overrides are merged, the given ones win. */
    ChannelInfo applyTo(final ChannelInfo base) {
        final Map<String, Double> merged = new TreeMap<>(base.overrides());
        merged.putAll(overrides);
        final String procedure = procedureId != null ? procedureId : base.procedureId();
        // A new procedure id without a version starts at its version 1, not at the old procedure's version.
        final int version = procedureVersion != null ? procedureVersion : procedureId != null ? 1
            : base.procedureVersion();
        return new ChannelInfo(channelId != null ? channelId : base.channelId(),
            serial != null ? serial : base.cellSerial(), lot != null ? lot : base.lot(), procedure, version,
            cellForm != null ? cellForm : base.cellForm(), capacityAh != null ? capacityAh : base.ratedCapacityAh(),
            merged);
    }

    /**
     * Checks a declaration the way the gateway will: the procedure exists and the overrides resolve.
     *
     * @throws UsageException naming the problem
     */
    static ChannelInfo checked(final ChannelInfo info) {
        try {
            ProcedureLibrary.builtIn().resolve(info.procedureId(), info.procedureVersion(), info.cellForm(),
                info.overrides());
            return info;
        } catch (IllegalArgumentException e) {
            throw new UsageException("bad channel declaration: " + e.getMessage());
        }
    }

    /**
     * Limit overrides from {@code NAME=VALUE} texts ({@code --override}): names as in {@link ParameterKeys}, values
     * as there (numbers, {@code true}/{@code false}, {@code baseline}/{@code rolling-rest}), turned into the numbers a
     * CHANNEL frame carries.
     */
    static Map<String, Double> overrides(final String option, final Iterable<String> texts) {
        final Map<String, Double> out = new LinkedHashMap<>();
        for (String text : texts) {
            final int eq = text.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--" + option + " '" + text + "': expected NAME=VALUE, e.g. "
                    + "upper-charge-voltage.limit=4.35");
            }
            final String name = text.substring(0, eq).strip();
            final String value = text.substring(eq + 1).strip();
            try {
                ParameterKeys.set(new RuleParameters(), name, value);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--" + option + " '" + text + "': " + e.getMessage());
            }
            out.put(name, wireValue(name, value));
        }
        return out;
    }

    /** The number a CHANNEL override carries for a parameter's text value (checked by {@link ParameterKeys}). */
    static double wireValue(final String name, final String value) {
        final String v = value.toLowerCase(Locale.ROOT);
        if (name.endsWith(".enabled")) {
            return "true".equals(v) || v.startsWith("1") ? 1.0 : 0.0;
        }
        if ("voltage-drop.mode".equals(name)) {
            return "rolling-rest".equals(v) || "1".equals(v) ? VoltageDropRule.MODE_ROLLING_REST
                : VoltageDropRule.MODE_BASELINE;
        }
        return Double.parseDouble(value);
    }
}
