package io.cellwatch.gateway.lineprotocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses InfluxDB line protocol: {@code measurement[,tag=value...] field=value[,field=value...] [timestamp]}, one
 * point per line, {@code #} comment lines and blank lines skipped. Backslash escapes commas, spaces and equals signs
 * in names and tag values; field values are floats, integers with a trailing {@code i} or {@code u}, booleans, or
 * double-quoted strings (which are refused here: samples are numbers). The timestamp is an integer in the request's
 * precision ({@code ns} default, {@code us}, {@code ms}, {@code s}).
 *
 * <p>The whole body is parsed before anything is written: one bad line refuses the request, naming the line.
 */
public final class LineProtocolParser {
    private LineProtocolParser() {
    }

    /** Microseconds per unit of a precision name, or -1 for an unknown precision. */
    public static long microsPer(final String precision) {
        switch (precision == null ? "ns" : precision) {
            case "ns": case "n": return 0; // special: divide by 1000
            case "us": case "u": return 1;
            case "ms": return 1_000;
            case "s": return 1_000_000;
            default: return -1;
        }
    }

    public static List<LinePoint> parse(final String body, final String precision) throws LineProtocolException {
        final long unit = microsPer(precision);
        if (unit < 0) {
            throw new LineProtocolException(0, "unknown precision '" + precision + "' (ns, us, ms or s)");
        }
        final List<LinePoint> points = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        while (start <= body.length()) {
            int end = body.indexOf('\n', start);
            if (end < 0) {
                end = body.length();
            }
            lineNo++;
            String line = body.substring(start, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            final String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                points.add(parseLine(trimmed, lineNo, unit));
            }
            start = end + 1;
        }
        return points;
    }

    /**
     * Parses one line without its newline (the raw-TCP listener gets lines one at a time).
     *
     * @param lineNo line number for error messages (the connection's count)
     * @return the point, or null for a blank or comment line
     */
    public static LinePoint parseLine(final String line, final int lineNo, final String precision)
        throws LineProtocolException {
        final long unit = microsPer(precision);
        if (unit < 0) {
            throw new LineProtocolException(lineNo, "unknown precision '" + precision + "' (ns, us, ms or s)");
        }
        final String trimmed = line.strip();
        return trimmed.isEmpty() || trimmed.startsWith("#") ? null : parseLine(trimmed, lineNo, unit);
    }

    private static LinePoint parseLine(final String line, final int no, final long unit) throws LineProtocolException {
        final List<String> sections = split(line, ' ', no);
        if (sections.size() < 2 || sections.size() > 3) {
            throw new LineProtocolException(no, "expected 'measurement,tags fields [timestamp]', got "
                + sections.size() + " space-separated parts");
        }
        final List<String> head = split(sections.get(0), ',', no);
        final String measurement = unescape(head.get(0));
        if (measurement.isEmpty()) {
            throw new LineProtocolException(no, "empty measurement name");
        }
        final Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 1; i < head.size(); i++) {
            final String[] kv = keyValue(head.get(i), no, "tag");
            tags.put(kv[0], kv[1]);
        }
        final Map<String, Double> fields = new LinkedHashMap<>();
        for (String f : split(sections.get(1), ',', no)) {
            final String[] kv = keyValue(f, no, "field");
            fields.put(kv[0], fieldValue(kv[0], kv[1], no));
        }
        long ts = Long.MIN_VALUE;
        if (sections.size() == 3) {
            try {
                final long raw = Long.parseLong(sections.get(2));
                ts = unit == 0 ? Math.floorDiv(raw, 1000) : Math.multiplyExact(raw, unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new LineProtocolException(no, "timestamp '" + preview(sections.get(2)) + "' is not an integer "
                    + "in the request's precision");
            }
        }
        return new LinePoint(no, measurement, tags, fields, ts);
    }

    private static double fieldValue(final String key, final String v, final int no) throws LineProtocolException {
        if (v.startsWith("\"")) {
            throw new LineProtocolException(no, "field '" + key + "' is a string; sample fields must be numbers");
        }
        switch (v) {
            case "t": case "T": case "true": case "True": case "TRUE": return 1;
            case "f": case "F": case "false": case "False": case "FALSE": return 0;
            default: break;
        }
        final String number = v.endsWith("i") || v.endsWith("u") ? v.substring(0, v.length() - 1) : v;
        try {
            return Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new LineProtocolException(no, "field '" + key + "' value '" + preview(v) + "' is not a number");
        }
    }

    private static String[] keyValue(final String part, final int no, final String what) throws LineProtocolException {
        final int eq = unescapedIndex(part, '=');
        if (eq <= 0 || eq == part.length() - 1) {
            throw new LineProtocolException(no, what + " '" + preview(part) + "' is not key=value");
        }
        return new String[] {unescape(part.substring(0, eq)), unescape(part.substring(eq + 1))};
    }

    /** Splits at unescaped separators outside double quotes. */
    private static List<String> split(final String s, final char sep, final int no) throws LineProtocolException {
        final List<String> out = new ArrayList<>();
        final StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                cur.append(c);
            } else if (c == sep && !quoted) {
                if (sep == ' ' && cur.length() == 0) {
                    continue; // runs of spaces
                }
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new LineProtocolException(no, "unterminated string");
        }
        out.add(cur.toString());
        return out;
    }

    private static int unescapedIndex(final String s, final char c) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(final String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        final StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                b.append(s.charAt(++i));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String preview(final String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
