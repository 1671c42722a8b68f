package io.cellwatch.replay;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** How the commands print times and numbers. */
final class Formats {
    private Formats() {
    }

    /** Microseconds since the epoch as an ISO-8601 instant, e.g. {@code 2019-08-15T17:01:31.170Z}. */
    static String instant(final long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
    }

    /** Microseconds as seconds with three decimals, e.g. {@code 1469.170}. */
    static String seconds(final long micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1e6);
    }

    /** A value to at most 6 decimals without trailing zeros ({@code 4.254292}, {@code 4.25}); NaN as {@code -}. */
    static String number(final double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        final BigDecimal d = BigDecimal.valueOf(v).setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    /** A 32-bit sample value as written in the file ({@code 26.61}, not {@code 26.610001}); NaN as {@code -}. */
    static String number(final float v) {
        if (Float.isNaN(v) || Float.isInfinite(v)) {
            return number((double) v);
        }
        final BigDecimal d = new BigDecimal(Float.toString(v)).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    /** A byte count for people, e.g. {@code 1.0 MB}. */
    static String bytes(final long n) {
        if (n < 10_000) {
            return n + " bytes";
        }
        return n < 10_000_000 ? String.format(Locale.ROOT, "%.1f kB", n / 1e3)
            : String.format(Locale.ROOT, "%.1f MB", n / 1e6);
    }
}
