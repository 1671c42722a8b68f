/** The rig protocol over TCP: server bootstrap, frame decoder, and the per-connection rig session. */
package io.cellwatch.gateway.tcp;
