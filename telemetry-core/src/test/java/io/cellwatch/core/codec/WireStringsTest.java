package io.cellwatch.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class WireStringsTest {
    private final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[4096]);

    @Test
    void shouldRoundTripWhenTheStringIsMultiByteUtf8() {
        final String value = "\u30bb\u30eb-\u00b0C-\ud83d\udd0b";
        final int written = WireStrings.put(buffer, 3, value);
        assertEquals(WireStrings.PREFIX_LENGTH + value.getBytes(StandardCharsets.UTF_8).length, written);
        assertEquals(written, WireStrings.encodedLength(value));
        assertEquals(written, WireStrings.skip(buffer, 3));
        assertEquals(3 + written, WireStrings.check(buffer, 3, 3 + written));
        assertEquals(value, WireStrings.get(buffer, 3));
    }

    @Test
    void shouldAcceptTheStringWhenItIsExactlyAtTheLimit() {
        final String value = "a".repeat(FrameDescriptor.MAX_STRING_LENGTH);
        final int written = WireStrings.put(buffer, 0, value);
        assertEquals(written, WireStrings.check(buffer, 0, written));
        assertEquals(value, WireStrings.get(buffer, 0));
    }

    @Test
    void shouldRefuseToWriteWhenTheStringIsLongerThanTheLimitInBytes() {
        // 342 three-byte characters: 342 chars but 1026 bytes
        final String value = "\u30bb".repeat(342);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WireStrings.put(buffer, 0, value));
        assertTrue(e.getMessage().contains("1026"), e.getMessage());
    }

    @Test
    void shouldNotFitWhenThePrefixOrTheBytesRunPastTheLimit() {
        WireStrings.put(buffer, 0, "abc");
        assertEquals(-1, WireStrings.check(buffer, 0, 1)); // not even the prefix
        assertEquals(-1, WireStrings.check(buffer, 0, 4)); // one byte short
        assertEquals(5, WireStrings.check(buffer, 0, 5));
        buffer.putShort(0, (short) 1025, FrameDescriptor.BYTE_ORDER);
        assertEquals(-1, WireStrings.check(buffer, 0, 4096)); // over the string limit though it fits
        buffer.putShort(0, (short) 0xFFFF, FrameDescriptor.BYTE_ORDER);
        assertEquals(-1, WireStrings.check(buffer, 0, 4096));
    }

    @Test
    void shouldDecodeWithoutThrowingWhenTheBytesAreNotUtf8() {
        buffer.putShort(0, (short) 3, FrameDescriptor.BYTE_ORDER);
        buffer.putByte(2, (byte) 0xC3); // a lead byte without its continuation
        buffer.putByte(3, (byte) 0xFF);
        buffer.putByte(4, (byte) 0x41);
        assertTrue(WireStrings.get(buffer, 0).endsWith("A"));
    }
}
