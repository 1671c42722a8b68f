/** Each stop-condition rule as CellWatch runs it, beside the same rule in Flink CEP and in Esper on the same input. */
package io.cellwatch.bench.engines;
