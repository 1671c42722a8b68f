/** {@code record}: which frames and alerts of the Kafka topics make a run, and reading the topics in arrival order. */
package io.cellwatch.replay.record;
