package io.cellwatch.core.procedure;

import java.util.Map;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.rules.RuleParameters;

/**
 * One named, versioned test procedure: its parameters, and the force limit by cell form where the standard gives
 * one (the press force limit of the forced internal short).
 *
 * @param id                 e.g. {@code pse-app9/forced-internal-short}
 * @param version            version of the procedure; a changed procedure is a new version
 * @param title              what it is, for people
 * @param source             the clause it implements
 * @param parameters         the procedure's parameters (rules not enabled here are off)
 * @param forceLimitByForm   press force limit per cell form, N (empty if none)
 */
public record TestProcedure(String id, int version, String title, String source, RuleParameters parameters,
                            Map<CellForm, Double> forceLimitByForm) {

    /** {@code id@version}, the way procedures are named in messages. */
    public String name() {
        return id + "@" + version;
    }
}
