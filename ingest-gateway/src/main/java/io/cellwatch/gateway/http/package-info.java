/** The gateway's HTTP side: health, Prometheus metrics, the REST API, the dashboard's files and its WebSocket live feed. */
package io.cellwatch.gateway.http;
