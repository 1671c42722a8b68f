/** JMH benchmarks of the stop-condition rules over decoded and flyweight batches against boxed/allocating baselines. */
package io.cellwatch.bench.rules;
