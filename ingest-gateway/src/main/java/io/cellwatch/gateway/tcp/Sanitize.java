package io.cellwatch.gateway.tcp;

/** Makes peer-supplied text safe for a log line: printable ASCII only, bounded length. */
public final class Sanitize {
    private static final int MAX = 80;

    private Sanitize() {
    }

    public static String text(final String s) {
        final StringBuilder b = new StringBuilder(Math.min(s.length(), MAX));
        for (int i = 0; i < s.length() && b.length() < MAX; i++) {
            final char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return s.length() > MAX ? b.append("...").toString() : b.toString();
    }
}
