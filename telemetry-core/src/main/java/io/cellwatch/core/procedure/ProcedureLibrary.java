package io.cellwatch.core.procedure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.rules.RuleParameters;

/**
 * The library of test procedures shipped with CellWatch ({@code procedures.json} next to this class), and the
 * resolution of a channel's parameters: procedure, then the force limit of its cell form, then the rig's overrides,
 * then validation. An unknown procedure or a bad override is an {@link IllegalArgumentException} with a message fit
 * for an ERROR frame: never a silent default.
 */
public final class ProcedureLibrary {
    private static final String RESOURCE = "procedures.json";
    /** The keys a procedure entry may have. */
    private static final List<String> ENTRY_KEYS = List.of("id", "version", "title", "source", "parameters",
        "force-limit-by-cell-form");
    private static volatile ProcedureLibrary builtIn;

    private final Map<String, TestProcedure> byName;

    private ProcedureLibrary(final Map<String, TestProcedure> byName) {
        this.byName = byName;
    }

    /** The procedures shipped with CellWatch (loaded once). */
    public static ProcedureLibrary builtIn() {
        ProcedureLibrary lib = builtIn;
        if (lib == null) {
            try (InputStream in = ProcedureLibrary.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("procedure library resource " + RESOURCE + " is missing");
                }
                lib = parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the procedure library", e);
            }
            builtIn = lib;
        }
        return lib;
    }

    /** Parses a procedure library in the format of {@code procedures.json}. */
    public static ProcedureLibrary parse(final InputStream json) throws IOException {
        final JsonNode root = new ObjectMapper().readTree(json);
        final Map<String, TestProcedure> procedures = new TreeMap<>();
        for (JsonNode node : root.path("procedures")) {
            final Iterator<String> keys = node.fieldNames();
            while (keys.hasNext()) {
                final String key = keys.next();
                if (!ENTRY_KEYS.contains(key)) {
                    // a typo such as "parameter" would otherwise give a procedure with every rule off
                    throw new IllegalArgumentException("unknown key '" + key + "' in procedure entry "
                        + node.path("id").asText("?") + "; allowed: " + ENTRY_KEYS);
                }
            }
            final String id = node.path("id").asText("");
            final JsonNode versionNode = node.path("version");
            final int version = versionNode.canConvertToExactIntegral() ? versionNode.asInt(0) : 0;
            if (id.isEmpty() || version < 1) {
                throw new IllegalArgumentException("procedure entry without id or an integer version >= 1: " + node);
            }
            final RuleParameters p = new RuleParameters();
            p.upperChargeVoltageEnabled = false; // a procedure enables exactly the rules it names
            final Iterator<Map.Entry<String, JsonNode>> fields = node.path("parameters").fields();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> f = fields.next();
                ParameterKeys.set(p, f.getKey(), f.getValue().asText());
            }
            p.validate(); // before the force limits, which are checked against these parameters
            final Map<CellForm, Double> forceLimits = new EnumMap<>(CellForm.class);
            final Iterator<Map.Entry<String, JsonNode>> forms = node.path("force-limit-by-cell-form").fields();
            while (forms.hasNext()) {
                final Map.Entry<String, JsonNode> f = forms.next();
                forceLimits.put(cellForm(id, f.getKey()), forceLimit(p, id, f.getKey(), f.getValue()));
            }
            final TestProcedure procedure = new TestProcedure(id, version, node.path("title").asText(""),
                node.path("source").asText(""), p.validate(), Map.copyOf(forceLimits));
            if (procedures.put(procedure.name(), procedure) != null) {
                throw new IllegalArgumentException("procedure " + procedure.name() + " is defined twice");
            }
        }
        return new ProcedureLibrary(procedures);
    }

    private static CellForm cellForm(final String procedureId, final String name) {
        try {
            return CellForm.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("procedure " + procedureId + ": unknown cell form '" + name
                + "' in force-limit-by-cell-form", e);
        }
    }

    /** A force limit by cell form is the voltage-drop.force-limit of that form: checked like it, when loading. */
    private static double forceLimit(final RuleParameters p, final String procedureId, final String form,
                                     final JsonNode value) {
        final String where = "procedure " + procedureId + ", force-limit-by-cell-form " + form + ": ";
        if (!value.isNumber()) {
            throw new IllegalArgumentException(where + "voltage-drop.force-limit must be a number, got " + value);
        }
        final RuleParameters check = p.copy();
        check.voltageDropForceLimit = value.asDouble();
        try {
            check.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
        return check.voltageDropForceLimit;
    }

    /** Every procedure by {@code id@version}. */
    public Map<String, TestProcedure> procedures() {
        return byName;
    }

    /**
     * The procedure {@code id} at {@code version}.
     *
     * @throws IllegalArgumentException naming the procedure and the known ones
     */
    public TestProcedure procedure(final String id, final int version) {
        final TestProcedure p = byName.get(id + "@" + version);
        if (p == null) {
            throw new IllegalArgumentException("unknown test procedure '" + id + "@" + version + "'; known: "
                + String.join(", ", byName.keySet()));
        }
        return p;
    }

    /**
     * Resolves the parameters of a declared channel.
     *
     * @throws IllegalArgumentException for an unknown procedure or an invalid override, naming it
     */
    public RuleParameters resolve(final ChannelDeclaration d) {
        return resolve(d.procedureId(), d.procedureVersion(), d.cellForm(), d.overrides());
    }

    /** Resolves parameters from a procedure, a cell form and overrides (numbers, as a CHANNEL frame carries them). */
    public RuleParameters resolve(final String procedureId, final int version, final CellForm form,
                                  final Map<String, Double> overrides) {
        final TestProcedure procedure = procedure(procedureId, version);
        final RuleParameters p = procedure.parameters().copy();
        final Double force = procedure.forceLimitByForm().get(form);
        if (force != null) {
            p.voltageDropForceLimit = force;
        }
        if (overrides.containsKey(ParameterKeys.UPPER_CHARGE_VOLTAGE_ALIAS)
            && overrides.containsKey("upper-charge-voltage.limit")) {
            throw new IllegalArgumentException("overrides give both " + ParameterKeys.UPPER_CHARGE_VOLTAGE_ALIAS
                + " and upper-charge-voltage.limit; give one");
        }
        for (Map.Entry<String, Double> o : new TreeMap<>(overrides).entrySet()) {
            ParameterKeys.set(p, o.getKey(), o.getValue());
        }
        return p.validate();
    }
}
