/** The ingest gateway: accepts rig connections, stores their data in Kafka, and sends stop commands back to rigs. */
package io.cellwatch.gateway;
