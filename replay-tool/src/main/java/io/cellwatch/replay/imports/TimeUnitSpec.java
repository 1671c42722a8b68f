package io.cellwatch.replay.imports;

import java.util.Locale;

/** How a numeric time cell is read: elapsed time in some unit, or time since 1970-01-01T00:00:00Z. */
public enum TimeUnitSpec {
    S("s", 1_000_000L, false),
    MS("ms", 1_000L, false),
    US("us", 1L, false),
    MIN("min", 60_000_000L, false),
    H("h", 3_600_000_000L, false),
    EPOCH_S("epoch-s", 1_000_000L, true),
    EPOCH_MS("epoch-ms", 1_000L, true),
    EPOCH_US("epoch-us", 1L, true);

    private final String label;
    private final long microsPerUnit;
    private final boolean absolute;

    TimeUnitSpec(final String label, final long microsPerUnit, final boolean absolute) {
        this.label = label;
        this.microsPerUnit = microsPerUnit;
        this.absolute = absolute;
    }

    /** The name used on the command line, e.g. {@code epoch-s}. */
    public String label() {
        return label;
    }

    public long microsPerUnit() {
        return microsPerUnit;
    }

    /** Whether the numbers count from the epoch (dates) rather than from the run start. */
    public boolean absolute() {
        return absolute;
    }

    /** Parses a command-line name; null if unknown. */
    public static TimeUnitSpec parse(final String text) {
        final String t = text.strip().toLowerCase(Locale.ROOT).replace('µ', 'u');
        for (TimeUnitSpec u : values()) {
            if (u.label.equals(t)) {
                return u;
            }
        }
        return switch (t) {
            case "sec", "second", "seconds" -> S;
            case "hour", "hours", "hr" -> H;
            case "minute", "minutes" -> MIN;
            default -> null;
        };
    }

    /** Every command-line name, for messages. */
    public static String labels() {
        final StringBuilder sb = new StringBuilder();
        for (TimeUnitSpec u : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(u.label);
        }
        return sb.toString();
    }
}
