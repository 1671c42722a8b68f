/** Offline evaluation of a run file with the live job's rule code, and the comparison of two sets of alerts. */
package io.cellwatch.replay.evaluate;
