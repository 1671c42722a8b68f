package io.cellwatch.core.procedure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.cellwatch.core.evaluation.DataQualityRules;
import io.cellwatch.core.rules.TemperatureReturnRule;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.core.rules.VoltageDropRule;

/**
 * docs/rules.md is the reference for people writing procedures and overrides: it must name every parameter, every
 * shipped procedure and every rule id, written as code ({@code `name`}) the way they are typed. Surefire runs in the
 * module directory, so the file is one level up.
 */
class RulesDocumentationTest {
    private static final Path RULES_MD = Path.of("..", "docs", "rules.md");

    private static List<String> missing(final Iterable<String> names) throws IOException {
        final String doc = Files.readString(RULES_MD, StandardCharsets.UTF_8);
        final List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (!doc.contains("`" + name + "`")) {
                missing.add(name);
            }
        }
        return missing;
    }

    @Test
    void shouldDocumentEveryParameterNameWhenTheRulesDocIsRead() throws IOException {
        // Every name ParameterKeys accepts can appear in a file or a CHANNEL override, so each needs its row.
        assertEquals(List.of(), missing(ParameterKeys.names()), "parameters missing from " + RULES_MD.toAbsolutePath());
    }

    @Test
    void shouldDocumentEveryShippedProcedureWhenTheRulesDocIsRead() throws IOException {
        // as id@version, the form used in messages and alerts
        assertEquals(List.of(), missing(ProcedureLibrary.builtIn().procedures().keySet()),
            "procedures missing from " + RULES_MD.toAbsolutePath());
    }

    @Test
    void shouldDocumentEveryRuleIdWhenTheRulesDocIsRead() throws IOException {
        // Rule ids appear in every alert (and the v1 alias in rigs' overrides): a reader must find each explained.
        assertEquals(List.of(), missing(List.of(UpperChargeVoltageRule.ID, VoltageDropRule.ID, TemperatureReturnRule.ID,
            DataQualityRules.INVALID_VALUE, DataQualityRules.TIME_BACKWARDS, DataQualityRules.SILENT,
            ParameterKeys.UPPER_CHARGE_VOLTAGE_ALIAS)), "rule ids missing from " + RULES_MD.toAbsolutePath());
    }
}
