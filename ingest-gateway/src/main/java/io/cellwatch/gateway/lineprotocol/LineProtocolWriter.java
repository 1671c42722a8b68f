package io.cellwatch.gateway.lineprotocol;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.gateway.kafka.RecordPublisher;
import io.cellwatch.gateway.tcp.ConnectionLimits;
import org.agrona.ExpandableArrayBuffer;

/**
 * Turns line-protocol points into the same Kafka records a rig's frames become, so the job cannot tell the two
 * apart: a CHANNEL record the first time this gateway sees a channel (tags {@code serial}, {@code lot},
 * {@code procedure} as {@code id@version}, {@code form}), then one SAMPLES record per channel per request.
 *
 * <p>Mapping: tag {@code channel} (required) is the channel id; tag {@code rig} the rig id (default: the channel id
 * up to its first '/'); fields {@code voltage} (required), {@code current}, {@code temp} (or {@code cell_temp},
 * {@code temperature}), {@code ambient} (or {@code ambient_temp}), {@code force}. The sequence numbers the rig
 * protocol gets from the rig are made here: per channel, from the clock in microseconds, rising.
 *
 * <p>Guarantee: the returned future completes when Kafka holds every record of the request (the HTTP handler then
 * answers 204), and fails if any send failed (503: the client retries the whole request; a retry may store points
 * twice, which line-protocol clients accept from InfluxDB too).
 */
public final class LineProtocolWriter {
    /** Largest number of samples in one SAMPLES record. */
    static final int MAX_BATCH = 4096;

    private final RecordPublisher publisher;
    private final ProcedureLibrary procedures;
    private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();
    private final Map<String, String> declared = new ConcurrentHashMap<>();
    private final long maxFutureSkewMicros;

    /** With the rig port's default future-timestamp limit ({@link ConnectionLimits#DEFAULT_MAX_FUTURE_SKEW_MILLIS}). */
    public LineProtocolWriter(final RecordPublisher publisher, final ProcedureLibrary procedures) {
        this(publisher, procedures, ConnectionLimits.DEFAULT_MAX_FUTURE_SKEW_MILLIS);
    }

    /**
     * @param maxFutureSkewMillis a point stamped more than this far ahead of the gateway's clock is refused, as a rig's
     *                            sample is ({@code gateway.max-future-skew-ms}): a wrong precision (ns read as us)
     *                            would otherwise put samples centuries ahead and wreck the channel's rule state
     */
    public LineProtocolWriter(final RecordPublisher publisher, final ProcedureLibrary procedures,
                              final long maxFutureSkewMillis) {
        this.publisher = publisher;
        this.procedures = procedures;
        this.maxFutureSkewMicros = maxFutureSkewMillis * 1000;
    }

    /** A channel's points of one request, with its declaration. */
    private record ChannelPoints(String rigId, ChannelDeclaration declaration, List<LinePoint> points) { }

    /**
     * Validates and maps every point first (a bad point refuses the whole request), then publishes.
     *
     * @param authorizedRig null to accept any rig, else the only rig id the caller may write for
     */
    public CompletableFuture<Integer> write(final List<LinePoint> points, final String authorizedRig)
        throws LineProtocolException {
        final long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        final Map<String, ChannelPoints> byChannel = new LinkedHashMap<>();
        for (LinePoint p : points) {
            checkTime(p, now);
            final String channel = channelOf(p);
            final String rig = rigOf(p, channel, authorizedRig);
            ChannelPoints cp = byChannel.get(channel);
            if (cp == null) {
                cp = new ChannelPoints(rig, declaration(p, channel), new ArrayList<>());
                byChannel.put(channel, cp);
            }
            cp.points().add(p);
        }
        final List<CompletableFuture<Void>> sends = new ArrayList<>();
        int samples = 0;
        for (Map.Entry<String, ChannelPoints> e : byChannel.entrySet()) {
            final String channel = e.getKey();
            final ChannelPoints cp = e.getValue();
            final AtomicLong seq = sequences.computeIfAbsent(channel, k -> new AtomicLong(now));
            final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(4096);
            final String signature = cp.declaration().toString();
            if (!signature.equals(declared.get(channel))) {
                final int len = ChannelFlyweight.encode(frame, 0, seq.incrementAndGet(), cp.declaration());
                sends.add(send(channel, cp.rigId(), frame, len, now));
                declared.put(channel, signature);
            }
            final List<LinePoint> ps = cp.points();
            for (int from = 0; from < ps.size(); from += MAX_BATCH) {
                final int n = Math.min(MAX_BATCH, ps.size() - from);
                final int len = SamplesFlyweight.encodeHeader(frame, 0, seq.incrementAndGet(), 0, n);
                for (int i = 0; i < n; i++) {
                    final LinePoint p = ps.get(from + i);
                    SamplesFlyweight.putSample(frame, 0, i, p.timestampMicros() == Long.MIN_VALUE ? now
                        : p.timestampMicros(), field(p, "voltage"), field(p, "current", 0f),
                        field(p, "temp", "cell_temp", "temperature"), field(p, "ambient", "ambient_temp"),
                        field(p, "force"));
                }
                sends.add(send(channel, cp.rigId(), frame, len, now));
                samples += n;
            }
        }
        final int total = samples;
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenApply(v -> total);
    }

    /**
     * Checks that one point maps onto a sample, as {@link #write} would, without writing it: the raw-TCP listener
     * skips a bad line instead of refusing a whole batch.
     */
    public void check(final LinePoint p, final String authorizedRig) throws LineProtocolException {
        checkTime(p, ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()));
        final String channel = channelOf(p);
        rigOf(p, channel, authorizedRig);
        declaration(p, channel);
    }

    private void checkTime(final LinePoint p, final long nowMicros) throws LineProtocolException {
        if (p.timestampMicros() != Long.MIN_VALUE && p.timestampMicros() - nowMicros > maxFutureSkewMicros) {
            throw LineProtocolException.timestampInFuture(p.line(), "timestamp " + p.timestampMicros()
                + " us is more than " + maxFutureSkewMicros / 1000 + " ms ahead of the gateway's clock (check the "
                + "precision: the default is ns)");
        }
    }

    private static String channelOf(final LinePoint p) throws LineProtocolException {
        final String channel = p.tags().get("channel");
        if (channel == null || channel.isEmpty()) {
            throw new LineProtocolException(p.line(), "tag 'channel' is required (e.g. channel=rigA/ch03)");
        }
        if (!p.fields().containsKey("voltage")) {
            throw new LineProtocolException(p.line(), "field 'voltage' is required");
        }
        return channel;
    }

    private static String rigOf(final LinePoint p, final String channel, final String authorizedRig)
        throws LineProtocolException {
        final String rig = p.tags().getOrDefault("rig",
            channel.contains("/") ? channel.substring(0, channel.indexOf('/')) : channel);
        if (authorizedRig != null && (!rig.equals(authorizedRig) || !channel.startsWith(authorizedRig + "/"))) {
            throw new LineProtocolException(p.line(), "the token does not permit writing channel " + channel);
        }
        return rig;
    }

    private ChannelDeclaration declaration(final LinePoint p, final String channel) throws LineProtocolException {
        final String procedure = p.tags().getOrDefault("procedure", "cellwatch/monitor@1");
        final int at = procedure.lastIndexOf('@');
        final String id = at > 0 ? procedure.substring(0, at) : procedure;
        final int version;
        try {
            version = at > 0 ? Integer.parseInt(procedure.substring(at + 1)) : 1;
        } catch (NumberFormatException e) {
            throw new LineProtocolException(p.line(), "tag procedure='" + procedure + "' must be id@version");
        }
        final CellForm form;
        try {
            form = CellForm.valueOf(p.tags().getOrDefault("form", "CYLINDRICAL").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new LineProtocolException(p.line(), "tag form must be cylindrical, prismatic or pouch");
        }
        final ChannelDeclaration d = new ChannelDeclaration(0, channel, p.tags().getOrDefault("serial", ""),
            p.tags().getOrDefault("lot", ""), id, version, form, 1.0, Map.of());
        try {
            procedures.resolve(d);
        } catch (IllegalArgumentException e) {
            throw new LineProtocolException(p.line(), e.getMessage());
        }
        return d;
    }

    private CompletableFuture<Void> send(final String channel, final String rig, final ExpandableArrayBuffer frame,
                                         final int frameLength, final long nowMicros) {
        final int env = TelemetryRecordFlyweight.envelopeLength(rig);
        final ExpandableArrayBuffer value = new ExpandableArrayBuffer(env + frameLength);
        TelemetryRecordFlyweight.encodeEnvelope(value, 0, rig, nowMicros);
        value.putBytes(env, frame, 0, frameLength);
        final byte[] bytes = new byte[env + frameLength];
        value.getBytes(0, bytes);
        final CompletableFuture<Void> done = new CompletableFuture<>();
        publisher.publish(channel, bytes, failure -> {
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        });
        return done;
    }

    private static float field(final LinePoint p, final String... names) {
        for (String n : names) {
            final Double v = p.fields().get(n);
            if (v != null) {
                return v.floatValue();
            }
        }
        return Float.NaN;
    }

    private static float field(final LinePoint p, final String name, final float absent) {
        final Double v = p.fields().get(name);
        return v == null ? absent : v.floatValue();
    }
}
