package io.cellwatch.replay.imports;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Numbers in cycler exports: plain decimals, optionally with a decimal comma, read strictly. */
final class Numbers {
    private Numbers() {
    }

    /**
     * A decimal number. Digits, sign, one decimal separator and an exponent only: {@code NaN}, {@code Infinity}, hex
     * and thousands separators are not numbers here.
     *
     * @param decimalComma whether ',' is the decimal separator (files whose cells are separated by ';' or tab)
     * @throws NumberFormatException with a message fit for people
     */
    static double parse(final String cell, final boolean decimalComma) {
        final String s = normalise(cell, decimalComma);
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new NumberFormatException("'" + cell + "' is not a number");
        }
    }

    /** An optional value: NaN when the column is absent or the cell is blank, {@code NaN}, {@code N/A} or {@code -}. */
    static double optional(final java.util.List<String> cells, final int column, final boolean decimalComma) {
        if (column < 0 || column >= cells.size()) {
            return Double.NaN;
        }
        final String c = cells.get(column);
        if (c.isEmpty() || "nan".equalsIgnoreCase(c) || "n/a".equalsIgnoreCase(c) || "-".equals(c)) {
            return Double.NaN;
        }
        return parse(c, decimalComma);
    }

    /** A required value of column {@code column}. */
    static double required(final java.util.List<String> cells, final int column, final String what,
                           final boolean decimalComma) {
        if (column >= cells.size()) {
            throw new NumberFormatException("no " + what + " cell (the line has " + cells.size() + " cells)");
        }
        final String c = cells.get(column);
        if (c.isEmpty()) {
            throw new NumberFormatException(what + " is empty");
        }
        try {
            return parse(c, decimalComma);
        } catch (NumberFormatException e) {
            throw new NumberFormatException(what + " " + e.getMessage());
        }
    }

    /**
     * A decimal number of units of {@code microsPerUnit} microseconds, as whole microseconds, exactly (rounded half
     * even): {@code 1469.17} seconds is 1469170000 us, with no binary rounding on the way.
     */
    static long micros(final String cell, final long microsPerUnit, final boolean decimalComma) {
        final String s = normalise(cell, decimalComma);
        try {
            return new BigDecimal(s).multiply(BigDecimal.valueOf(microsPerUnit))
                .setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new NumberFormatException("'" + cell + "' is not a time in range");
        }
    }

    /** {@link #micros} for a unit given as a (possibly fractional) number of microseconds, e.g. 1e-3 for ns. */
    static long micros(final String cell, final BigDecimal microsPerUnit, final boolean decimalComma) {
        final String s = normalise(cell, decimalComma);
        try {
            return new BigDecimal(s).multiply(microsPerUnit).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new NumberFormatException("'" + cell + "' is not a time in range");
        }
    }

    private static String normalise(final String cell, final boolean decimalComma) {
        final String s = cell.strip();
        if (!looksNumeric(s, decimalComma)) {
            throw new NumberFormatException("'" + cell + "' is not a number");
        }
        return decimalComma ? s.replace(',', '.') : s;
    }

    static boolean looksNumeric(final String s, final boolean decimalComma) {
        boolean digit = false;
        int separators = 0;
        for (int i = 0; i < s.length(); i++) {
            final char ch = s.charAt(i);
            if (ch >= '0' && ch <= '9') {
                digit = true;
            } else if (ch == '.' || decimalComma && ch == ',') {
                separators++;
            } else if (ch != '-' && ch != '+' && ch != 'e' && ch != 'E') {
                return false;
            }
        }
        return digit && separators <= 1;
    }
}
