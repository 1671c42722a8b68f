/** Counters of the gateway: frames and samples in, rejections by reason, Kafka acknowledgements, commands. */
package io.cellwatch.gateway.metrics;
