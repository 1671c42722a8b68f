/** A small Java client for the rig protocol, used by rigs, the simulator, the replay tool and the tests. */
package io.cellwatch.rig;
