/** JMH benchmarks of the stop-condition job's own per-record costs: the record's trip across Flink's network edge. */
package io.cellwatch.bench.job;
