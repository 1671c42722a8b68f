/** JMH benchmarks of the rig protocol codec: the SAMPLES flyweight against object-per-sample and JSON baselines. */
package io.cellwatch.bench.codec;
