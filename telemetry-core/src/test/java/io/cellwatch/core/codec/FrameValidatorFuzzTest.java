package io.cellwatch.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Seeded random input: {@link FrameValidator} never throws, its result is always one of its documented values,
 * and every frame it accepts can be read through every accessor without an exception. Each buffer is exactly as
 * long as the bytes that "arrived", so any read past them fails Agrona's bounds check.
 */
class FrameValidatorFuzzTest {
    private static final int MAX = FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH;
    private static final int RANDOM_BUFFERS = 200_000;
    private static final int MUTATIONS_PER_GOLDEN = 4_000;

    private final FrameReads reads = new FrameReads();
    private final int[] acceptedByType = new int[256];

    @Test
    void shouldNeverThrowWhenGivenRandomBytes() {
        final long seed = 0xCE11_0001L;
        final Random random = new Random(seed);
        for (int i = 0; i < RANDOM_BUFFERS; i++) {
            final byte[] bytes = new byte[random.nextInt(16) == 0 ? random.nextInt(2048) : random.nextInt(96)];
            random.nextBytes(bytes);
            if (bytes.length >= FrameDescriptor.HEADER_LENGTH && random.nextBoolean()) {
                plausibleHeader(bytes, random);
            }
            checkAndRead(bytes, seed, i);
        }
        assertTrue(accepted() > 0, "random input never produced a valid frame: the test checks too little");
    }

    @Test
    void shouldNeverThrowWhenGoldenFramesAreMutated() {
        final long seed = 0xCE11_0002L;
        final Random random = new Random(seed);
        final List<byte[]> goldens = GoldenFrames.loadAll();
        int iteration = 0;
        for (byte[] golden : goldens) {
            for (int m = 0; m < MUTATIONS_PER_GOLDEN; m++) {
                checkAndRead(FrameMutator.mutate(golden, random), seed, iteration++);
            }
        }
        for (int type = FrameType.HELLO; type <= FrameType.MAX_KNOWN; type++) {
            assertTrue(acceptedByType[type] > 0, "no mutated " + FrameType.name(type) + " frame was accepted");
        }
    }

    /** Gives a random buffer a header that passes {@link FrameValidator#checkHeader}, so the body checks run. */
    private static void plausibleHeader(final byte[] bytes, final Random random) {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int length = random.nextInt(8) == 0 ? bytes.length + random.nextInt(5) - 2 : bytes.length;
        buffer.putInt(FrameDescriptor.LENGTH_OFFSET, Math.max(0, length), FrameDescriptor.BYTE_ORDER);
        final int type = 1 + random.nextInt(FrameType.MAX_KNOWN);
        buffer.putByte(FrameDescriptor.TYPE_OFFSET, (byte) type);
        buffer.putByte(FrameDescriptor.VERSION_OFFSET, (byte) (1 + random.nextInt(2)));
        if (type == FrameType.SAMPLES && bytes.length >= SamplesFlyweight.SAMPLES_OFFSET && random.nextBoolean()) {
            // a batch header that matches the length, so SAMPLES with random sample bytes get accepted too
            final int sampleLength = SamplesFlyweight.SAMPLE_LENGTH + 8 * random.nextInt(3);
            final int count = (bytes.length - SamplesFlyweight.SAMPLES_OFFSET) / sampleLength;
            buffer.putShort(SamplesFlyweight.SAMPLE_LENGTH_OFFSET, (short) sampleLength, FrameDescriptor.BYTE_ORDER);
            buffer.putInt(SamplesFlyweight.SAMPLE_COUNT_OFFSET, count, FrameDescriptor.BYTE_ORDER);
            if (length == bytes.length) {
                buffer.putInt(FrameDescriptor.LENGTH_OFFSET, SamplesFlyweight.SAMPLES_OFFSET + count * sampleLength,
                    FrameDescriptor.BYTE_ORDER);
            }
        }
    }

    private void checkAndRead(final byte[] bytes, final long seed, final int iteration) {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int result;
        try {
            result = FrameValidator.check(buffer, 0, bytes.length, MAX);
        } catch (RuntimeException e) {
            throw new AssertionError("FrameValidator threw on " + describe(bytes, seed, iteration), e);
        }
        if (result == FrameValidator.NEED_MORE) {
            return;
        }
        if (result < 0) {
            final ErrorCode code = ErrorCode.ofCode(-result);
            assertNotNull(code, "unknown result " + result + " for " + describe(bytes, seed, iteration));
            return;
        }
        if (result > bytes.length || result != FrameFlyweight.frameLength(buffer, 0)) {
            fail("accepted length " + result + " for " + describe(bytes, seed, iteration));
        }
        // Only the frame itself, so the accessors cannot read into bytes that follow it.
        final UnsafeBuffer frame = new UnsafeBuffer(Arrays.copyOf(bytes, result));
        try {
            reads.readEveryField(frame, 0);
        } catch (RuntimeException e) {
            throw new AssertionError("reading an accepted frame threw on " + describe(bytes, seed, iteration), e);
        }
        acceptedByType[FrameFlyweight.frameType(frame, 0)]++;
        assertEquals(result, FrameValidator.check(frame, 0, result, MAX), "validation is not repeatable");
    }

    private int accepted() {
        return Arrays.stream(acceptedByType).sum();
    }

    private static String describe(final byte[] bytes, final long seed, final int iteration) {
        final byte[] head = Arrays.copyOf(bytes, Math.min(bytes.length, 96));
        return "seed " + Long.toHexString(seed) + " iteration " + iteration + " (" + bytes.length + " bytes): "
            + HexFormat.ofDelimiter(" ").formatHex(head) + (bytes.length > head.length ? " ..." : "");
    }
}
