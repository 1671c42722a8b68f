/** Kafka (de)serialisation of the job's records: telemetry in, alerts and dead letters out. */
package io.cellwatch.jobs.kafka;
