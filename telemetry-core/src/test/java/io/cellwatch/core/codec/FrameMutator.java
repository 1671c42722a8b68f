package io.cellwatch.core.codec;

import java.util.Arrays;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Seeded mutations of a frame (bit flips, boundary values in u8/u16 fields, truncation, appended bytes), keeping the
 * length field consistent half of the time so the body checks run too. Shared by the validator's fuzz test and the
 * gateway's pipeline fuzz test.
 */
public final class FrameMutator {
    private FrameMutator() {
    }

    /** A mutated copy of {@code golden}; the same {@code random} state gives the same result. */
    public static byte[] mutate(final byte[] golden, final Random random) {
        byte[] bytes = golden.clone();
        final int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(6)) {
                case 0: // flip bits
                    if (bytes.length > 0) {
                        bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                    break;
                case 1: // overwrite a byte with a boundary value
                    if (bytes.length > 0) {
                        bytes[random.nextInt(bytes.length)] = (byte) new int[] {0, 1, 0x7f, 0x80, 0xff}[random.nextInt(5)];
                    }
                    break;
                case 2: // a u16 boundary value at any position: hits string lengths, counts, sample lengths
                    if (bytes.length >= 2) {
                        final int at = random.nextInt(bytes.length - 1);
                        final int value = new int[] {0, 1, 2, 31, 32, 33, 1023, 1024, 1025, 0x7fff, 0xffff}[random.nextInt(11)];
                        bytes[at] = (byte) value;
                        bytes[at + 1] = (byte) (value >>> 8);
                    }
                    break;
                case 3: // truncate
                    bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                    break;
                case 4: // append random bytes
                    final int extra = 1 + random.nextInt(40);
                    final int from = bytes.length;
                    bytes = Arrays.copyOf(bytes, from + extra);
                    for (int i = from; i < bytes.length; i++) {
                        bytes[i] = (byte) random.nextInt(256);
                    }
                    break;
                default: // a random byte anywhere
                    if (bytes.length > 0) {
                        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                    }
                    break;
            }
        }
        if (bytes.length >= 4 && random.nextBoolean()) { // keep the length field consistent half of the time
            new UnsafeBuffer(bytes).putInt(FrameDescriptor.LENGTH_OFFSET, bytes.length, FrameDescriptor.BYTE_ORDER);
        }
        return bytes;
    }
}
