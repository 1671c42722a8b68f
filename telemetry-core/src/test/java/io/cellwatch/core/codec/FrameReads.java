package io.cellwatch.core.codec;

import org.agrona.DirectBuffer;

/**
 * Reads every accessor of every flyweight for a validated frame, as a consumer would. Used by tests that check a
 * validated frame can be read without an exception; the result is a hash so the reads cannot be optimised away.
 */
final class FrameReads {
    private final HelloFlyweight hello = new HelloFlyweight();
    private final HelloOkFlyweight helloOk = new HelloOkFlyweight();
    private final ChannelFlyweight channel = new ChannelFlyweight();
    private final SamplesFlyweight samples = new SamplesFlyweight();
    private final MarkFlyweight mark = new MarkFlyweight();
    private final AckFlyweight ack = new AckFlyweight();
    private final CommandFlyweight command = new CommandFlyweight();
    private final CommandAckFlyweight commandAck = new CommandAckFlyweight();
    private final HeartbeatFlyweight heartbeat = new HeartbeatFlyweight();
    private final ErrorFlyweight error = new ErrorFlyweight();

    /** Reads every field of the validated frame at {@code offset}; returns a hash of what it read. */
    long readEveryField(final DirectBuffer buffer, final int offset) {
        long h = FrameFlyweight.frameLength(buffer, offset) * 31L + FrameFlyweight.frameType(buffer, offset);
        switch (FrameFlyweight.frameType(buffer, offset)) {
            case FrameType.HELLO:
                hello.wrap(buffer, offset);
                h = mix(h, common(hello));
                h = mix(h, hello.protocolVersion());
                h = mix(h, hello.rigId().hashCode());
                return mix(h, hello.token().hashCode());
            case FrameType.HELLO_OK:
                helloOk.wrap(buffer, offset);
                h = mix(h, common(helloOk));
                h = mix(h, helloOk.protocolVersion());
                h = mix(h, helloOk.heartbeatIntervalMillis());
                h = mix(h, helloOk.maxFrameLength());
                return mix(h, helloOk.gatewayTimeMicros());
            case FrameType.CHANNEL:
                channel.wrap(buffer, offset);
                h = mix(h, common(channel));
                h = mix(h, channel.sequence());
                h = mix(h, channel.channelNo());
                h = mix(h, channel.cellFormCode());
                h = mix(h, channel.overrideCount());
                h = mix(h, channel.procedureVersion());
                h = mix(h, Double.doubleToRawLongBits(channel.ratedCapacityAh()));
                return mix(h, channel.declaration().hashCode());
            case FrameType.SAMPLES:
                samples.wrap(buffer, offset);
                h = mix(h, common(samples));
                h = mix(h, samples.sequence());
                h = mix(h, samples.channelNo());
                h = mix(h, samples.sampleLength());
                for (int i = 0, n = samples.sampleCount(); i < n; i++) {
                    h = mix(h, samples.timestampMicros(i));
                    h = mix(h, Float.floatToRawIntBits(samples.voltage(i)));
                    h = mix(h, Float.floatToRawIntBits(samples.current(i)));
                    h = mix(h, Float.floatToRawIntBits(samples.cellTemperature(i)));
                    h = mix(h, Float.floatToRawIntBits(samples.ambientTemperature(i)));
                    h = mix(h, Float.floatToRawIntBits(samples.force(i)));
                    h = mix(h, samples.flags(i));
                }
                return h;
            case FrameType.MARK:
                mark.wrap(buffer, offset);
                h = mix(h, common(mark));
                h = mix(h, mark.sequence());
                h = mix(h, mark.channelNo());
                h = mix(h, mark.markType());
                return mix(h, mark.timestampMicros());
            case FrameType.ACK:
                ack.wrap(buffer, offset);
                return mix(mix(h, common(ack)), ack.sequence());
            case FrameType.COMMAND:
                command.wrap(buffer, offset);
                h = mix(h, common(command));
                h = mix(h, command.channelNo());
                h = mix(h, command.actionCode());
                h = mix(h, command.action().hashCode());
                h = mix(h, command.sampleTimeMicros());
                h = mix(h, command.alertId().hashCode());
                h = mix(h, command.channelId().hashCode());
                h = mix(h, command.rule().hashCode());
                return mix(h, command.reason().hashCode());
            case FrameType.COMMAND_ACK:
                commandAck.wrap(buffer, offset);
                return mix(mix(h, common(commandAck)), commandAck.alertId().hashCode());
            case FrameType.HEARTBEAT:
                heartbeat.wrap(buffer, offset);
                return mix(mix(h, common(heartbeat)), heartbeat.senderTimeMicros());
            case FrameType.ERROR:
                error.wrap(buffer, offset);
                h = mix(h, common(error));
                h = mix(h, error.code());
                h = mix(h, String.valueOf(error.errorCode()).hashCode());
                return mix(h, error.message().hashCode());
            default:
                throw new AssertionError("validated frame of unknown type " + FrameFlyweight.frameType(buffer, offset));
        }
    }

    private static long common(final FrameFlyweight f) {
        return f.frameLength() * 31L * 31L + f.type() * 31L + f.version() + f.offset() + f.buffer().capacity();
    }

    private static long mix(final long h, final long v) {
        return h * 1_000_003L ^ v;
    }
}
