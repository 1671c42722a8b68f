/** Per-channel stop-condition evaluation: keyed state, rule state machines, alerts and dead letters. */
package io.cellwatch.jobs.stop;
