package io.cellwatch.replay.imports;

import java.util.List;

/** Splits a line into cells. */
final class Cells {
    private Cells() {
    }

    /**
     * Splits {@code line} on {@code separator} into {@code out} (cleared first). Cells are trimmed. A cell that starts
     * with a double quote runs to the closing quote, may contain the separator, and {@code ""} inside it is one quote
     * (RFC 4180); quotes elsewhere are kept as they are.
     */
    static void split(final String line, final char separator, final List<String> out) {
        out.clear();
        final int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && line.charAt(i) == ' ' && separator != ' ') {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                final StringBuilder sb = new StringBuilder();
                i++;
                while (i < n) {
                    final char c = line.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && line.charAt(i + 1) == '"') {
                            sb.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    sb.append(c);
                    i++;
                }
                final int sep = line.indexOf(separator, i);
                out.add(sb.toString().strip());
                if (sep < 0) {
                    return;
                }
                i = sep + 1;
            } else {
                final int sep = line.indexOf(separator, i);
                out.add((sep < 0 ? line.substring(i) : line.substring(i, sep)).strip());
                if (sep < 0) {
                    return;
                }
                i = sep + 1;
            }
        }
    }

    /** The separator a header line most likely uses: the most frequent of tab, ';' and ',' (',' when none occurs). */
    static char guessSeparator(final String headerLine) {
        int tabs = 0;
        int semicolons = 0;
        int commas = 0;
        for (int i = 0; i < headerLine.length(); i++) {
            switch (headerLine.charAt(i)) {
                case '\t' -> tabs++;
                case ';' -> semicolons++;
                case ',' -> commas++;
                default -> { }
            }
        }
        if (tabs >= semicolons && tabs >= commas && tabs > 0) {
            return '\t';
        }
        return semicolons > commas ? ';' : ',';
    }

    /** A line shortened for messages: at most 120 characters, control characters shown as '?'. */
    static String preview(final String line) {
        final String cut = line.length() > 120 ? line.substring(0, 117) + "..." : line;
        final StringBuilder sb = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            final char c = cut.charAt(i);
            sb.append(c < 0x20 && c != '\t' ? '?' : c == '\t' ? ' ' : c);
        }
        return sb.toString();
    }
}
