package io.cellwatch.core.alert;

/**
 * One alert: a stop condition met on one channel. Alerts are records, not log lines: they carry everything needed
 * to trace the cell (serial, lot), the rule's verdict (value, reference, threshold) and its timing.
 *
 * @param alertId            deterministic id ({@link AlertIds}): the same run gives the same ids
 * @param channelId          plant-wide channel id
 * @param rigId              rig that owns the channel
 * @param cellSerial         serial of the cell
 * @param lot                production lot of the cell
 * @param procedureId        test procedure
 * @param procedureVersion   its version
 * @param rule               rule id, e.g. {@code upper-charge-voltage}
 * @param alertClass         safety, procedure or data quality
 * @param action             what the rig is asked to do
 * @param sampleTimeMicros   rig timestamp of the triggering sample, us since the epoch
 * @param value              the triggering value (e.g. the voltage in V)
 * @param reference          the reference the value was compared against (baseline, peak), NaN if none
 * @param threshold          the threshold that was crossed
 * @param unit               unit of value, reference and threshold
 * @param detectedAtMicros   wall-clock time the job detected it, us since the epoch
 * @param acknowledged       whether the rig acknowledged the command (false when raised)
 * @param reason             one sentence for people
 * @param trigger            what exactly fired within the rule, e.g. {@code drop} or {@code force} (voltage drop),
 *                           {@code returned-to-0.20-of-peak} or {@code time-cap} (temperature return)
 */
public record Alert(String alertId, String channelId, String rigId, String cellSerial, String lot,
                    String procedureId, int procedureVersion, String rule, AlertClass alertClass, StopAction action,
                    long sampleTimeMicros, double value, double reference, double threshold, String unit,
                    long detectedAtMicros, boolean acknowledged, String reason, String trigger) {
}
