/** InfluxDB line protocol over raw TCP: newline-delimited lines on their own port, stored like the HTTP writes. */
package io.cellwatch.gateway.linetcp;
