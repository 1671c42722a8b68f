package io.cellwatch.rig;

import io.cellwatch.core.alert.StopAction;

/**
 * A COMMAND frame as the rig received it.
 *
 * @param channelNo        the connection-local channel number
 * @param action           stop, end or notify
 * @param sampleTimeMicros rig timestamp of the sample that triggered the alert
 * @param alertId          deterministic alert id: a repeat of an id already handled can be ignored
 * @param channelId        the plant-wide channel id
 * @param rule             the rule that fired
 * @param reason           text for people
 * @param receivedAtNanos  System.nanoTime() when the frame was read, for latency measurement
 */
public record ReceivedCommand(int channelNo, StopAction action, long sampleTimeMicros, String alertId,
                              String channelId, String rule, String reason, long receivedAtNanos) {
}
