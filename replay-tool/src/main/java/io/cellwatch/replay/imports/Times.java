package io.cellwatch.replay.imports;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;

/** Times in cycler exports: elapsed {@code h:mm:ss} past 24 h, and dates in the common export formats. */
final class Times {
    /** ISO-like: {@code 2026-03-06 12:37:25}, {@code 2026-03-06T12:37:25.5}, with an optional offset or Z. */
    static final DateTimeFormatter ISO_LIKE = new DateTimeFormatterBuilder().parseCaseInsensitive()
        .appendPattern("uuuu-MM-dd").optionalStart().appendLiteral('T').optionalEnd()
        .optionalStart().appendLiteral(' ').optionalEnd().appendPattern("HH:mm:ss")
        .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
        .optionalStart().appendOffsetId().optionalEnd()
        .toFormatter(Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
    /** US: {@code 05/05/2021 15:36:22.757} (BioLogic), {@code 08/15/2019 16:37:02} (Maccor). */
    static final DateTimeFormatter US = pattern("M/d/uuuu H:mm:ss");
    /** US with AM/PM: {@code 8/15/2019 4:37:02 PM}. */
    static final DateTimeFormatter US_AM_PM = new DateTimeFormatterBuilder().parseCaseInsensitive()
        .appendPattern("M/d/uuuu h:mm:ss")
        .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
        .appendPattern(" a").toFormatter(Locale.US).withResolverStyle(ResolverStyle.STRICT);
    /** European: {@code 06.03.2026 12:37:25}. */
    static final DateTimeFormatter EUROPEAN = pattern("d.M.uuuu H:mm:ss");

    private static final List<DateTimeFormatter> KNOWN = List.of(ISO_LIKE, US, US_AM_PM, EUROPEAN);

    private Times() {
    }

    /** A pattern with optional fractional seconds. */
    static DateTimeFormatter pattern(final String pattern) {
        return new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
    }

    /** {@code h:mm:ss[.fff]} with any number of hours ({@code 27:55:43}), as microseconds. */
    static long elapsedHms(final String cell) {
        final String s = cell.strip();
        final int c1 = s.indexOf(':');
        final int c2 = c1 < 0 ? -1 : s.indexOf(':', c1 + 1);
        if (c1 <= 0 || c2 < 0 || s.indexOf(':', c2 + 1) >= 0) {
            throw new NumberFormatException("'" + cell + "' is not h:mm:ss");
        }
        try {
            final long hours = Long.parseLong(s.substring(0, c1));
            final long minutes = Long.parseLong(s.substring(c1 + 1, c2));
            final String sec = s.substring(c2 + 1);
            if (hours < 0 || minutes < 0 || minutes > 59 || sec.isEmpty() || !Character.isDigit(sec.charAt(0))) {
                throw new NumberFormatException();
            }
            final long micros = Numbers.micros(sec, 1_000_000L, false);
            if (micros >= 60_000_000L) {
                throw new NumberFormatException();
            }
            return Math.addExact(Math.multiplyExact(hours * 60 + minutes, 60_000_000L), micros);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new NumberFormatException("'" + cell + "' is not h:mm:ss");
        }
    }

    /** Whether a cell looks like a date and time rather than a number or an elapsed h:mm:ss. */
    static boolean looksLikeDate(final String cell) {
        final String s = cell.strip();
        if (s.indexOf('/') > 0 || s.indexOf('.') > 0 && s.indexOf('.') < s.indexOf(' ') && s.indexOf(' ') > 0) {
            return true;
        }
        final int dash = s.indexOf('-', 1);
        return dash > 0 && dash < s.indexOf(':') && (s.indexOf(' ') > 0 || s.indexOf('T') > 0);
    }

    /** Reads dates with one format, or with the first of the known formats that fits (then keeps that one). */
    static final class DateReader {
        private final ZoneId zone;
        private DateTimeFormatter format;
        private final boolean fixed;

        /**
         * @param format the format, or null to find it among the known ones on the first date
         * @param zone   the zone of dates that carry none
         */
        DateReader(final DateTimeFormatter format, final ZoneId zone) {
            this.format = format;
            this.fixed = format != null;
            this.zone = zone;
        }

        /** Microseconds since the epoch. */
        long read(final String cell) {
            final String s = cell.strip();
            if (format != null) {
                try {
                    return toMicros(format.parse(s));
                } catch (DateTimeException e) {
                    if (fixed) {
                        throw new NumberFormatException("'" + cell + "' does not match the date format");
                    }
                }
            }
            for (DateTimeFormatter f : KNOWN) {
                try {
                    final long micros = toMicros(f.parse(s));
                    format = f;
                    return micros;
                } catch (DateTimeException e) {
                    // try the next one
                }
            }
            throw new NumberFormatException("'" + cell + "' is not a date and time this importer knows "
                + "(e.g. 2026-03-06 12:37:25, 03/06/2026 12:37:25.5); give its form with --date-format");
        }

        private long toMicros(final TemporalAccessor t) {
            final LocalDateTime local = LocalDateTime.from(t);
            final ZonedDateTime z = t.isSupported(ChronoField.OFFSET_SECONDS)
                ? local.atOffset(ZoneOffset.ofTotalSeconds(t.get(ChronoField.OFFSET_SECONDS))).toZonedDateTime()
                : local.atZone(zone);
            return Math.addExact(Math.multiplyExact(z.toEpochSecond(), 1_000_000L), z.getNano() / 1_000);
        }
    }
}
