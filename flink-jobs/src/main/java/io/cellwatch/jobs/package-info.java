/** Flink jobs of CellWatch: the stop-condition job, its configuration and topology. */
package io.cellwatch.jobs;
