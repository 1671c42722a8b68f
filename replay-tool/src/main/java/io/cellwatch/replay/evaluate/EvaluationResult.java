package io.cellwatch.replay.evaluate;

import java.util.List;
import java.util.Map;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.replay.runfile.AlertOrigin;
import io.cellwatch.replay.runfile.RunFileTail;
import io.cellwatch.replay.runfile.RunFileVisitor;

/**
 * What an offline evaluation found, and what the file already held.
 *
 * @param settings       how it was evaluated
 * @param alerts         the alerts raised, in the order they were raised
 * @param channels       every channel of the file, in order of first declaration
 * @param storedSets     the alert sets the file holds (live alerts, earlier evaluations), in file order
 * @param notes          the file's notes
 * @param records        records read
 * @param frames         frame records read
 * @param repeatsSkipped frames skipped as rig resends
 * @param unknownRecords records of a type this version does not know (skipped)
 * @param problems       records that could not be used, and declarations that were not applied
 * @param tail           how the file ends
 */
public record EvaluationResult(RunEvaluator.Settings settings, List<Alert> alerts, List<Channel> channels,
                               List<StoredSet> storedSets, List<RunFileVisitor.NoteRecord> notes, long records,
                               long frames, long repeatsSkipped, long unknownRecords, List<String> problems,
                               RunFileTail tail) {

    /**
     * One channel.
     *
     * @param channelId          plant-wide channel id
     * @param rigId              rig that declared it
     * @param cellSerial         cell serial
     * @param lot                lot
     * @param declaredProcedure  the procedure its (last) declaration names, {@code id@version}
     * @param evaluatedProcedure the procedure it was evaluated with
     * @param overrides          the declaration's limit overrides
     * @param declareProblem     why the declaration was not applied, or null
     * @param samples            samples evaluated
     * @param marks              marks applied
     * @param firstMicros        rig time of its first sample or mark (Long.MIN_VALUE when none)
     * @param lastMicros         rig time of its newest sample or mark
     * @param arrivalKnown       whether its records carry arrival times (recorded live) or not (imported)
     * @param silenceOff         whether the silence check was turned off for lack of arrival times
     * @param parameters         the parameters it was evaluated with (after the last declaration and the sets)
     */
    public record Channel(String channelId, String rigId, String cellSerial, String lot, String declaredProcedure,
                          String evaluatedProcedure, Map<String, Double> overrides, String declareProblem,
                          long samples, long marks, long firstMicros, long lastMicros, boolean arrivalKnown,
                          boolean silenceOff, RuleParameters parameters) {
    }

    /**
     * A set of alerts stored in the file.
     *
     * @param label           its label
     * @param origin          live or evaluation; null for an unknown origin code or a set without ALERT_SET record
     * @param createdAtMicros when it was written, or Long.MIN_VALUE when unknown
     * @param description     what produced it
     * @param declared        whether an ALERT_SET record declared it (else only ALERT records name it)
     * @param alerts          its alerts, in file order
     */
    public record StoredSet(String label, AlertOrigin origin, long createdAtMicros, String description,
                            boolean declared, List<Alert> alerts) {
    }

    /** The stored set with this label, or null. */
    public StoredSet storedSet(final String label) {
        for (StoredSet s : storedSets) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        return null;
    }

    /** The channel with this id, or null. */
    public Channel channel(final String channelId) {
        for (Channel c : channels) {
            if (c.channelId().equals(channelId)) {
                return c;
            }
        }
        return null;
    }

    /** Samples evaluated over all channels. */
    public long samples() {
        long n = 0;
        for (Channel c : channels) {
            n += c.samples();
        }
        return n;
    }
}
