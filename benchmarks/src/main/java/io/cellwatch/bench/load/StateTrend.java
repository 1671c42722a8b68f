package io.cellwatch.bench.load;

import java.util.List;
import java.util.Locale;

/**
 * Whether the job's checkpoint grew over a run: the full checkpoint size of the points from {@code fromRigHours} of
 * rig time evaluated on (before that the job is still starting and checkpoints may not have completed yet), with
 * its least-squares slope per rig hour. A bounded state has max - min near 0 and a slope near 0 however long the run.
 *
 * @param points        points used (with a completed checkpoint, at or after {@code fromRigHours})
 * @param fromRigHours  first rig hour used
 * @param toRigHours    last rig hour used
 * @param firstBytes    full checkpoint size at the first point used
 * @param lastBytes     at the last point used
 * @param minBytes      smallest
 * @param maxBytes      largest
 * @param slopeBytesPerRigHour least-squares growth per hour of rig time evaluated (NaN with fewer than 2 points)
 */
record StateTrend(int points, double fromRigHours, double toRigHours, long firstBytes, long lastBytes, long minBytes,
                  long maxBytes, double slopeBytesPerRigHour) {

    static StateTrend of(final List<LoadResult.StatePoint> series, final double fromRigHours) {
        final List<LoadResult.StatePoint> used = series.stream()
            .filter(p -> p.lastCheckpointFullBytes() > 0 && p.rigHoursEvaluated() >= fromRigHours).toList();
        if (used.isEmpty()) {
            return new StateTrend(0, fromRigHours, Double.NaN, -1, -1, -1, -1, Double.NaN);
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        double sx = 0;
        double sy = 0;
        for (LoadResult.StatePoint p : used) {
            min = Math.min(min, p.lastCheckpointFullBytes());
            max = Math.max(max, p.lastCheckpointFullBytes());
            sx += p.rigHoursEvaluated();
            sy += p.lastCheckpointFullBytes();
        }
        final int n = used.size();
        final double mx = sx / n;
        final double my = sy / n;
        double sxy = 0;
        double sxx = 0;
        for (LoadResult.StatePoint p : used) {
            final double dx = p.rigHoursEvaluated() - mx;
            sxy += dx * (p.lastCheckpointFullBytes() - my);
            sxx += dx * dx;
        }
        final double slope = n < 2 || sxx == 0 ? Double.NaN : sxy / sxx;
        return new StateTrend(n, used.get(0).rigHoursEvaluated(), used.get(n - 1).rigHoursEvaluated(),
            used.get(0).lastCheckpointFullBytes(), used.get(n - 1).lastCheckpointFullBytes(), min, max, slope);
    }

    String line(final int channels) {
        if (points == 0) {
            return "no completed checkpoint after rig hour " + fromRigHours;
        }
        return String.format(Locale.ROOT,
            "full checkpoint size over rig hours %.2f .. %.2f (%d points): first %,d B, last %,d B, min %,d B, "
                + "max %,d B (max - min %,d B); slope %.1f B per rig hour; per channel (whole checkpoint / %d) "
                + "last %,.0f B", fromRigHours, toRigHours, points, firstBytes, lastBytes, minBytes, maxBytes,
            maxBytes - minBytes, slopeBytesPerRigHour, channels, lastBytes / (double) channels);
    }
}
