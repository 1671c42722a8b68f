package io.cellwatch.gateway.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.procedure.ProcedureLibrary;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

/**
 * What the live board keeps of SAMPLES frames, which it takes once per frame: per 500 ms history bucket the min and
 * max voltage over every sample and the last current and temperatures, and the latest values of the last sample.
 */
class ChannelBoardTest {
    private static final String CHANNEL = "rigA/ch01";
    /** The start of a history bucket (a multiple of 500 ms). */
    private static final long BUCKET = 1_700_000_000_000L;

    private final ChannelBoard board = new ChannelBoard();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final SamplesFlyweight frame = new SamplesFlyweight();
    private final ChannelView view;

    ChannelBoardTest() {
        final ChannelDeclaration d = new ChannelDeclaration(1, CHANNEL, "SN1", "LOT1",
            "pse-app9/overcharge-protection", 1, CellForm.CYLINDRICAL, 3.0, Map.of());
        view = board.declared(d, "rigA", ProcedureLibrary.builtIn().resolve(d));
    }

    /** A frame whose sample k has voltage {@code volts[k]}, current k + 1, cell temperature 20 + k, force 100 + k. */
    private SamplesFlyweight frame(final float... volts) {
        SamplesFlyweight.encodeHeader(buffer, 0, 1, 1, volts.length);
        for (int k = 0; k < volts.length; k++) {
            SamplesFlyweight.putSample(buffer, 0, k, 1_000L * k, volts[k], k + 1f, 20f + k, Float.NaN, 100f + k);
        }
        frame.wrap(buffer, 0);
        return frame;
    }

    @SuppressWarnings("unchecked")
    private Object[] bucket(final int index) {
        final List<Object[]> history = (List<Object[]>) board.channelWithHistory(CHANNEL).get("history");
        return history.get(index);
    }

    @Test
    void shouldKeepMinAndMaxVoltageOverEverySampleOfEveryFrameInABucketAndTheLastSamplesOtherValues() {
        board.samples(view, frame(4.1f, 4.3f, 4.2f), BUCKET + 100);
        board.samples(view, frame(Float.NaN, 4.0f, 4.25f), BUCKET + 200); // an absent voltage first, same bucket
        final Object[] b = bucket(0);
        assertEquals(BUCKET, b[0]);
        assertEquals(4.0, (Double) b[1], 1e-6, "min over both frames, the absent voltage skipped");
        assertEquals(4.3, (Double) b[2], 1e-6, "max over both frames");
        assertEquals(3.0, (Double) b[3], 1e-6, "current of the last sample");
        assertEquals(22.0, (Double) b[4], 1e-6, "cell temperature of the last sample");
        assertNull(b[5], "no ambient temperature: null");

        final Map<String, Object> ch = board.channelWithHistory(CHANNEL);
        assertEquals(4.25, (Double) ch.get("voltage"), 1e-6);
        assertEquals(3.0, (Double) ch.get("current"), 1e-6);
        assertEquals(22.0, (Double) ch.get("cellTemperature"), 1e-6);
        assertNull(ch.get("ambientTemperature"));
        assertEquals(102.0, (Double) ch.get("force"), 1e-6);
        assertEquals(BUCKET + 200, ch.get("lastSeenMillis"));
        assertEquals(b.length, ((Object[]) ch.get("point")).length);
    }

    @Test
    void shouldStartANewBucketFromTheFramesOwnSamplesWhenItsReceiveTimeIsInTheNextBucket() {
        board.samples(view, frame(4.1f, 4.3f), BUCKET + 100);
        board.samples(view, frame(4.2f, 4.15f, 4.22f), BUCKET + ChannelView.BUCKET_MILLIS);
        final Object[] second = bucket(1);
        assertEquals(BUCKET + ChannelView.BUCKET_MILLIS, second[0]);
        assertEquals(4.15, (Double) second[1], 1e-6, "not the 4.1 of the bucket before");
        assertEquals(4.22, (Double) second[2], 1e-6, "not the 4.3 of the bucket before");
        assertEquals(4.1, (Double) bucket(0)[1], 1e-6, "the older bucket is kept as it was");
    }

    @Test
    void shouldGiveTheChannelANewVersionPerFrameAndTreatTheHandleAsTheChannelId() {
        final long before = board.version();
        board.samples(view, frame(4.1f), BUCKET);
        board.samples(CHANNEL, frame(4.2f), BUCKET + 1);
        assertEquals(before + 2, board.version(), "one change per frame, whichever way it came");
        final List<Map<String, Object>> changed = board.channelSnapshots(before);
        assertEquals(1, changed.size());
        assertEquals(4.2, (Double) changed.get(0).get("voltage"), 1e-6);
        assertTrue(board.channelSnapshots(board.version()).isEmpty());
    }

    /**
     * The board takes each frame's voltage range from the session's one scan of the frame; it must give exactly the
     * buckets that folding the samples one by one (the board's rule before the scan existed) gives, including absent
     * (NaN) voltages anywhere and infinities, in frames that open a bucket or add to one.
     */
    @Test
    void shouldKeepTheSameBucketsAsFoldingEverySampleOneByOne() {
        final float[] values = {4.1f, 4.2f, 3.9f, Float.NaN, 0.0f, -0.0f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 4.25f};
        final Random random = new Random(7);
        final SamplesFrameScan scan = new SamplesFrameScan();
        final List<float[]> expected = new java.util.ArrayList<>(); // {bucket start, min, max} per bucket
        long wall = BUCKET;
        for (int frameNo = 0; frameNo < 400; frameNo++) {
            wall += random.nextInt(3) == 0 ? ChannelView.BUCKET_MILLIS : 1; // a new bucket about every third frame
            final float[] volts = new float[1 + random.nextInt(5)];
            for (int k = 0; k < volts.length; k++) {
                volts[k] = values[random.nextInt(values.length)];
            }
            final SamplesFlyweight f = frame(volts);
            board.samples(view, f, scan.scan(f), wall);
            float[] b = expected.isEmpty() ? null : expected.get(expected.size() - 1);
            int from = 0;
            if (b == null || b[0] != (float) (wall - wall % ChannelView.BUCKET_MILLIS - BUCKET)) {
                b = new float[] {(float) (wall - wall % ChannelView.BUCKET_MILLIS - BUCKET), volts[0], volts[0]};
                expected.add(b);
                from = 1;
            }
            for (int k = from; k < volts.length; k++) { // the per-sample rule: strict comparisons
                if (volts[k] < b[1]) {
                    b[1] = volts[k];
                }
                if (volts[k] > b[2]) {
                    b[2] = volts[k];
                }
            }
        }
        @SuppressWarnings("unchecked")
        final List<Object[]> history = (List<Object[]>) board.channelWithHistory(CHANNEL).get("history");
        final List<float[]> kept = expected.subList(Math.max(0, expected.size() - ChannelView.BUCKETS), expected.size());
        assertEquals(kept.size(), history.size());
        for (int i = 0; i < kept.size(); i++) {
            assertEquals(shown(kept.get(i)[1]), history.get(i)[1], "min of bucket " + i);
            assertEquals(shown(kept.get(i)[2]), history.get(i)[2], "max of bucket " + i);
        }
    }

    /** A reading as the board shows it (rounded to 1e-6; absent and infinite ones null). */
    private static Double shown(final float v) {
        return Float.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null;
    }
}
