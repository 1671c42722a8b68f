/** The run file (docs/run-file.md): a self-describing, append-only binary recording of a run, its writer and reader. */
package io.cellwatch.replay.runfile;
