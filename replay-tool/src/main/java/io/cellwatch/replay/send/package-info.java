/** Sends a run to a gateway through the rig client in paced batches, counting what was sent and acknowledged. */
package io.cellwatch.replay.send;
