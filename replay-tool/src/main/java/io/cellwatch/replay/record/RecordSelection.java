package io.cellwatch.replay.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.cellwatch.core.alert.Alert;

/**
 * What {@code record} copies: channels by id, by rig, by the lot or serial of the cell declared on them, and a time
 * range. Kinds combine with AND, values of one kind with OR; an empty set does not restrict.
 *
 * <p>Channel ids and rig ids are on every samples-topic record (the key and the gateway's envelope). Lot and serial
 * are not: they travel only in the channel's CHANNEL declaration (protocol.md 5.3), so they select the frames
 * <em>from a declaration with that lot up to the channel's next declaration</em>, the run of that cell on that
 * channel.
 *
 * @param channels   channel ids (the record keys)
 * @param rigs       rig ids (the envelope's rig id: the rig that sent the frame)
 * @param lots       lots of the declared cell
 * @param serials    serials of the declared cell
 * @param fromMicros frames received at or after, alerts sampled at or after; {@link Long#MIN_VALUE} for no bound
 * @param toMicros   frames received before, alerts sampled before; {@link Long#MAX_VALUE} for no bound
 */
public record RecordSelection(Set<String> channels, Set<String> rigs, Set<String> lots, Set<String> serials,
                              long fromMicros, long toMicros) {
    public RecordSelection {
        channels = Set.copyOf(channels);
        rigs = Set.copyOf(rigs);
        lots = Set.copyOf(lots);
        serials = Set.copyOf(serials);
        if (fromMicros >= toMicros) {
            throw new IllegalArgumentException("the time range is empty: --from must be before --to");
        }
    }

    /** Whether nothing at all restricts the selection (the whole topic). */
    public boolean selectsEverything() {
        return channels.isEmpty() && rigs.isEmpty() && lots.isEmpty() && serials.isEmpty()
            && fromMicros == Long.MIN_VALUE && toMicros == Long.MAX_VALUE;
    }

    /** Whether the selection needs the channel's declaration (lot or serial) to decide. */
    public boolean byCell() {
        return !lots.isEmpty() || !serials.isEmpty();
    }

    public boolean channelAndRig(final String channelId, final String rigId) {
        return (channels.isEmpty() || channels.contains(channelId)) && (rigs.isEmpty() || rigs.contains(rigId));
    }

    public boolean cell(final String lot, final String serial) {
        return (lots.isEmpty() || lots.contains(lot)) && (serials.isEmpty() || serials.contains(serial));
    }

    /** Whether a frame received at {@code micros} is in the time range. */
    public boolean inRange(final long micros) {
        return micros >= fromMicros && micros < toMicros;
    }

    /** Whether a live alert belongs to the run: the alert carries its channel, rig, lot and serial itself. */
    public boolean alert(final Alert a, final Set<String> recordedChannels) {
        return recordedChannels.contains(a.channelId()) && channelAndRig(a.channelId(), a.rigId())
            && cell(a.lot(), a.cellSerial()) && inRange(a.sampleTimeMicros());
    }

    /** E.g. {@code channel rigA/ch01, lot L-7, received from 2026-03-06T12:00:00Z}, for notes and messages. */
    public String describe() {
        final List<String> parts = new ArrayList<>();
        add(parts, "channel", channels);
        add(parts, "rig", rigs);
        add(parts, "lot", lots);
        add(parts, "serial", serials);
        if (fromMicros != Long.MIN_VALUE) {
            parts.add("received from " + java.time.Instant.EPOCH.plus(fromMicros, java.time.temporal.ChronoUnit.MICROS));
        }
        if (toMicros != Long.MAX_VALUE) {
            parts.add("received before " + java.time.Instant.EPOCH.plus(toMicros, java.time.temporal.ChronoUnit.MICROS));
        }
        return parts.isEmpty() ? "everything" : String.join(", ", parts);
    }

    private static void add(final List<String> parts, final String kind, final Set<String> values) {
        if (!values.isEmpty()) {
            parts.add(kind + (values.size() == 1 ? " " : "s ") + String.join(" or ", new java.util.TreeSet<>(values)));
        }
    }
}
