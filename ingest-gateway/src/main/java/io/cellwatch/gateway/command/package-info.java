/** Alerts back to rigs: which connection owns which channel, and the consumer that turns alerts into COMMAND frames. */
package io.cellwatch.gateway.command;
