package io.cellwatch.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits command-line arguments into {@code --key=value} / {@code --key value} flags, bare {@code --switch}es and
 * positional words. Whether a flag takes a value is decided by the caller's list of switches.
 */
public final class CommandLine {
    private final Map<String, String> flags = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private CommandLine() {
    }

    /**
     * @param args     the arguments
     * @param switches flag names (without dashes) that take no value, e.g. {@code help}, {@code simulate}
     */
    public static CommandLine parse(final String[] args, final List<String> switches) {
        final CommandLine cl = new CommandLine();
        for (int i = 0; i < args.length; i++) {
            final String a = args[i];
            if (a.startsWith("--") && a.length() > 2) {
                final String body = a.substring(2);
                final int eq = body.indexOf('=');
                if (eq >= 0) {
                    cl.flags.put(body.substring(0, eq), body.substring(eq + 1));
                } else if (switches.contains(body)) {
                    cl.flags.put(body, "true");
                } else if (i + 1 < args.length) {
                    cl.flags.put(body, args[++i]);
                } else {
                    throw new ConfigException("flag --" + body + " needs a value");
                }
            } else if ("-h".equals(a)) {
                cl.flags.put("help", "true");
            } else {
                cl.positional.add(a);
            }
        }
        return cl;
    }

    public Map<String, String> flags() {
        return flags;
    }

    public List<String> positional() {
        return positional;
    }

    /** Removes and returns a flag (so the rest can be handed to {@link Settings#load}). */
    public String take(final String name) {
        return flags.remove(name);
    }

    public boolean takeSwitch(final String name) {
        return "true".equalsIgnoreCase(flags.remove(name));
    }
}
