/** The replay tool's command line: subcommands parse their arguments, run the work and map failures to exit codes. */
package io.cellwatch.replay;
