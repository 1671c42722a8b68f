package io.cellwatch.gateway.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** Short, safe previews of peer input for log lines: hex, bounded length, never the whole (possibly huge) input. */
final class Previews {
    private Previews() {
    }

    static String hex(final ByteBuf buf, final int maxBytes) {
        final int n = Math.min(maxBytes, buf.readableBytes());
        return ByteBufUtil.hexDump(buf, buf.readerIndex(), n) + (buf.readableBytes() > n ? "..." : "");
    }
}
