/** Starts the whole CellWatch stack on an embedded default (Kafka, gateway, job, simulated rig) with one command. */
package io.cellwatch.launcher;
