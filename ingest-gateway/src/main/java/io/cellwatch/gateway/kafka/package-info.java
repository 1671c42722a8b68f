/** The gateway's way into Kafka: publishing rig frames as records and learning when Kafka holds them. */
package io.cellwatch.gateway.kafka;
