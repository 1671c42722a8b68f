package io.cellwatch.gateway.tcp;

import io.netty.buffer.ByteBuf;
import org.agrona.concurrent.UnsafeBuffer;

/** Points an Agrona buffer at a ByteBuf's bytes without copying, so the core flyweights can read Netty buffers. */
final class ByteBufViews {
    private ByteBufViews() {
    }

    /**
     * Wraps {@code length} bytes of {@code buf} from {@code index}. Direct buffers are wrapped by address, heap
     * buffers by array; anything else (a composite buffer) is copied, which the decoder's cumulation never produces.
     */
    static void wrap(final UnsafeBuffer view, final ByteBuf buf, final int index, final int length) {
        if (buf.hasMemoryAddress()) {
            view.wrap(buf.memoryAddress() + index, length);
        } else if (buf.hasArray()) {
            view.wrap(buf.array(), buf.arrayOffset() + index, length);
        } else {
            final byte[] copy = new byte[length];
            buf.getBytes(index, copy);
            view.wrap(copy);
        }
    }
}
