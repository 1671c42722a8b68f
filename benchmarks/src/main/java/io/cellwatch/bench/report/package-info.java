/** Turns a JMH JSON result file into the per-sample table of the benchmarks README. */
package io.cellwatch.bench.report;
