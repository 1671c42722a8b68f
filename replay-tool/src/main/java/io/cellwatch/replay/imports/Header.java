package io.cellwatch.replay.imports;

import java.util.List;
import java.util.Locale;

/** A header line's cells, and the lookup of columns by name. Names compare trimmed and case-insensitively. */
final class Header {
    private final List<String> names;
    private final long line;
    private final String source;

    Header(final List<String> names, final long line, final String source) {
        this.names = List.copyOf(names);
        this.line = line;
        this.source = source;
    }

    List<String> names() {
        return names;
    }

    long line() {
        return line;
    }

    int size() {
        return names.size();
    }

    String name(final int column) {
        return names.get(column);
    }

    /** The first column whose name equals one of {@code candidates} (in the candidates' order), or -1. */
    int find(final String... candidates) {
        for (String c : candidates) {
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equalsIgnoreCase(c.strip())) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The first column whose name starts with one of {@code prefixes}, or -1. */
    int findStartingWith(final String... prefixes) {
        for (String p : prefixes) {
            final String lower = p.toLowerCase(Locale.ROOT);
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).toLowerCase(Locale.ROOT).startsWith(lower)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** {@link #find}, or an {@link ImportException} naming the role, the candidates and the columns there are. */
    int require(final String role, final String... candidates) throws ImportException {
        final int c = find(candidates);
        if (c < 0) {
            throw missing(role, candidates);
        }
        return c;
    }

    ImportException missing(final String role, final String... candidates) {
        return new ImportException(source, line, "no " + role + " column (looked for " + quoted(candidates)
            + "); the header has: " + quoted(names.toArray(new String[0])));
    }

    static String quoted(final String... names) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            sb.append(i == 0 ? "" : ", ").append('\'').append(names[i]).append('\'');
        }
        return sb.toString();
    }
}
