package io.cellwatch.core.alert;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic alert ids: a name-based UUID of channel, rule and the triggering sample's timestamp. Re-processing
 * the same samples (after a failure, or in a replay) yields the same id, so downstream can drop repeats.
 */
public final class AlertIds {
    private AlertIds() {
    }

    public static String of(final String channelId, final String rule, final long sampleTimeMicros) {
        final String name = channelId + '\u0000' + rule + '\u0000' + sampleTimeMicros;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
