package io.cellwatch.replay;

import java.util.List;

/** One subcommand of {@link ReplayCli}: {@code import}, {@code evaluate}, {@code replay}. */
public interface Subcommand {
    /** The word that selects it. */
    String name();

    /** One line for the tool's help. */
    String summary();

    /** The full help text, printed by {@code <name> --help}. */
    String help();

    /**
     * Runs with the arguments after the subcommand's name ({@code --help} is handled before).
     *
     * @return the exit code, see {@link ExitCode}
     * @throws UsageException on bad arguments
     */
    int run(List<String> args) throws InterruptedException;
}
