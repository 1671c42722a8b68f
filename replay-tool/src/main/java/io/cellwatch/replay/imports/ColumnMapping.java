package io.cellwatch.replay.imports;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which column of a generic CSV holds which quantity: {@code time=Test_Time(s),voltage=Voltage(V),current=Current(A)}
 * and optionally {@code temp=...}, {@code ambient=...}, {@code force=...}.
 */
public final class ColumnMapping {
    /** The quantities a column can hold. */
    public enum Role {
        TIME("time", true), VOLTAGE("voltage", true), CURRENT("current", true), TEMP("temp", false),
        AMBIENT("ambient", false), FORCE("force", false);

        private final String key;
        private final boolean required;

        Role(final String key, final boolean required) {
            this.key = key;
            this.required = required;
        }

        public String key() {
            return key;
        }

        public boolean required() {
            return required;
        }

        static Role of(final String key) {
            final String k = key.strip().toLowerCase(Locale.ROOT);
            for (Role r : values()) {
                if (r.key.equals(k)) {
                    return r;
                }
            }
            return switch (k) {
                case "cell_temp", "temperature", "t" -> TEMP;
                case "v" -> VOLTAGE;
                case "i" -> CURRENT;
                default -> null;
            };
        }
    }

    /** The replay tool's own CSV columns (docs/replay.md): what {@code --format csv} reads without {@code --map}. */
    public static final ColumnMapping OWN_CSV = new ColumnMapping(Map.of(Role.TIME, "time_s", Role.VOLTAGE,
        "voltage_v", Role.CURRENT, "current_a", Role.TEMP, "cell_temp_c", Role.AMBIENT, "ambient_temp_c",
        Role.FORCE, "force_n"));

    private final Map<Role, String> columns;

    private ColumnMapping(final Map<Role, String> columns) {
        this.columns = new EnumMap<>(columns);
    }

    /**
     * Parses one or more {@code --map} values, each a comma-separated list of {@code role=column}.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static ColumnMapping parse(final Iterable<String> values) {
        final Map<Role, String> m = new EnumMap<>(Role.class);
        for (String value : values) {
            for (String entry : value.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                final int eq = entry.indexOf('=');
                if (eq <= 0 || eq == entry.length() - 1) {
                    throw new IllegalArgumentException("'" + entry + "' is not ROLE=COLUMN (roles: time, voltage, "
                        + "current, temp, ambient, force)");
                }
                final Role role = Role.of(entry.substring(0, eq));
                if (role == null) {
                    throw new IllegalArgumentException("unknown role '" + entry.substring(0, eq).strip()
                        + "' (roles: time, voltage, current, temp, ambient, force)");
                }
                if (m.put(role, entry.substring(eq + 1).strip()) != null) {
                    throw new IllegalArgumentException("role '" + role.key() + "' is mapped twice");
                }
            }
        }
        for (Role r : Role.values()) {
            if (r.required() && !m.containsKey(r)) {
                throw new IllegalArgumentException("no column for '" + r.key() + "' (time, voltage and current are "
                    + "required)");
            }
        }
        return new ColumnMapping(m);
    }

    /** The column for {@code role}, or null when it is not mapped. */
    public String column(final Role role) {
        return columns.get(role);
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder();
        columns.forEach((r, c) -> sb.append(sb.length() == 0 ? "" : ",").append(r.key()).append('=').append(c));
        return sb.toString();
    }
}
