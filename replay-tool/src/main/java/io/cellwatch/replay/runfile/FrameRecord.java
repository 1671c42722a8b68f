package io.cellwatch.replay.runfile;

import org.agrona.DirectBuffer;

import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;

/**
 * A FRAME record as the {@link RunFileReader} hands it to a {@link RunFileVisitor}: a view over the reader's buffer,
 * valid only during the visitor call (the reader reuses it and its flyweights for the next record).
 */
public final class FrameRecord {
    private final ChannelFlyweight channel = new ChannelFlyweight();
    private final SamplesFlyweight samples = new SamplesFlyweight();
    private final MarkFlyweight mark = new MarkFlyweight();
    private long offset;
    private long receivedAtMicros;
    private String rigId;
    private DirectBuffer buffer;
    private int frameOffset;
    private int frameLength;
    private int frameType;

    FrameRecord set(final long offset, final long receivedAtMicros, final String rigId, final DirectBuffer buffer,
                    final int frameOffset, final int frameLength, final int frameType) {
        this.offset = offset;
        this.receivedAtMicros = receivedAtMicros;
        this.rigId = rigId;
        this.buffer = buffer;
        this.frameOffset = frameOffset;
        this.frameLength = frameLength;
        this.frameType = frameType;
        return this;
    }

    /** Byte offset of the record in the file. */
    public long offset() {
        return offset;
    }

    /** When the frame arrived at the gateway, us since the epoch, or {@link RunFileFormat#UNKNOWN_TIME}. */
    public long receivedAtMicros() {
        return receivedAtMicros;
    }

    public boolean arrivalKnown() {
        return receivedAtMicros != RunFileFormat.UNKNOWN_TIME;
    }

    public String rigId() {
        return rigId;
    }

    /** {@link FrameType#CHANNEL}, {@link FrameType#SAMPLES} or {@link FrameType#MARK}. */
    public int frameType() {
        return frameType;
    }

    /** The buffer holding the frame (valid during the visitor call only). */
    public DirectBuffer buffer() {
        return buffer;
    }

    public int frameOffset() {
        return frameOffset;
    }

    public int frameLength() {
        return frameLength;
    }

    /** The frame as CHANNEL (only when {@link #frameType()} says so). */
    public ChannelFlyweight channel() {
        return (ChannelFlyweight) channel.wrap(buffer, frameOffset);
    }

    /** The frame as SAMPLES (only when {@link #frameType()} says so). */
    public SamplesFlyweight samples() {
        return samples.wrap(buffer, frameOffset);
    }

    /** The frame as MARK (only when {@link #frameType()} says so). */
    public MarkFlyweight mark() {
        return (MarkFlyweight) mark.wrap(buffer, frameOffset);
    }
}
