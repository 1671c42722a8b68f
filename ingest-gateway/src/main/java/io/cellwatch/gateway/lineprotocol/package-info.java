/** InfluxDB line protocol in: what labs already emit (Telegraf, LabVIEW, Python clients), mapped onto CellWatch samples. */
package io.cellwatch.gateway.lineprotocol;
