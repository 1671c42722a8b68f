package io.cellwatch.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cellwatch.core.config.CommandLine;
import io.cellwatch.core.config.ConfigException;

/**
 * The options of a subcommand: one table that both checks the command line and writes the help, so the two cannot
 * disagree.
 */
public final class OptionSpec {
    /** One {@code --name VALUE} option; {@code valueName} null for a switch; a repeatable one may be given often. */
    public record Option(String name, String valueName, String description, boolean repeatable) {
    }

    /** The parsed command line: known options only. */
    public record Parsed(Map<String, String> values, Map<String, List<String>> repeated, List<String> positional) {
        public String get(final String name) {
            return values.get(name);
        }

        /** Every value of a repeatable option, in command-line order (empty when not given). */
        public List<String> all(final String name) {
            return repeated.getOrDefault(name, List.of());
        }

        /** Whether a switch was given. */
        public boolean has(final String name) {
            return "true".equalsIgnoreCase(values.get(name));
        }
    }

    private final String command;
    private final Map<String, Option> options = new LinkedHashMap<>();

    public OptionSpec(final String command) {
        this.command = command;
        add("help", null, "print this help and exit");
    }

    /** Adds an option taking a value ({@code valueName} null: a switch). */
    public OptionSpec add(final String name, final String valueName, final String description) {
        options.put(name, new Option(name, valueName, description, false));
        return this;
    }

    /** Adds an option taking a value that may be given more than once ({@code --set a=1 --set b=2}). */
    public OptionSpec addRepeatable(final String name, final String valueName, final String description) {
        options.put(name, new Option(name, valueName, description, true));
        return this;
    }

    /** Whether {@code args} ask for help ({@code --help} or {@code -h} anywhere), before any other check. */
    public static boolean wantsHelp(final List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    /**
     * Splits {@code args} into options and positional words.
     *
     * @throws UsageException for an unknown option or an option without its value
     */
    public Parsed parse(final List<String> allArgs) {
        // Repeatable options first: CommandLine keeps one value per name.
        final Map<String, List<String>> repeated = new LinkedHashMap<>();
        final List<String> args = new ArrayList<>();
        for (int i = 0; i < allArgs.size(); i++) {
            final String a = allArgs.get(i);
            final Option o = a.startsWith("--") ? repeatable(a.substring(2)) : null;
            if (o == null) {
                args.add(a);
                continue;
            }
            final int eq = a.indexOf('=');
            final String value;
            if (eq > 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < allArgs.size()) {
                value = allArgs.get(++i);
            } else {
                throw new UsageException("--" + o.name() + " needs a value; see '" + command + " --help'");
            }
            repeated.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(value);
        }
        final List<String> switches = new ArrayList<>();
        for (Option o : options.values()) {
            if (o.valueName() == null) {
                switches.add(o.name());
            }
        }
        final CommandLine cl;
        try {
            cl = CommandLine.parse(args.toArray(new String[0]), switches);
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage() + "; see '" + command + " --help'");
        }
        for (String name : cl.flags().keySet()) {
            if (!options.containsKey(name)) {
                throw new UsageException("unknown option --" + name + " for '" + command + "'; see '" + command
                    + " --help'");
            }
        }
        for (String word : cl.positional()) {
            if (word.startsWith("-") && word.length() > 1) {
                throw new UsageException("unknown option " + word + " for '" + command + "'; options start with --, "
                    + "see '" + command + " --help'");
            }
        }
        return new Parsed(Map.copyOf(cl.flags()), Map.copyOf(repeated), List.copyOf(cl.positional()));
    }

    private Option repeatable(final String flag) {
        final int eq = flag.indexOf('=');
        final Option o = options.get(eq >= 0 ? flag.substring(0, eq) : flag);
        return o != null && o.repeatable() ? o : null;
    }

    /** Option names, for tests and docs. */
    public Set<String> names() {
        return options.keySet();
    }

    /** The options part of the help: one option per line, the description aligned and wrapped. */
    public String describe() {
        final StringBuilder sb = new StringBuilder();
        for (Option o : options.values()) {
            final String left = "  --" + o.name() + (o.valueName() == null ? "" : " " + o.valueName());
            sb.append(left);
            int col = left.length();
            if (col >= 30) {
                sb.append('\n');
                col = 0;
            }
            sb.append(" ".repeat(30 - col));
            col = 30;
            for (String word : (o.description() + (o.repeatable() ? " (repeatable)" : "")).split(" ")) {
                if (col + word.length() + 1 > 110 && col > 30) {
                    sb.append('\n').append(" ".repeat(30));
                    col = 30;
                } else if (col > 30) {
                    sb.append(' ');
                    col++;
                }
                sb.append(word);
                col += word.length();
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
